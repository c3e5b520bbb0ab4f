// The model registry: models, their versions and policies. Each change is one
// transaction with its audit entry (and event), so none lands half-done.
import { randomBytes } from 'node:crypto';
import type {
  CreateModelRequest,
  ModelDetailResponse,
  ModelListQuery,
  ModelListResponse,
  ModelSortKey,
  SortOrder,
  VersionListQuery,
  VersionListResponse,
  VersionSortKey,
} from '../../../shared/api/models.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import type { Model, ModelVersion, VersionRegistration } from '../../../shared/domain/model.js';
import { ModelId } from '../../../shared/domain/primitives.js';
import type { BffContext } from '../context.js';
import type { Principal } from './principal.js';
import { fail } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import { pendingRequestsOfModel } from '../store/change-requests.js';
import { findDeployment, findModelWithDeployment, insertDeployment } from '../store/deployments.js';
import { appendEvent } from '../store/event-log.js';
import { findModel, insertModel } from '../store/models.js';
import { listModelSummaries, SORT_COLUMNS, type SortPosition } from '../store/model-summaries.js';
import * as versions from '../store/versions.js';
import type { Db } from '../store/database.js';
import { jsonArrayText, type JsonText } from '../store/json-text.js';

/** Who is acting: the signed-in user's name goes into created_by, audit actors and events. */
export type Actor = Pick<Principal, 'username'>;

/**
 * A list cursor: the sort and order it belongs to, the last row's sort values
 * and its id, as base64url JSON. The values make the next page a keyset read
 * that neither skips nor repeats a row, whatever was written in between.
 */
function encodeModelCursor(sort: ModelSortKey, order: SortOrder, position: SortPosition): string {
  return Buffer.from(JSON.stringify([sort, order, ...position.values, position.modelId]), 'utf8').toString('base64url');
}

function decodeModelCursor(cursor: string, sort: ModelSortKey, order: SortOrder): SortPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    fail('invalid_request', 'not a cursor returned by this server');
  }
  const width = SORT_COLUMNS[sort].length;
  if (!Array.isArray(decoded) || decoded.length !== width + 3) fail('invalid_request', 'not a cursor returned by this server');
  const [cursorSort, cursorOrder, ...rest] = decoded as unknown[];
  if (cursorSort !== sort || cursorOrder !== order) fail('invalid_request', 'the cursor belongs to another sort or order; start again from the first page');
  const values = rest.slice(0, width);
  const modelId = ModelId.safeParse(rest[width]);
  if (!modelId.success || !values.every((value) => typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
    fail('invalid_request', 'not a cursor returned by this server');
  }
  return { values: values as (string | number)[], modelId: modelId.data };
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
 * One page of the registry, in the asked order: one indexed read of the
 * per-model summaries (store/model-summaries.ts) joined with the deployment,
 * whatever the page size or the registry's size. Answers the response's JSON
 * text as the database assembled it (store/json-text.ts).
 */
export async function listModels(db: Db, query: ModelListQuery): Promise<JsonText<ModelListResponse>> {
  const sort = query.sort ?? 'name';
  const order = query.order ?? 'asc';
  const page = await listModelSummaries(db, {
    type: query.type,
    status: query.status,
    text: query.q || undefined,
    sort,
    order,
    after: query.cursor === undefined ? undefined : decodeModelCursor(query.cursor, sort, order),
    limit: query.limit + 1,
  });
  const more = page.items.length > query.limit;
  const items = more ? page.items.slice(0, query.limit) : page.items;
  const nextCursor = more ? encodeModelCursor(sort, order, page.positionAt(query.limit - 1)) : null;
  return `{"items":${jsonArrayText(items)},"next_cursor":${JSON.stringify(nextCursor)}}`;
}

/** A cursor of a model's versions: sort, order, the last row's version key (for `version`) and seq. */
function encodeVersionCursor(sort: VersionSortKey, order: SortOrder, position: { values: readonly string[]; seq: number }): string {
  return Buffer.from(JSON.stringify([sort, order, ...position.values, position.seq]), 'utf8').toString('base64url');
}

function decodeVersionCursor(cursor: string, sort: VersionSortKey, order: SortOrder): { values: string[]; seq: number } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    fail('invalid_request', 'not a cursor returned by this server');
  }
  const width = versions.VERSION_SORT_COLUMNS[sort].length;
  if (!Array.isArray(decoded) || decoded.length !== width + 3) fail('invalid_request', 'not a cursor returned by this server');
  const [cursorSort, cursorOrder, ...rest] = decoded as unknown[];
  if (cursorSort !== sort || cursorOrder !== order) fail('invalid_request', 'the cursor belongs to another sort or order; start again from the first page');
  const values = rest.slice(0, width);
  const seq = rest[width];
  if (!values.every((value) => typeof value === 'string') || typeof seq !== 'number' || !Number.isSafeInteger(seq)) {
    fail('invalid_request', 'not a cursor returned by this server');
  }
  return { values: values as string[], seq };
}

/** One page of a model's versions, filtered and sorted by the database (newest version first by default). */
export async function listModelVersions(db: Db, modelId: string, query: VersionListQuery): Promise<JsonText<VersionListResponse>> {
  await requireModel(db, modelId);
  const sort = query.sort ?? 'version';
  const order = query.order ?? 'desc';
  const page = await versions.listVersionPage(db, modelId, {
    status: query.status,
    text: query.q || undefined,
    sort,
    order,
    after: query.cursor === undefined ? undefined : decodeVersionCursor(query.cursor, sort, order),
    limit: query.limit + 1,
  });
  const more = page.items.length > query.limit;
  const nextCursor = more ? encodeVersionCursor(sort, order, page.positions[query.limit - 1]!) : null;
  return `{"items":${jsonArrayText(more ? page.items.slice(0, query.limit) : page.items)},"next_cursor":${JSON.stringify(nextCursor)}}`;
}

/**
 * A model, its versions and its deployment in one read: the versions are the
 * array text the model's summary stores, rewritten in the same transaction as
 * every change to them (store/model-summaries.ts); a model without a summary
 * row (written around the store) gets them computed from the rows.
 */
export async function getModelDetail(ctx: BffContext, modelId: string): Promise<JsonText<ModelDetailResponse>> {
  const head = (await findModelWithDeployment(ctx.db, modelId)) ?? fail('not_found', `no model ${modelId}`);
  const deployment = head.deployment ?? fail('internal', `model ${modelId} has no deployment row`);
  const versionsJson = head.versions ?? (await versions.listVersionsJson(ctx.db, modelId));
  return `{"model":${head.model},"versions":${versionsJson},"deployment":${JSON.stringify(deployment)}}`;
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
    await versions.deprecateVersion(trx, modelId, versionName, reason, at);
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
