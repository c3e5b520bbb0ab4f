// Repository of model versions: the only place that reads or writes
// `model_versions`. Rows leave as shared/ `ModelVersion` values.
import type { Kysely } from 'kysely';
import { ModelVersion, type VersionStatus } from '../../../shared/domain/model.js';
import { refreshModelSummary } from './model-summaries.js';
import type { DB, VersionRow } from './schema.js';

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

export async function insertVersion(db: Kysely<DB>, version: ModelVersion): Promise<void> {
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
    })
    .execute();
  await refreshModelSummary(db, version.model_id, version.created_at);
}

export async function findVersion(db: Kysely<DB>, modelId: string, version: string): Promise<ModelVersion | undefined> {
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
export async function listVersions(db: Kysely<DB>, modelId: string): Promise<ModelVersion[]> {
  const rows = await db.selectFrom('model_versions').selectAll().where('model_id', '=', modelId).orderBy('seq', 'desc').execute();
  return rows.map(versionFromStoredRow);
}

export async function deprecateVersion(db: Kysely<DB>, modelId: string, version: string, reason: string, at: string): Promise<void> {
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
export async function applyStatusChanges(db: Kysely<DB>, modelId: string, changes: readonly StatusChange[], at: string): Promise<void> {
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
