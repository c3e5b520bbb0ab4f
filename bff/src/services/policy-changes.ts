// Model policy edits (issue 11, finding 8): every edit needs the admin's
// step-up; an edit that loosens the bar for rollouts (a gate limit relaxed or
// dropped, fewer approvals) waits for a second admin, who approves with their
// own step-up. Each step is one transaction with its audit entry. Online gate
// edits follow the same rule (two-person rule 10): services/canary proposes
// them here, and approving one writes the model's own online gate.
import type { Model, ModelPolicy } from '../../../shared/domain/model.js';
import type { OnlineGatePolicy } from '../../../shared/domain/online-gate.js';
import type { PolicyChange } from '../../../shared/domain/policy-change.js';
import type { JsonValue } from '../../../shared/domain/primitives.js';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import { defaultOnlineGatePolicy } from '../../../shared/logic/online-gate.js';
import { policyLoosening } from '../../../shared/logic/policy-loosening.js';
import type { BffContext } from '../context.js';
import { fail } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { newId } from '../store/ids.js';
import { updateModelPolicy } from '../store/models.js';
import { findOnlineGatePolicy, saveOnlineGatePolicy } from '../store/canary-analysis.js';
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
  await updateModelPolicy(trx, modelId, after, at);
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
    const change = await proposePolicyChange(trx, now, actor, model, { before: model.policy, after: policy, loosens, authTime });
    return { kind: 'pending', change };
  });
}

/**
 * Stores a loosening edit as pending, audited `model.policy_change_proposed`
 * (inside the caller's transaction, after its step-up was spent). An online
 * gate edit carries `online_gate`; its `before`/`after` are the unchanged
 * model policy.
 */
export async function proposePolicyChange(
  trx: Db,
  now: Date,
  actor: Actor,
  model: Model,
  edit: { before: ModelPolicy; after: ModelPolicy; loosens: string[]; authTime: string; online_gate?: NonNullable<PolicyChange['online_gate']> },
): Promise<PolicyChange> {
  const at = now.toISOString();
  const change: PolicyChange = {
    id: newId('pch'),
    model_id: model.id,
    proposed_by: actor.username,
    proposed_at: at,
    before: edit.before,
    after: edit.after,
    loosens: edit.loosens,
    status: 'pending',
    decided_by: null,
    decided_at: null,
    expires_at: new Date(now.getTime() + POLICY_CHANGE_TTL_SECONDS * 1000).toISOString(),
    ...(edit.online_gate === undefined ? {} : { online_gate: edit.online_gate }),
  };
  await insertPolicyChange(trx, change);
  const subject: Record<string, JsonValue> =
    edit.online_gate === undefined
      ? { before: edit.before as JsonValue, after: edit.after as JsonValue }
      : { online_gate_before: edit.online_gate.before as JsonValue, online_gate_after: edit.online_gate.after as JsonValue };
  await appendAudit(trx, {
    at,
    actor: actor.username,
    action: 'model.policy_change_proposed',
    target: `model:${model.id}`,
    details: { model_id: model.id, change_id: change.id, ...subject, loosens: edit.loosens, auth_time: edit.authTime },
  });
  return change;
}

/** Writes a model's own online gate (null: the type's default) and its `online_gate.set` entry, which names the effective gates. */
export async function applyOnlineGate(
  trx: Db,
  at: string,
  actor: Actor,
  model: Pick<Model, 'id' | 'type'>,
  gate: { before: OnlineGatePolicy | null; after: OnlineGatePolicy | null },
  extra: Record<string, JsonValue>,
): Promise<void> {
  await saveOnlineGatePolicy(trx, model.id, gate.after, at, actor.username);
  const before = gate.before ?? defaultOnlineGatePolicy(model.type);
  const after = gate.after ?? defaultOnlineGatePolicy(model.type);
  await appendAudit(trx, {
    at,
    actor: actor.username,
    action: 'online_gate.set',
    target: `model:${model.id}`,
    details: { model_id: model.id, before: before as JsonValue, after: after as JsonValue, is_default: gate.after === null, ...extra },
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
    const moved =
      change.online_gate === undefined
        ? canonicalJson(model.policy) !== canonicalJson(change.before)
        : canonicalJson((await findOnlineGatePolicy(trx, change.model_id)) as JsonValue) !== canonicalJson(change.online_gate.before as JsonValue);
    if (moved) {
      await close(trx, change, 'stale', actor.username, at);
      return 'stale' as const;
    }
    const { authTime } = await spendStepUp(trx, now);
    if (!(await resolvePolicyChange(trx, change.id, 'applied', actor.username, at))) fail('request_not_pending', `policy change ${changeId} was decided meanwhile`);
    const details = { model_id: change.model_id, change_id: change.id, proposed_by: change.proposed_by, loosens: change.loosens, auth_time: authTime };
    await appendAudit(trx, { at, actor: actor.username, action: 'model.policy_change_approved', target: `model:${change.model_id}`, details });
    const extra = { change_id: change.id, proposed_by: change.proposed_by };
    if (change.online_gate === undefined) await applyPolicy(trx, at, actor, change.model_id, change.before, change.after, extra);
    else await applyOnlineGate(trx, at, actor, model, change.online_gate, extra);
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
