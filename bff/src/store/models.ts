// Repository of registered models: the only place that reads or writes the
// `models` table. Rows leave as shared/ `Model` values.
import type { Db } from './database.js';
import { sql } from 'kysely';
import { Model, type ModelPolicy, type VersionStatus } from '../../../shared/domain/model.js';
import type { ModelRow } from './schema.js';

export function modelFromRow(row: ModelRow): Model {
  return Model.parse({
    id: row.id,
    name: row.name,
    type: row.type,
    owner: row.owner,
    description: row.description,
    tags: JSON.parse(row.tags) as unknown,
    policy: JSON.parse(row.policy) as unknown,
    created_at: row.created_at,
  });
}

export async function insertModel(db: Db, model: Model): Promise<void> {
  await db
    .insertInto('models')
    .values({
      id: model.id,
      name: model.name,
      type: model.type,
      owner: model.owner,
      description: model.description,
      tags: JSON.stringify(model.tags),
      policy: JSON.stringify(model.policy),
      created_at: model.created_at,
    })
    .execute();
}

export async function findModel(db: Db, id: string): Promise<Model | undefined> {
  const row = await db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? modelFromRow(row) : undefined;
}

export async function updateModelPolicy(db: Db, id: string, policy: ModelPolicy): Promise<void> {
  await db.updateTable('models').set({ policy: JSON.stringify(policy) }).where('id', '=', id).execute();
}

export async function countModels(db: Db): Promise<number> {
  const row = await db
    .selectFrom('models')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface ModelFilter {
  type?: string | undefined;
  /** Models having at least one version in this status. */
  versionStatus?: VersionStatus | undefined;
  /** Case-insensitive substring of id, name, description or tags. */
  text?: string | undefined;
  /** Keyset pagination: only ids after this one. */
  afterId?: string | undefined;
  limit: number;
}

/** Escapes LIKE wildcards so a search for "50%" finds the text "50%". */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page of models ordered by id (the cursor order). */
export async function listModels(db: Db, filter: ModelFilter): Promise<Model[]> {
  let query = db.selectFrom('models').selectAll('models');
  if (filter.type) query = query.where('models.type', '=', filter.type);
  if (filter.afterId !== undefined) query = query.where('models.id', '>', filter.afterId);
  if (filter.versionStatus) {
    const status = filter.versionStatus;
    // Answered from the (status, model_id) index without touching version rows.
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('model_versions')
          .select('model_versions.seq')
          .whereRef('model_versions.model_id', '=', 'models.id')
          .where('model_versions.status', '=', status),
      ),
    );
  }
  if (filter.text) {
    const pattern = likePattern(filter.text);
    query = query.where((eb) =>
      eb.or(
        (['models.id', 'models.name', 'models.description', 'models.tags'] as const).map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  const rows = await query.orderBy('models.id').limit(filter.limit).execute();
  return rows.map(modelFromRow);
}
