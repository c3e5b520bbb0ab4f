// Rollout requests (two-person), immediate rollback, and approval decisions.
import { z } from 'zod';
import { Cursor, FreeText, ModelId, PageLimit, SemVer } from '../domain/primitives.js';
import { ChangeRequest, RequestId, RequestStatus } from '../domain/change-request.js';
import { Deployment } from '../domain/deployment.js';

const Justification = FreeText(2000).pipe(z.string().min(3, 'say why (at least 3 characters)'));

export const RolloutStrategy = z.enum(['canary', 'advance', 'promote']);
export type RolloutStrategy = z.infer<typeof RolloutStrategy>;

export const RolloutRequest = z.strictObject({
  target_version: SemVer,
  strategy: RolloutStrategy,
  /** For canary/advance: the step to move to; must be the plan's next step. */
  canary_pct: z.number().int().min(1).max(100).optional(),
  justification: Justification,
  expected_state_version: z.number().int().min(0).optional(),
  /** Go ahead although the gate failed; the approver sees it. */
  gate_override: z.boolean().optional(),
});
export type RolloutRequest = z.infer<typeof RolloutRequest>;

export const RolloutResponse = z.strictObject({ request: ChangeRequest });
export type RolloutResponse = z.infer<typeof RolloutResponse>;

export const RollbackRequest = z.strictObject({ justification: Justification });
export type RollbackRequest = z.infer<typeof RollbackRequest>;
export const RollbackResponse = z.strictObject({ deployment: Deployment });
export type RollbackResponse = z.infer<typeof RollbackResponse>;

export const ApprovalParams = z.strictObject({ request_id: RequestId });

export const ApprovalListQuery = z.strictObject({
  status: RequestStatus.optional(),
  model_id: ModelId.optional(),
  cursor: Cursor.optional(),
  limit: PageLimit,
});
export type ApprovalListQuery = z.infer<typeof ApprovalListQuery>;

export const ApprovalListResponse = z.strictObject({
  items: z.array(ChangeRequest),
  next_cursor: z.string().nullable(),
});
export type ApprovalListResponse = z.infer<typeof ApprovalListResponse>;

export const ApprovalResponse = z.strictObject({ request: ChangeRequest });

export const ApproveRequest = z.strictObject({
  comment: FreeText(2000).optional(),
  /** The intent digest the approver was shown; any difference -> 409 intent_changed. */
  intent_digest: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
});
export type ApproveRequest = z.infer<typeof ApproveRequest>;
export const ApproveResponse = z.strictObject({ request: ChangeRequest, deployment: Deployment });
export type ApproveResponse = z.infer<typeof ApproveResponse>;

export const RejectRequest = z.strictObject({ comment: FreeText(2000).pipe(z.string().min(1, 'say why')) });
export const CancelRequest = z.strictObject({ comment: FreeText(2000).optional() });
