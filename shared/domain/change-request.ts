// A requested rollout step waiting for (or past) its second person.
import { z } from 'zod';
import { GateResult } from './gate.js';
import { StepAnalysisSummary } from './online-gate.js';
import { ModelId, SemVer, Timestamp, Username } from './primitives.js';

export const RolloutAction = z.enum(['start_canary', 'advance', 'promote', 'rollback']);
export type RolloutAction = z.infer<typeof RolloutAction>;

export const RequestStatus = z.enum(['pending', 'dispatched', 'rejected', 'expired', 'cancelled', 'stale']);
export type RequestStatus = z.infer<typeof RequestStatus>;

export const Decision = z.strictObject({
  by: Username,
  at: Timestamp,
  decision: z.enum(['approve', 'reject']),
  comment: z.string(),
  auth_time: Timestamp,
});
export type Decision = z.infer<typeof Decision>;

/**
 * The eval run behind a request's gate snapshot and who reported it. A run
 * reported by the requester or by the target's registrant is flagged: they
 * could have passed their own gate, so the approver should look twice.
 */
export const GateRun = z.strictObject({
  run_id: z.string(),
  reported_by: z.string(),
  finished_at: Timestamp,
  reporter_conflict: z.enum(['requester', 'registrant']).nullable(),
});
export type GateRun = z.infer<typeof GateRun>;

export const RequestId = z.string().regex(/^req_[0-9a-z]{8,40}$/, 'not a request id');

export const ChangeRequest = z.strictObject({
  id: RequestId,
  model_id: ModelId,
  action: RolloutAction,
  /** Stable version when the request was made (what traffic moves away from). */
  from_version: SemVer.nullable(),
  target_version: SemVer,
  target_pct: z.number().int().min(0).max(100),
  target_checksum: z.string(),
  expected_state_version: z.number().int().min(0),
  requested_by: Username,
  requested_at: Timestamp,
  requester_auth_time: Timestamp,
  justification: z.string(),
  gate_snapshot: GateResult.nullable(),
  /** The requester asked to go ahead despite a failed gate; approvers see it. */
  gate_override: z.boolean(),
  /** Absent on requests made without a run or before the BFF recorded it. */
  gate_run: GateRun.optional(),
  /** The live step's online analysis when the request was made (advance, promote): shown next to the offline gate. */
  online_analysis: StepAnalysisSummary.optional(),
  required_approvals: z.number().int().min(1),
  intent_digest: z.string().regex(/^[0-9a-f]{64}$/),
  status: RequestStatus,
  decisions: z.array(Decision),
  expires_at: Timestamp,
  resolved_at: Timestamp.nullable(),
});
export type ChangeRequest = z.infer<typeof ChangeRequest>;
