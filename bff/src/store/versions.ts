// Repository of model versions: the only place that reads or writes
// `model_versions`. Rows leave as shared/ `ModelVersion` values.
import type { Db } from './database.js';
import { sql } from 'kysely';
import type { SortOrder, VersionSortKey } from '../../../shared/api/models.js';
import { ModelVersion, type VersionStatus } from '../../../shared/domain/model.js';
import { semverSortKey } from '../../../shared/logic/semver-key.js';
import { likePattern, refreshModelSummary, searchWords } from './model-summaries.js';
import type { VersionRow } from './schema.js';
import { engineOf } from './engine.js';
import type { JsonText } from './json-text.js';
import { preparedQuery } from './prepared.js';
import { versionJsonText, versionsArrayText } from './version-json.js';

export function versionFromRow(row: VersionRow): ModelVersion {
  return ModelVersion.parse({
    model_id: row.model_id,
    version: row.version,
    status: row.status,
    artifact_uri: row.artifact_uri,
    checksum: row.checksum,
    runtime: JSON.parse(row.runtime) as unknown,
    framework: row.framework,
    export_format: row.export_format,
    release_notes: row.release_notes,
    ...(row.supported_until === null ? {} : { supported_until: row.supported_until }),
    metadata: JSON.parse(row.metadata) as unknown,
    created_at: row.created_at,
    created_by: row.created_by,
    ...(row.deprecated_reason === null ? {} : { deprecated_reason: row.deprecated_reason }),
  });
}

export async function insertVersion(db: Db, version: ModelVersion): Promise<void> {
  await db
    .insertInto('model_versions')
    .values({
      model_id: version.model_id,
      version: version.version,
      status: version.status,
      artifact_uri: version.artifact_uri,
      checksum: version.checksum,
      runtime: JSON.stringify(version.runtime),
      framework: version.framework,
      export_format: version.export_format,
      release_notes: version.release_notes,
      supported_until: version.supported_until ?? null,
      metadata: JSON.stringify(version.metadata),
      created_at: version.created_at,
      created_by: version.created_by,
      deprecated_reason: version.deprecated_reason ?? null,
      version_key: semverSortKey(version.version),
    })
    .execute();
  await refreshModelSummary(db, version.model_id, version.created_at);
}

export async function findVersion(db: Db, modelId: string, version: string): Promise<ModelVersion | undefined> {
  const row = await db
    .selectFrom('model_versions')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? versionFromRow(row) : undefined;
}

/**
 * A version row as the shared shape without re-validating it: the row was
 * checked by ModelVersion when registered, and a model's whole history is
 * read at once (parsing 100 versions' metadata trees cost more than the query).
 */
function versionFromStoredRow(row: VersionRow): ModelVersion {
  const version: ModelVersion = {
    model_id: row.model_id,
    version: row.version,
    status: row.status,
    artifact_uri: row.artifact_uri,
    checksum: row.checksum,
    runtime: JSON.parse(row.runtime) as ModelVersion['runtime'],
    framework: row.framework,
    export_format: row.export_format,
    release_notes: row.release_notes,
    metadata: JSON.parse(row.metadata) as ModelVersion['metadata'],
    created_at: row.created_at,
    created_by: row.created_by,
  };
  if (row.supported_until !== null) version.supported_until = row.supported_until;
  if (row.deprecated_reason !== null) version.deprecated_reason = row.deprecated_reason;
  return version;
}

/** Every version of a model, newest registration first. */
export async function listVersions(db: Db, modelId: string): Promise<ModelVersion[]> {
  const rows = await db.selectFrom('model_versions').selectAll().where('model_id', '=', modelId).orderBy('seq', 'desc').execute();
  return rows.map(versionFromStoredRow);
}

/**
 * Every version of a model as one JSON array text, newest registration first,
 * computed from the rows now (version-json.ts): the reference that the stored
 * text of the model's summary (model-summaries.ts, what the detail reads) must
 * equal, and the detail's answer for a model that has no summary row.
 */
export async function listVersionsJson(db: Db, modelId: string): Promise<JsonText<ModelVersion[]>> {
  const [row] = (await db.executeQuery(versionsJsonOf(db, modelId))).rows;
  return row?.versions_json ?? '[]';
}

const versionsJsonOf = preparedQuery((db: Db, modelId: string) =>
  db
    .selectFrom('model_versions as v')
    .select(versionsArrayText(engineOf(db), 'v').as('versions_json'))
    .where('v.model_id', '=', modelId),
);

export interface VersionPageQuery {
  status?: VersionStatus | undefined;
  /** Case-insensitive substring of version, artifact URI, framework, export format or registrant. */
  text?: string | undefined;
  sort: VersionSortKey;
  order: SortOrder;
  /** Keyset: the previous page's last sort value (version key; none for `created`) and seq. */
  after?: { values: readonly string[]; seq: number } | undefined;
  limit: number;
}

/** Columns of each order before the seq tie-break (indexes of migrations 050 and 051, after model_id [and status]). */
export const VERSION_SORT_COLUMNS: Record<VersionSortKey, readonly 'version_key'[]> = { version: ['version_key'], created: [] };

/**
 * The statement of one page of a model's versions: a range scan of
 * (model_id[, status], version_key, seq) or (model_id[, status], seq) from the
 * cursor, stopping at `limit` (model-summaries.test.ts checks SQLite's plan).
 */
export function versionPageQuery(db: Db, modelId: string, query: VersionPageQuery) {
  const columns = [...VERSION_SORT_COLUMNS[query.sort], 'seq'] as const;
  const direction = query.order === 'desc' ? 'desc' : 'asc';
  let select = db
    .selectFrom('model_versions')
    .select([versionJsonText(engineOf(db)).as('version_json'), 'version_key', 'seq'])
    .where('model_id', '=', modelId);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  const words = searchWords(query.text);
  if (words.length > 0) {
    // The fields of shared/logic/model-search.ts versionSearchText, which the console's own filter reads.
    const device = engineOf(db) === 'postgres' ? sql`coalesce(cast(runtime as json) ->> 'device', '')` : sql`coalesce(json_extract(runtime, '$.device'), '')`;
    const haystack = sql`lower(version || ' ' || status || ' ' || artifact_uri || ' ' || framework || ' ' || export_format || ' ' || ${device} || ' ' || created_by)`;
    // Every word, in any order.
    for (const word of words) select = select.where(sql<boolean>`${haystack} like ${likePattern(word)} escape '\\'`);
  }
  if (query.after) {
    const refs = sql.join(columns.map((column) => sql.ref(column)));
    const values = sql.join([...query.after.values, query.after.seq]);
    select = select.where(direction === 'asc' ? sql<boolean>`(${refs}) > (${values})` : sql<boolean>`(${refs}) < (${values})`);
  }
  for (const column of columns) select = select.orderBy(column, direction);
  return select.limit(query.limit);
}

/** One page of a model's versions, with each row's position for the next cursor. */
export async function listVersionPage(
  db: Db,
  modelId: string,
  query: VersionPageQuery,
): Promise<{ items: JsonText<ModelVersion>[]; positions: { values: string[]; seq: number }[] }> {
  const rows = await versionPageQuery(db, modelId, query).execute();
  return {
    items: rows.map((row) => row.version_json),
    positions: rows.map((row) => ({ values: VERSION_SORT_COLUMNS[query.sort].map((column) => row[column] ?? ''), seq: Number(row.seq) })),
  };
}

export async function deprecateVersion(db: Db, modelId: string, version: string, reason: string, at: string): Promise<void> {
  await db
    .updateTable('model_versions')
    .set({ status: 'deprecated', deprecated_reason: reason })
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .execute();
  await refreshModelSummary(db, modelId, at);
}

export interface StatusChange {
  version: string;
  status: VersionStatus;
}

/**
 * Applies status changes of one model's versions. The database allows one
 * active version per model (a partial unique index), so versions leaving
 * `active` are written before the one that becomes active.
 */
export async function applyStatusChanges(db: Db, modelId: string, changes: readonly StatusChange[], at: string): Promise<void> {
  const ordered = [...changes].sort((a, b) => Number(a.status === 'active') - Number(b.status === 'active'));
  for (const change of ordered) {
    await db
      .updateTable('model_versions')
      .set({ status: change.status, ...(change.status === 'deprecated' ? {} : { deprecated_reason: null }) })
      .where('model_id', '=', modelId)
      .where('version', '=', change.version)
      .execute();
  }
  if (changes.length > 0) await refreshModelSummary(db, modelId, at);
}
