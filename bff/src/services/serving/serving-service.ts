// Serving targets and the dispatch of approved changes, as the routes and the
// rollout service use them: set or read a model's target (admin, step-up,
// audited, secret write-only), queue the current desired state in the
// caller's transaction, and retry a dispatch now (operator).
import type { SetServingRequest } from '../../../../shared/api/serving.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { Serving } from '../../../../shared/domain/serving.js';
import type { BffContext } from '../../context.js';
import { fail } from '../../errors.js';
import { appendAudit } from '../../store/audit-log.js';
import type { Db } from '../../store/database.js';
import { deleteDispatch, enqueueDispatch, findDispatch } from '../../store/dispatches.js';
import { findDeployment } from '../../store/deployments.js';
import { appendEvent } from '../../store/event-log.js';
import { findServingTarget, saveServingTarget, servingView } from '../../store/serving-targets.js';
import { requireDeployment, requireModel, type Actor } from '../registry.js';
import type { SpendStepUp } from '../step-up.js';

/**
 * Queues the model's current desired state for its serving target, inside the
 * transaction that changed it (approval, rollback, target change). Without a
 * target (pull only) or without a stable version (nothing to route) nothing is queued.
 */
export async function queueDispatch(trx: Db, modelId: string, at: string): Promise<void> {
  const target = await findServingTarget(trx, modelId);
  const deployment = await findDeployment(trx, modelId);
  if (!target?.kind || !deployment || deployment.stable_version === null) {
    await deleteDispatch(trx, modelId);
    return;
  }
  await enqueueDispatch(trx, modelId, deployment.state_version, target.kind, at);
}

export async function getServing(ctx: BffContext, modelId: string): Promise<Serving> {
  await requireModel(ctx.db, modelId);
  return servingView(await findServingTarget(ctx.db, modelId));
}

export async function setServing(ctx: BffContext, actor: Actor, modelId: string, body: SetServingRequest, spendStepUp: SpendStepUp): Promise<Serving> {
  const now = ctx.now();
  const at = now.toISOString();
  const serving = await ctx.db.transaction().execute(async (trx) => {
    const { authTime } = await spendStepUp(trx, now);
    await requireModel(trx, modelId);
    const before = servingView(await findServingTarget(trx, modelId));
    await saveServingTarget(trx, modelId, body.target, at, actor.username);
    await queueDispatch(trx, modelId, at);
    const after = servingView(await findServingTarget(trx, modelId));
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'serving.set',
      target: `model:${modelId}`,
      // The views, never the input: the secret must not reach the audit log.
      details: {
        model_id: modelId,
        before: before.target,
        after: after.target,
        secret_changed: body.target?.kind === 'webhook',
        auth_time: authTime,
      },
    });
    await appendEvent(trx, at, { type: 'deployment.changed', deployment: await requireDeployment(trx, modelId) });
    return after;
  });
  ctx.events.wake();
  ctx.dispatch.wake();
  return serving;
}

/** Re-applies the approved state now (after a failure or drift); answers with the deployment after that try. */
export async function retryDispatch(ctx: BffContext, actor: Actor, modelId: string): Promise<Deployment> {
  const at = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await requireModel(trx, modelId);
    const target = await findServingTarget(trx, modelId);
    if (!target?.kind) fail('conflict', `${modelId} has no serving target: routers pull GET /routing, nothing to dispatch`);
    const deployment = await requireDeployment(trx, modelId);
    if (deployment.stable_version === null) fail('conflict', `${modelId} has no stable version: nothing to dispatch`);
    const row = await findDispatch(trx, modelId);
    // Same desired state, same delivery id: a retry is another try of the same delivery.
    if (row && row.state_version === deployment.state_version && row.target_kind === target.kind) {
      await trx
        .updateTable('dispatches')
        .set({ status: 'pending', next_attempt_at: at, updated_at: at })
        .where('model_id', '=', modelId)
        .execute();
    } else {
      await enqueueDispatch(trx, modelId, deployment.state_version, target.kind, at);
    }
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'dispatch.retry_requested',
      target: `model:${modelId}`,
      details: {
        model_id: modelId,
        state_version: deployment.state_version,
        previous_status: row?.status ?? null,
        attempts: row?.attempts ?? 0,
      },
    });
  });
  await ctx.dispatch.applyNow(modelId);
  ctx.events.wake();
  return requireDeployment(ctx.db, modelId);
}
