// Hash-chained audit log entries: hash = sha256(canonical JSON of the entry without `hash`).
import { z } from 'zod';
import { JsonValue, Timestamp } from './primitives.js';

/**
 * Every action the BFF writes to the audit log, grouped by what it records.
 * appendAudit accepts only these, and the console's describer and labels are
 * keyed by this type, so adding an action here is the one edit: the compiler
 * then points at each place that must say something about it.
 */
export const AuditAction = z.enum([
  // Sign-in and sessions (actor: the user).
  'auth.login',
  'auth.login_failed',
  'auth.step_up',
  'auth.step_up_failed',
  'auth.locked',
  'auth.refresh_reuse',
  // Users and service accounts (the CLI writes the user.* entries as `cli`).
  'user.created',
  'user.roles_set',
  'user.password_reset',
  'user.totp_enrolled',
  // People from the company IdP (bff/src/store/idp-users.ts): first seen, and roles changed by their groups.
  'user.idp_linked',
  'user.idp_roles_changed',
  'service_account.created',
  'service_account.revoked',
  // The registry.
  'model.created',
  'version.registered',
  'version.deprecated',
  'eval_run.reported',
  'report.exported',
  'signing_key.created',
  'signing_key.rotated',
  // Rollout policy, and the two-person changes that loosen it.
  'model.policy_updated',
  'model.policy_change_proposed',
  'model.policy_change_approved',
  'model.policy_change_rejected',
  'model.policy_change_expired',
  'model.policy_change_stale',
  // Rollout requests and what they changed.
  'rollout.requested',
  'request.approved',
  'request.rejected',
  'request.cancelled',
  'request.expired',
  'request.stale',
  'rollout.dispatched',
  'rollback.executed',
  // The serving layer (actors system:… for the dispatcher).
  'serving.set',
  'dispatch.applied',
  'dispatch.failed',
  'dispatch.drift',
  'dispatch.drift_resolved',
  'dispatch.retry_requested',
  // Online canary analysis: the online gate per model (automatic rollbacks are rollback.executed by system:canary-analysis).
  'online_gate.set',
  // The demo data set, written once when a server starts with --seed-demo.
  'seed.demo',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** Every audit action, in the order above (filters and pickers list them so). */
export const AUDIT_ACTIONS: readonly AuditAction[] = AuditAction.options;

/**
 * The actions that make a model's deployment history: its versions, the
 * requests to move traffic and their outcome, and what the serving layer did
 * with the approved state (the history is not only approvals).
 */
export const DEPLOYMENT_HISTORY_ACTIONS = [
  'rollout.requested',
  'request.approved',
  'request.rejected',
  'request.cancelled',
  'request.expired',
  'request.stale',
  'rollout.dispatched',
  'rollback.executed',
  'version.registered',
  'version.deprecated',
  'serving.set',
  'dispatch.applied',
  'dispatch.failed',
  'dispatch.drift',
  'dispatch.drift_resolved',
  'dispatch.retry_requested',
] as const satisfies readonly AuditAction[];
export type DeploymentHistoryAction = (typeof DEPLOYMENT_HISTORY_ACTIONS)[number];

const deploymentHistory: ReadonlySet<string> = new Set(DEPLOYMENT_HISTORY_ACTIONS);

/** True for an action this build knows (entries read back may predate or postdate it). */
export const isAuditAction = (action: string): action is AuditAction => AuditAction.safeParse(action).success;

/** True when an entry with this action belongs on a model's deployment history. */
export const isDeploymentHistoryAction = (action: string): action is DeploymentHistoryAction => deploymentHistory.has(action);

export const AuditEntry = z.strictObject({
  seq: z.number().int().min(1),
  at: Timestamp,
  actor: z.string(),
  /**
   * Read back as any string: the log is immutable history, so an entry
   * written under an action a later build renamed must still list and verify.
   * New entries are AuditAction (appendAudit).
   */
  action: z.string(),
  /** What was acted on, e.g. "model:ltr-ranker" or "request:req_…". */
  target: z.string(),
  details: z.record(z.string(), JsonValue),
  prev_hash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** prev_hash of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);
