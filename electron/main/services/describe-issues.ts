// One sentence from a zod error, for a log line or an error message a person reads:
// "path: message; path: message". Paths and messages only: zod's `input` would
// echo what was sent, secrets included.

/** What describeIssues reads of a zod error (structural, so a zod version bump does not matter). */
export interface IssueSource {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/** The first `limit` issues (3: enough to find the fault, short enough for a dialog). */
export function describeIssues(error: IssueSource, limit = 3): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`)
    .join('; ');
}
