// Model policy edits (issue 11, finding 8): every edit needs the admin's
// step-up; an edit that loosens the bar for rollouts (a gate limit relaxed or
// dropped, fewer approvals) waits for a second admin, who approves with their
// own step-up. Each step is one transaction with its audit entry.
import type { Model, ModelPolicy } from '../../../shared/domain/model.js';
import type { PolicyChange } from '../../../shared/domain/policy-change.js';
import type { JsonValue } from '../../../shared/domain/primitives.js';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import { policyLoosening } from '../../../shared/logic/policy-loosening.js';
import type { BffContext } from '../context.js';
import { fail } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { newId } from '../store/ids.js';
import { updateModelPolicy } from '../store/models.js';
import { findPolicyChange, insertPolicyChange, listPolicyChanges, resolvePolicyChange } from '../store/policy-changes.js';
import { requireModel, type Actor } from './registry.js';
import type { SpendStepUp } from './step-up.js';

/** A proposed loosening waits this long for a second admin. */
export const POLICY_CHANGE_TTL_SECONDS = 24 * 3600;

export type PolicyUpdate = { kind: 'applied'; model: Model } | { kind: 'pending'; change: PolicyChange };

/** Writes a model's policy and its `model.policy_updated` entry: the one place a policy changes. */
async function applyPolicy(
  trx: Db,
  at: string,
  actor: Actor,
  modelId: string,
  before: ModelPolicy | null,
  after: ModelPolicy,
  extra: Record<string, JsonValue>,
): Promise<void> {
  await updateModelPolicy(trx, modelId, after);
  await appendAudit(trx, {
    at,
    actor: actor.username,
    action: 'model.policy_updated',
    target: `model:${modelId}`,
    details: { model_id: modelId, before: before as JsonValue, after: after as JsonValue, ...extra },
  });
}

export async function updatePolicy(ctx: BffContext, actor: Actor, modelId: string, policy: ModelPolicy, spendStepUp: SpendStepUp): Promise<PolicyUpdate> {
  const now = ctx.now();
  const at = now.toISOString();
  return ctx.db.transaction().execute(async (trx): Promise<PolicyUpdate> => {
    const { authTime } = await spendStepUp(trx, now);
    const model = await requireModel(trx, modelId);
    const loosens = policyLoosening(model.type, model.policy, policy);
    if (loosens.length === 0) {
      await applyPolicy(trx, at, actor, modelId, model.policy, policy, { auth_time: authTime });
      return { kind: 'applied', model: { ...model, policy } };
    }
    const change: PolicyChange = {
      id: newId('pch'),
      model_id: modelId,
      proposed_by: actor.username,
      proposed_at: at,
      before: model.policy,
      after: policy,
      loosens,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      expires_at: new Date(now.getTime() + POLICY_CHANGE_TTL_SECONDS * 1000).toISOString(),
    };
    await insertPolicyChange(trx, change);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'model.policy_change_proposed',
      target: `model:${modelId}`,
      details: { model_id: modelId, change_id: change.id, before: model.policy as JsonValue, after: policy as JsonValue, loosens, auth_time: authTime },
    });
    return { kind: 'pending', change };
  });
}

async function requireChange(db: Db, changeId: string): Promise<PolicyChange> {
  return (await findPolicyChange(db, changeId)) ?? fail('not_found', `no policy change ${changeId}`);
}

/** Closes a pending change that can no longer apply (expired, or the policy moved since), audited. */
async function close(trx: Db, change: PolicyChange, status: 'expired' | 'stale', actor: string, at: string): Promise<void> {
  if (!(await resolvePolicyChange(trx, change.id, status, null, at))) return;
  await appendAudit(trx, {
    at,
    actor,
    action: `model.policy_change_${status}`,
    target: `model:${change.model_id}`,
    details: { model_id: change.model_id, change_id: change.id },
  });
}

/** A second admin applies a pending loosening; never its proposer. */
export async function approvePolicyChange(
  ctx: BffContext,
  actor: Actor,
  changeId: string,
  spendStepUp: SpendStepUp,
): Promise<{ change: PolicyChange; model: Model }> {
  const now = ctx.now();
  const at = now.toISOString();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const change = await requireChange(trx, changeId);
    if (change.status !== 'pending') fail('request_not_pending', `policy change ${changeId} is ${change.status}`);
    if (change.proposed_by === actor.username) fail('self_approval', 'you proposed this policy change; another admin must approve it');
    // Recorded (committed) even though the approval then fails, as with rollout requests.
    if (change.expires_at <= at) {
      await close(trx, change, 'expired', 'system', at);
      return 'expired' as const;
    }
    const model = await requireModel(trx, change.model_id);
    if (canonicalJson(model.policy) !== canonicalJson(change.before)) {
      await close(trx, change, 'stale', actor.username, at);
      return 'stale' as const;
    }
    const { authTime } = await spendStepUp(trx, now);
    if (!(await resolvePolicyChange(trx, change.id, 'applied', actor.username, at))) fail('request_not_pending', `policy change ${changeId} was decided meanwhile`);
    const details = { model_id: change.model_id, change_id: change.id, proposed_by: change.proposed_by, loosens: change.loosens, auth_time: authTime };
    await appendAudit(trx, { at, actor: actor.username, action: 'model.policy_change_approved', target: `model:${change.model_id}`, details });
    await applyPolicy(trx, at, actor, change.model_id, change.before, change.after, { change_id: change.id, proposed_by: change.proposed_by });
    return { change: { ...change, status: 'applied' as const, decided_by: actor.username, decided_at: at }, model: { ...model, policy: change.after } };
  });
  if (outcome === 'expired') fail('request_expired', `policy change ${changeId} expired; propose it again`);
  if (outcome === 'stale') fail('stale_state', `the policy of ${changeId}'s model changed since it was proposed; propose it again`);
  return outcome;
}

/** Any admin, the proposer included (that is a withdrawal), rejects a pending change. */
export async function rejectPolicyChange(ctx: BffContext, actor: Actor, changeId: string): Promise<{ change: PolicyChange; model: Model }> {
  const at = ctx.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const change = await requireChange(trx, changeId);
    if (!(await resolvePolicyChange(trx, change.id, 'rejected', actor.username, at))) fail('request_not_pending', `policy change ${changeId} is ${change.status}`);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'model.policy_change_rejected',
      target: `model:${change.model_id}`,
      details: { model_id: change.model_id, change_id: change.id, proposed_by: change.proposed_by },
    });
    return { change: { ...change, status: 'rejected' as const, decided_by: actor.username, decided_at: at }, model: await requireModel(trx, change.model_id) };
  });
}

export { listPolicyChanges };
