// The two-person rule (docs/two-person-rule.md): rollout requests, approvals, rejections,
// cancellations, lazy expiry and the immediate rollback. Every decision reads,
// checks and writes in one transaction; the rollout machine in shared/logic
// says what a command does to a deployment.
import type { ApprovalListQuery, ApprovalListResponse, ApproveRequest, ApproveResponse, RolloutRequest } from '../../../shared/api/rollout.js';
import type { ChangeRequest, Decision, GateRun } from '../../../shared/domain/change-request.js';
import type { EvalRun } from '../../../shared/domain/eval-run.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import { DEFAULT_REQUEST_TTL_SECONDS, DEFAULT_REQUIRED_APPROVALS, type Model } from '../../../shared/domain/model.js';
import type { JsonValue } from '../../../shared/domain/primitives.js';
import { intentDigest, intentOf } from '../../../shared/logic/intent.js';
import { planCommand, type RolloutCommand } from '../../../shared/logic/rollout-machine.js';
import type { BffContext } from '../context.js';
import { ApiError, fail } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import {
  duePendingRequests,
  findChangeRequest,
  insertChangeRequest,
  insertDecision,
  listChangeRequests,
  pendingRequestsOfModel,
  resolvePendingRequest,
  type StoredRequest,
} from '../store/change-requests.js';
import type { Db } from '../store/database.js';
import { replaceDeployment } from '../store/deployments.js';
import { appendEvent } from '../store/event-log.js';
import { newId } from '../store/ids.js';
import { applyStatusChanges } from '../store/versions.js';
import { latestGate } from './evaluation.js';
import type { SpendStepUp } from './step-up.js';
import { queueDispatch } from './serving/serving-service.js';
import { requireDeployment, requireModel, requireVersion, type Actor } from './registry.js';

const SYSTEM_ACTOR = 'system';

async function requireRequest(db: Db, requestId: string, options: { forUpdate?: boolean } = {}): Promise<StoredRequest> {
  return (await findChangeRequest(db, requestId, options)) ?? fail('not_found', `no request ${requestId}`);
}

/** Re-reads a request after a write, so events and answers carry exactly what was stored. */
async function reread(db: Db, requestId: string): Promise<ChangeRequest> {
  return (await requireRequest(db, requestId)).request;
}

function demoteTo(model: Model): 'candidate' | 'deprecated' {
  return model.policy.demote_previous_to ?? 'candidate';
}

function commandOfRequest(request: ChangeRequest): RolloutCommand {
  switch (request.action) {
    case 'start_canary':
      return { action: 'start_canary', version: request.target_version };
    case 'advance':
      return { action: 'advance', targetPct: request.target_pct };
    case 'promote':
      return { action: 'promote', version: request.target_version };
    case 'rollback':
      return { action: 'rollback' };
  }
}

function commandOfStrategy(body: RolloutRequest): RolloutCommand {
  switch (body.strategy) {
    case 'canary':
      return { action: 'start_canary', version: body.target_version };
    case 'advance':
      return body.canary_pct === undefined ? { action: 'advance' } : { action: 'advance', targetPct: body.canary_pct };
    case 'promote':
      return { action: 'promote', version: body.target_version };
  }
}

function requestDetails(request: ChangeRequest, extra: Record<string, JsonValue> = {}): Record<string, JsonValue> {
  return {
    model_id: request.model_id,
    request_id: request.id,
    action: request.action,
    from_version: request.from_version,
    target_version: request.target_version,
    target_pct: request.target_pct,
    ...extra,
  };
}

/** Marks a pending request as overtaken by a deployment change; audited and announced. */
async function markStale(trx: Db, request: ChangeRequest, at: string, actor: string, reason: string): Promise<boolean> {
  if (!(await resolvePendingRequest(trx, request.id, 'stale', at))) return false;
  await appendAudit(trx, {
    at,
    actor,
    action: 'request.stale',
    target: `request:${request.id}`,
    details: requestDetails(request, { reason }),
  });
  await appendEvent(trx, at, { type: 'request.stale', request: await reread(trx, request.id) });
  return true;
}

/**
 * Expires every pending request whose time has run out at `now`. Runs in a
 * transaction of its own before listing or deciding, so that the expiry is
 * recorded even when the action that noticed it then fails.
 */
export async function expireDueRequests(ctx: BffContext, now: Date): Promise<number> {
  const at = now.toISOString();
  // Most calls find nothing due: answer that without opening a write transaction.
  if ((await duePendingRequests(ctx.db, at)).length === 0) return 0;
  const expired = await ctx.db.transaction().execute(async (trx) => {
    let count = 0;
    for (const request of await duePendingRequests(trx, at)) {
      // resolved_at is when the request ran out, not when someone noticed.
      if (!(await resolvePendingRequest(trx, request.id, 'expired', request.expires_at))) continue;
      await appendAudit(trx, {
        at,
        actor: SYSTEM_ACTOR,
        action: 'request.expired',
        target: `request:${request.id}`,
        details: requestDetails(request, { expires_at: request.expires_at }),
      });
      await appendEvent(trx, at, { type: 'request.expired', request: await reread(trx, request.id) });
      count += 1;
    }
    return count;
  });
  if (expired > 0) ctx.events.wake();
  return expired;
}

/** Who reported the run behind a request's gate, flagged when it was the requester or the target's registrant. */
export function gateRunOf(run: EvalRun, requester: string, registrant: string): GateRun {
  return {
    run_id: run.id,
    reported_by: run.reported_by,
    finished_at: run.finished_at,
    reporter_conflict: run.reported_by === requester ? 'requester' : run.reported_by === registrant ? 'registrant' : null,
  };
}

/** Creates a pending request (docs/two-person-rule.md, rules 1 and 2): validated against the machine and the gate, dispatching nothing. */
export async function requestRollout(
  ctx: BffContext,
  actor: Actor,
  modelId: string,
  body: RolloutRequest,
  spendStepUp: SpendStepUp,
): Promise<ChangeRequest> {
  const now = ctx.now();
  const at = now.toISOString();
  await expireDueRequests(ctx, now);
  const request = await ctx.db.transaction().execute(async (trx) => {
    const { authTime } = await spendStepUp(trx, now);
    const model = await requireModel(trx, modelId);
    const deployment = await requireDeployment(trx, modelId);
    if (body.expected_state_version !== undefined && body.expected_state_version !== deployment.state_version) {
      fail('stale_state', `the deployment of ${modelId} is at state ${deployment.state_version}, not ${body.expected_state_version}; reload`, {
        state_version: deployment.state_version,
      });
    }
    const target = await requireVersion(trx, modelId, body.target_version);
    if (target.status === 'deprecated') fail('illegal_transition', `${modelId} ${target.version} is deprecated`);
    const [pending] = await pendingRequestsOfModel(trx, modelId);
    if (pending) {
      fail('conflict', `request ${pending.id} for ${modelId} is already pending; decide or cancel it first`, { request_id: pending.id });
    }

    const plan = planCommand(deployment, commandOfStrategy(body), { now: at, demoteTo: demoteTo(model) });
    if (!plan.ok) fail(plan.code, plan.message);
    if (plan.targetVersion !== body.target_version) {
      fail('illegal_transition', `the live canary of ${modelId} is ${plan.targetVersion}, not ${body.target_version}`);
    }
    if (body.canary_pct !== undefined && body.canary_pct !== plan.targetPct) {
      fail('illegal_transition', `the next step of the plan is ${plan.targetPct} %, not ${body.canary_pct} %`);
    }

    const latest = await latestGate(trx, model, target.version);
    const passed = latest?.gate.passed === true;
    if (!passed && body.gate_override !== true) {
      const message = latest
        ? `the gate failed for ${modelId} ${target.version}: ${latest.gate.failed_metrics.join(', ')}`
        : `no eval run for ${modelId} ${target.version}`;
      fail('gate_failed', message, { failed_metrics: latest?.gate.failed_metrics ?? [], run_id: latest?.run.id ?? null });
    }

    const ttlSeconds = model.policy.request_ttl_seconds ?? DEFAULT_REQUEST_TTL_SECONDS;
    const unsigned: Omit<ChangeRequest, 'intent_digest'> = {
      id: newId('req'),
      model_id: modelId,
      action: plan.action,
      from_version: plan.fromVersion,
      target_version: plan.targetVersion,
      target_pct: plan.targetPct,
      target_checksum: target.checksum,
      expected_state_version: deployment.state_version,
      requested_by: actor.username,
      requested_at: at,
      requester_auth_time: authTime,
      justification: body.justification,
      gate_snapshot: latest?.gate ?? null,
      // Recorded only when it overrides something, so approvers are not warned about a gate that passed.
      gate_override: !passed,
      ...(latest ? { gate_run: gateRunOf(latest.run, actor.username, target.created_by) } : {}),
      required_approvals: model.policy.required_approvals ?? DEFAULT_REQUIRED_APPROVALS,
      status: 'pending',
      decisions: [],
      expires_at: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
      resolved_at: null,
    };
    const request: ChangeRequest = { ...unsigned, intent_digest: await intentDigest(intentOf(unsigned)) };
    if (!(await insertChangeRequest(trx, request, target.created_by))) {
      fail('conflict', `another request for ${modelId} became pending meanwhile; decide or cancel it first`);
    }
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'rollout.requested',
      target: `request:${request.id}`,
      details: requestDetails(request, {
        justification: request.justification,
        gate_passed: passed,
        gate_override: request.gate_override,
        gate_reported_by: request.gate_run?.reported_by ?? null,
        gate_reporter_conflict: request.gate_run?.reporter_conflict ?? null,
        intent_digest: request.intent_digest,
        auth_time: authTime,
      }),
    });
    await appendEvent(trx, at, { type: 'approval.requested', request });
    return request;
  });
  ctx.events.wake();
  return request;
}

/** Rollback (docs/two-person-rule.md, rules 5 and 9): immediate, one operator with a fresh step-up, no approver. */
export async function rollback(
  ctx: BffContext,
  actor: Actor,
  modelId: string,
  justification: string,
  spendStepUp: SpendStepUp,
): Promise<Deployment> {
  const now = ctx.now();
  const at = now.toISOString();
  await expireDueRequests(ctx, now);
  const rolledBack = await ctx.db.transaction().execute(async (trx) => {
    const { authTime } = await spendStepUp(trx, now);
    const model = await requireModel(trx, modelId);
    const deployment = await requireDeployment(trx, modelId);
    const plan = planCommand(deployment, { action: 'rollback' }, { now: at, demoteTo: demoteTo(model) });
    if (!plan.ok) fail(plan.code, plan.message);
    if (!(await replaceDeployment(trx, plan.next, deployment.state_version))) {
      fail('stale_state', `the deployment of ${modelId} changed meanwhile; try again`);
    }
    await applyStatusChanges(trx, modelId, plan.statusChanges);
    // The outbox row commits with the change: a rollback replaces anything still queued for the model.
    await queueDispatch(trx, modelId, at);
    const next = await requireDeployment(trx, modelId);
    for (const pending of await pendingRequestsOfModel(trx, modelId)) {
      await markStale(trx, pending, at, actor.username, 'rolled back');
    }
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'rollback.executed',
      target: `model:${modelId}`,
      details: {
        model_id: modelId,
        from_version: plan.fromVersion,
        to_version: plan.targetVersion,
        justification,
        auth_time: authTime,
        state_version: plan.next.state_version,
      },
    });
    await appendEvent(trx, at, { type: 'rollback.executed', model_id: modelId, by: actor.username, justification, deployment: next });
    await appendEvent(trx, at, { type: 'deployment.changed', deployment: next });
    return next;
  });
  ctx.events.wake();
  ctx.dispatch.wake();
  return rolledBack;
}

function encodeRequestCursor(request: Pick<ChangeRequest, 'requested_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([request.requested_at, request.id]), 'utf8').toString('base64url');
}

function decodeRequestCursor(cursor: string): { requestedAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { requestedAt: value[0], id: value[1] };
    }
  } catch {
    // fall through to the one answer for any cursor we did not make
  }
  return fail('invalid_request', 'not a cursor returned by this server');
}

export async function listApprovals(ctx: BffContext, query: ApprovalListQuery): Promise<ApprovalListResponse> {
  await expireDueRequests(ctx, ctx.now());
  const rows = await listChangeRequests(ctx.db, {
    status: query.status,
    modelId: query.model_id,
    before: query.cursor === undefined ? undefined : decodeRequestCursor(query.cursor),
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > query.limit && last ? encodeRequestCursor(last) : null };
}

export async function getApproval(ctx: BffContext, requestId: string): Promise<ChangeRequest> {
  await expireDueRequests(ctx, ctx.now());
  return (await requireRequest(ctx.db, requestId)).request;
}

function assertPending(request: ChangeRequest): void {
  if (request.status === 'expired') fail('request_expired', `request ${request.id} expired at ${request.expires_at}`);
  if (request.status !== 'pending') fail('request_not_pending', `request ${request.id} is ${request.status}`, { status: request.status });
}

/** Separation of duties (docs/two-person-rule.md, rule 8): neither the requester nor the target's registrant decides. */
function assertMayDecide(actor: Actor, stored: StoredRequest): void {
  if (actor.username === stored.request.requested_by) fail('self_approval', 'you requested this change; another approver must decide it');
  if (actor.username === stored.targetRegisteredBy) {
    fail('registrant_approval', `you registered ${stored.request.model_id} ${stored.request.target_version}; another approver must decide it`);
  }
  if (stored.request.decisions.some((decision) => decision.by === actor.username)) {
    fail('already_decided', `you already decided request ${stored.request.id}`);
  }
}

type ApproveOutcome = { kind: 'decided'; response: ApproveResponse } | { kind: 'stale'; error: ApiError };

/**
 * An approval (docs/two-person-rule.md, rule 4). Checks run in the order of that rule, in one
 * transaction with the decision and, when enough approvals are in, the
 * dispatch: state change, version statuses, audit entry and events.
 */
export async function approveRequest(
  ctx: BffContext,
  actor: Actor,
  requestId: string,
  body: ApproveRequest,
  spendStepUp: SpendStepUp,
): Promise<ApproveResponse> {
  const now = ctx.now();
  const at = now.toISOString();
  await expireDueRequests(ctx, now);
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<ApproveOutcome> => {
    const stored = await requireRequest(trx, requestId, { forUpdate: true });
    const request = stored.request;
    assertPending(request);
    assertMayDecide(actor, stored);
    const digest = await intentDigest(intentOf(request));
    if (body.intent_digest !== digest || request.intent_digest !== digest) {
      fail('intent_changed', 'the request is not the one you reviewed; reload it before deciding');
    }
    const deployment = await requireDeployment(trx, request.model_id);
    if (deployment.state_version !== request.expected_state_version) {
      // The stale mark must survive the refusal, so this path commits and the error is thrown after.
      await markStale(trx, request, at, actor.username, `deployment moved to state ${deployment.state_version}`);
      return { kind: 'stale', error: staleError(request, deployment) };
    }
    const { authTime } = await spendStepUp(trx, now);
    const decision: Decision = { by: actor.username, at, decision: 'approve', comment: body.comment ?? '', auth_time: authTime };
    await insertDecision(trx, request.id, decision);
    const approvals = request.decisions.filter((d) => d.decision === 'approve').length + 1;
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'request.approved',
      target: `request:${request.id}`,
      details: requestDetails(request, {
        comment: decision.comment,
        auth_time: authTime,
        approvals,
        required_approvals: request.required_approvals,
      }),
    });

    if (approvals < request.required_approvals) {
      const updated = await reread(trx, request.id);
      await appendEvent(trx, at, { type: 'approval.decided', request: updated });
      return { kind: 'decided', response: { request: updated, deployment } };
    }

    // Defensive: a request with a failed or missing snapshot exists only with the override,
    // and the approver confirmed that snapshot through the intent digest.
    if (!request.gate_snapshot?.passed && !request.gate_override) {
      fail('gate_failed', `the gate did not pass for ${request.model_id} ${request.target_version} and no override was requested`);
    }
    const model = await requireModel(trx, request.model_id);
    const plan = planCommand(deployment, commandOfRequest(request), { now: at, demoteTo: demoteTo(model) });
    if (!plan.ok || plan.targetVersion !== request.target_version || plan.targetPct !== request.target_pct) {
      // Same state, different outcome: the model's plan changed under the request.
      await markStale(trx, request, at, actor.username, plan.ok ? 'the rollout plan changed' : plan.message);
      return { kind: 'stale', error: staleError(request, deployment) };
    }
    if (!(await resolvePendingRequest(trx, request.id, 'dispatched', at))) {
      fail('request_not_pending', `request ${request.id} was resolved meanwhile`);
    }
    if (!(await replaceDeployment(trx, plan.next, deployment.state_version))) {
      fail('stale_state', `the deployment of ${request.model_id} changed meanwhile`);
    }
    await applyStatusChanges(trx, request.model_id, plan.statusChanges);
    // Desired state and outbox row in one transaction (docs/decisions/0003-level-triggered-dispatch.md).
    await queueDispatch(trx, request.model_id, at);
    const next = await requireDeployment(trx, request.model_id);
    const dispatched = await reread(trx, request.id);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'rollout.dispatched',
      target: `model:${request.model_id}`,
      details: requestDetails(dispatched, {
        from: plan.fromVersion,
        to: plan.targetVersion,
        pct: plan.targetPct,
        approved_by: dispatched.decisions.filter((d) => d.decision === 'approve').map((d) => d.by),
        requested_by: request.requested_by,
        gate_override: request.gate_override,
        state_version: plan.next.state_version,
      }),
    });
    await appendEvent(trx, at, { type: 'request.dispatched', request: dispatched });
    await appendEvent(trx, at, { type: 'deployment.changed', deployment: next });
    return { kind: 'decided', response: { request: dispatched, deployment: next } };
  });
  ctx.events.wake();
  ctx.dispatch.wake();
  if (outcome.kind === 'stale') throw outcome.error;
  return outcome.response;
}

function staleError(request: ChangeRequest, deployment: Deployment): ApiError {
  return new ApiError(
    'stale_state',
    `the deployment of ${request.model_id} changed since the request (state ${request.expected_state_version} -> ${deployment.state_version}); the request is now stale`,
    { expected_state_version: request.expected_state_version, state_version: deployment.state_version },
  );
}

export async function rejectRequest(
  ctx: BffContext,
  actor: Actor,
  requestId: string,
  comment: string,
  spendStepUp: SpendStepUp,
): Promise<ChangeRequest> {
  const now = ctx.now();
  const at = now.toISOString();
  await expireDueRequests(ctx, now);
  const rejected = await ctx.db.transaction().execute(async (trx) => {
    const stored = await requireRequest(trx, requestId, { forUpdate: true });
    assertPending(stored.request);
    assertMayDecide(actor, stored);
    const { authTime } = await spendStepUp(trx, now);
    await insertDecision(trx, requestId, { by: actor.username, at, decision: 'reject', comment, auth_time: authTime });
    if (!(await resolvePendingRequest(trx, requestId, 'rejected', at))) {
      fail('request_not_pending', `request ${requestId} was resolved meanwhile`);
    }
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'request.rejected',
      target: `request:${requestId}`,
      details: requestDetails(stored.request, { comment, auth_time: authTime }),
    });
    const updated = await reread(trx, requestId);
    await appendEvent(trx, at, { type: 'request.rejected', request: updated });
    return updated;
  });
  ctx.events.wake();
  return rejected;
}

/** The requester withdraws their own pending request. */
export async function cancelRequest(ctx: BffContext, actor: Actor, requestId: string, comment: string | undefined): Promise<ChangeRequest> {
  const now = ctx.now();
  const at = now.toISOString();
  await expireDueRequests(ctx, now);
  const cancelled = await ctx.db.transaction().execute(async (trx) => {
    const stored = await requireRequest(trx, requestId, { forUpdate: true });
    if (stored.request.requested_by !== actor.username) fail('forbidden', 'only the requester may cancel a request');
    assertPending(stored.request);
    if (!(await resolvePendingRequest(trx, requestId, 'cancelled', at))) {
      fail('request_not_pending', `request ${requestId} was resolved meanwhile`);
    }
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'request.cancelled',
      target: `request:${requestId}`,
      details: requestDetails(stored.request, { comment: comment ?? '' }),
    });
    const updated = await reread(trx, requestId);
    await appendEvent(trx, at, { type: 'request.cancelled', request: updated });
    return updated;
  });
  ctx.events.wake();
  return cancelled;
}
