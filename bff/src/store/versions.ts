// Repository of model versions: the only place that reads or writes
// `model_versions`. Rows leave as shared/ `ModelVersion` values.
import type { Db } from './database.js';
import { ModelVersion, type VersionStatus } from '../../../shared/domain/model.js';
import type { VersionRow } from './schema.js';

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
    })
    .execute();
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

/** Every version of a model, newest registration first. */
export async function listVersions(db: Db, modelId: string): Promise<ModelVersion[]> {
  const rows = await db.selectFrom('model_versions').selectAll().where('model_id', '=', modelId).orderBy('seq', 'desc').execute();
  return rows.map(versionFromRow);
}

export async function deprecateVersion(db: Db, modelId: string, version: string, reason: string): Promise<void> {
  await db
    .updateTable('model_versions')
    .set({ status: 'deprecated', deprecated_reason: reason })
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .execute();
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
export async function applyStatusChanges(db: Db, modelId: string, changes: readonly StatusChange[]): Promise<void> {
  const ordered = [...changes].sort((a, b) => Number(a.status === 'active') - Number(b.status === 'active'));
  for (const change of ordered) {
    await db
      .updateTable('model_versions')
      .set({ status: change.status, ...(change.status === 'deprecated' ? {} : { deprecated_reason: null }) })
      .where('model_id', '=', modelId)
      .where('version', '=', change.version)
      .execute();
  }
}

export interface VersionOverview {
  activeVersion: string | null;
  /** Oldest registration first. */
  candidateVersions: string[];
  versionCount: number;
}

/** Per model of a page: active version, candidates and version count, in two queries whatever the page size. */
export async function versionOverviews(db: Db, modelIds: readonly string[]): Promise<Map<string, VersionOverview>> {
  const overviews = new Map<string, VersionOverview>(
    modelIds.map((id) => [id, { activeVersion: null, candidateVersions: [], versionCount: 0 }]),
  );
  if (modelIds.length === 0) return overviews;
  const counts = await db
    .selectFrom('model_versions')
    .select(['model_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('model_id', 'in', modelIds)
    .groupBy('model_id')
    .execute();
  for (const row of counts) overviews.get(row.model_id)!.versionCount = Number(row.n);
  const live = await db
    .selectFrom('model_versions')
    .select(['model_id', 'version', 'status'])
    .where('status', 'in', ['active', 'candidate'])
    .where('model_id', 'in', modelIds)
    .orderBy('seq')
    .execute();
  for (const row of live) {
    const overview = overviews.get(row.model_id)!;
    if (row.status === 'active') overview.activeVersion = row.version;
    else overview.candidateVersions.push(row.version);
  }
  return overviews;
}
