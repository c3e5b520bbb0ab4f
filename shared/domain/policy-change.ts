// A policy edit that loosens a model's bar for rollouts (a gate limit relaxed,
// a gated metric dropped, fewer approvals), waiting for a second admin.
import { z } from 'zod';
import { ModelPolicy } from './model.js';
import { OnlineGatePolicy } from './online-gate.js';
import { ModelId, Timestamp, Username } from './primitives.js';

export const PolicyChangeId = z.string().regex(/^pch_[0-9a-z]{8,40}$/, 'not a policy change id');

export const PolicyChangeStatus = z.enum(['pending', 'applied', 'rejected', 'expired', 'stale']);
export type PolicyChangeStatus = z.infer<typeof PolicyChangeStatus>;

export const PolicyChange = z.strictObject({
  id: PolicyChangeId,
  model_id: ModelId,
  proposed_by: Username,
  proposed_at: Timestamp,
  /** The policy when proposed: approving after it changed is refused (stale). */
  before: ModelPolicy,
  after: ModelPolicy,
  /** Why it needs a second admin, one sentence per loosened limit. */
  loosens: z.array(z.string()),
  status: PolicyChangeStatus,
  decided_by: Username.nullable(),
  decided_at: Timestamp.nullable(),
  expires_at: Timestamp,
  /**
   * Present when the change is of the model's online gate (then `before` and
   * `after` are the unchanged model policy): its own gate before and after,
   * null meaning the type's default.
   */
  online_gate: z.strictObject({ before: OnlineGatePolicy.nullable(), after: OnlineGatePolicy.nullable() }).optional(),
});
export type PolicyChange = z.infer<typeof PolicyChange>;
