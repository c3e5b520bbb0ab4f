// The one error a serving adapter throws: whether trying again later can help
// decides between "retrying" (with backoff) and "failed" (until someone acts).
export class DispatchError extends Error {
  constructor(
    message: string,
    /** True when only a person can fix it (wrong backend, missing servers, a 4xx). */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DispatchError';
  }
}

/** Any thrown value as a DispatchError; unknown failures count as transient. */
export function asDispatchError(error: unknown): DispatchError {
  if (error instanceof DispatchError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DispatchError(message.slice(0, 1000), false);
}
