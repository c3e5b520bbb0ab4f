// The model registry: models, their versions and policies. Each change is one
// transaction with its audit entry (and event), so none lands half-done.
import { randomBytes } from 'node:crypto';
import type { CreateModelRequest, ModelDetailResponse, ModelListQuery, ModelListResponse, ModelSummary } from '../../../shared/api/models.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import type { Model, ModelVersion, VersionRegistration } from '../../../shared/domain/model.js';
import { ModelId } from '../../../shared/domain/primitives.js';
import { effectiveGatePolicy, evaluateGate } from '../../../shared/logic/gate.js';
import type { BffContext } from '../context.js';
import type { Principal } from './principal.js';
import { fail } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import { pendingRequestsOfModel } from '../store/change-requests.js';
import { deploymentsOf, findDeployment, insertDeployment } from '../store/deployments.js';
import { newestEvalRunPerModel } from '../store/eval-runs.js';
import { appendEvent } from '../store/event-log.js';
import { findModel, insertModel, listModels as listModelRows } from '../store/models.js';
import * as versions from '../store/versions.js';
import type { Db } from '../store/database.js';

/** Who is acting: the signed-in user's name goes into created_by, audit actors and events. */
export type Actor = Pick<Principal, 'username'>;

function encodeModelCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

function decodeModelCursor(cursor: string): string {
  const id = ModelId.safeParse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!id.success) fail('invalid_request', 'not a cursor returned by this server');
  return id.data;
}

export async function requireModel(db: Db, modelId: string): Promise<Model> {
  return (await findModel(db, modelId)) ?? fail('not_found', `no model ${modelId}`);
}

export async function requireDeployment(db: Db, modelId: string): Promise<Deployment> {
  return (await findDeployment(db, modelId)) ?? fail('internal', `model ${modelId} has no deployment row`);
}

export async function requireVersion(db: Db, modelId: string, version: string): Promise<ModelVersion> {
  return (await versions.findVersion(db, modelId, version)) ?? fail('not_found', `model ${modelId} has no version ${version}`);
}

/**
 * One page of the registry. Whatever the page size, the summaries cost a fixed
 * number of queries (models, version counts, live versions, deployments,
 * newest runs), never one per model.
 */
export async function listModels(ctx: BffContext, query: ModelListQuery): Promise<ModelListResponse> {
  const rows = await listModelRows(ctx.db, {
    type: query.type,
    versionStatus: query.status,
    text: query.q || undefined,
    afterId: query.cursor === undefined ? undefined : decodeModelCursor(query.cursor),
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const ids = page.map((model) => model.id);
  const overviews = await versions.versionOverviews(ctx.db, ids);
  const deployments = await deploymentsOf(ctx.db, ids);
  const newestRuns = await newestEvalRunPerModel(ctx.db, ids);

  const items = page.map((model): ModelSummary => {
    const overview = overviews.get(model.id)!;
    const deployment = deployments.get(model.id);
    const run = newestRuns.get(model.id);
    const gate = run ? evaluateGate(effectiveGatePolicy(model), run.metrics, run.baseline_metrics) : undefined;
    return {
      model,
      active_version: overview.activeVersion,
      candidate_versions: overview.candidateVersions,
      version_count: overview.versionCount,
      deployment: {
        phase: deployment?.phase ?? 'idle',
        stable_version: deployment?.stable_version ?? null,
        canary_version: deployment?.canary_version ?? null,
        canary_pct: deployment?.canary_pct ?? 0,
        ...(deployment ? { dispatch: deployment.dispatch } : {}),
      },
      last_gate:
        run && gate
          ? { run_id: run.id, version: run.version, passed: gate.passed, failed_metrics: gate.failed_metrics, finished_at: run.finished_at }
          : null,
    };
  });
  const last = page[page.length - 1];
  return { items, next_cursor: rows.length > query.limit && last ? encodeModelCursor(last.id) : null };
}

export async function getModelDetail(ctx: BffContext, modelId: string): Promise<ModelDetailResponse> {
  const model = await requireModel(ctx.db, modelId);
  return { model, versions: await versions.listVersions(ctx.db, modelId), deployment: await requireDeployment(ctx.db, modelId) };
}

export async function createModel(ctx: BffContext, actor: Actor, input: CreateModelRequest): Promise<Model> {
  const at = ctx.now().toISOString();
  const model: Model = { ...input, created_at: at };
  await ctx.db.transaction().execute(async (trx) => {
    if (await findModel(trx, model.id)) fail('already_exists', `model ${model.id} already exists`);
    await insertModel(trx, model);
    // The salt fixes which request keys land in the canary bucket for the model's lifetime.
    await insertDeployment(trx, model.id, randomBytes(8).toString('hex'), at);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'model.created',
      target: `model:${model.id}`,
      details: { model_id: model.id, name: model.name, type: model.type, owner: model.owner },
    });
  });
  return model;
}

export async function registerVersion(
  ctx: BffContext,
  actor: Actor,
  modelId: string,
  registration: VersionRegistration,
): Promise<ModelVersion> {
  const at = ctx.now().toISOString();
  const version: ModelVersion = { ...registration, model_id: modelId, status: 'candidate', created_at: at, created_by: actor.username };
  await ctx.db.transaction().execute(async (trx) => {
    await requireModel(trx, modelId);
    if (await versions.findVersion(trx, modelId, version.version)) {
      fail('already_exists', `model ${modelId} already has a version ${version.version}`);
    }
    await versions.insertVersion(trx, version);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'version.registered',
      target: `model:${modelId}`,
      details: { model_id: modelId, version: version.version, artifact_uri: version.artifact_uri, checksum: version.checksum },
    });
    await appendEvent(trx, at, { type: 'version.registered', model_id: modelId, version: version.version, by: actor.username });
  });
  ctx.events.wake();
  return version;
}

/**
 * Retires a version. Versions that carry traffic (stable or live canary), or
 * that a pending request would roll out, cannot be deprecated: the request
 * would otherwise put a deprecated artifact live after approval.
 */
export async function deprecateVersion(
  ctx: BffContext,
  actor: Actor,
  modelId: string,
  versionName: string,
  reason: string,
): Promise<ModelVersion> {
  const at = ctx.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    await requireModel(trx, modelId);
    const version = await requireVersion(trx, modelId, versionName);
    if (version.status === 'deprecated') fail('conflict', `${modelId} ${versionName} is already deprecated`);
    const deployment = await requireDeployment(trx, modelId);
    if (version.status === 'active' || deployment.stable_version === versionName) {
      fail('version_in_use', `${modelId} ${versionName} is the stable version; promote or roll back to another version first`);
    }
    if (deployment.canary_version === versionName) {
      fail('version_in_use', `${modelId} ${versionName} is the live canary; roll back first`);
    }
    const pending = (await pendingRequestsOfModel(trx, modelId)).find((request) => request.target_version === versionName);
    if (pending) fail('version_in_use', `pending request ${pending.id} targets ${modelId} ${versionName}; cancel it first`);
    await versions.deprecateVersion(trx, modelId, versionName, reason);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'version.deprecated',
      target: `model:${modelId}`,
      details: { model_id: modelId, version: versionName, reason, previous_status: version.status },
    });
    return { ...version, status: 'deprecated' as const, deprecated_reason: reason };
  });
}
