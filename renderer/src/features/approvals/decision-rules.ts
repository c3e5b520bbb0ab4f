// Who may decide a request, as the console can tell before asking the BFF:
// the BFF enforces the two-person rule; this only explains it up front.
import type { ChangeRequest } from '../../../../shared/domain/change-request.js';
import type { User } from '../../../../shared/domain/user.js';

export type DecisionBlock =
  | { kind: 'not_pending'; message: string }
  | { kind: 'expired'; message: string }
  | { kind: 'self'; message: string }
  | { kind: 'registrant'; message: string }
  | { kind: 'already_decided'; message: string }
  | { kind: 'role'; message: string };

/** Why `user` cannot approve or reject `request` now, or null when they may. */
export function decisionBlock(
  request: ChangeRequest,
  user: User | null,
  targetRegisteredBy: string | null,
  now: number = Date.now(),
): DecisionBlock | null {
  if (request.status !== 'pending') return { kind: 'not_pending', message: `This request is ${request.status}; there is nothing left to decide.` };
  if (Date.parse(request.expires_at) <= now) return { kind: 'expired', message: 'This request has expired. The requester can ask again.' };
  if (!user) return { kind: 'role', message: 'Sign in to decide.' };
  if (request.requested_by === user.username) {
    return {
      kind: 'self',
      message: 'You requested this change, so you cannot approve or reject it: the two-person rule needs a different approver. You can cancel it instead.',
    };
  }
  if (targetRegisteredBy !== null && targetRegisteredBy === user.username) {
    return {
      kind: 'registrant',
      message: `You registered ${request.model_id} ${request.target_version}, so another approver must decide its rollout (separation of duties).`,
    };
  }
  if (request.decisions.some((decision) => decision.by === user.username)) {
    return { kind: 'already_decided', message: 'You already decided this request; it waits for further approvers.' };
  }
  if (!user.roles.includes('approver')) {
    return { kind: 'role', message: 'Deciding requests needs the approver role, which your account does not have.' };
  }
  return null;
}
