// Repository of registered models: the only place that reads or writes the
// `models` table. Rows leave as shared/ `Model` values.
import type { Db } from './database.js';
import { Model, type ModelPolicy } from '../../../shared/domain/model.js';
import { refreshModelSummary } from './model-summaries.js';
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
  await refreshModelSummary(db, model.id, model.created_at);
}

export async function findModel(db: Db, id: string): Promise<Model | undefined> {
  const row = await db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? modelFromRow(row) : undefined;
}

/**
 * The policy decides the gate, so the model's summary (its last gate and its
 * stored item text, which holds the policy) is refreshed with it; no version row changes.
 */
export async function updateModelPolicy(db: Db, id: string, policy: ModelPolicy, at: string): Promise<void> {
  await db.updateTable('models').set({ policy: JSON.stringify(policy) }).where('id', '=', id).execute();
  await refreshModelSummary(db, id, at, { versions: false });
}

export async function countModels(db: Db): Promise<number> {
  const row = await db
    .selectFrom('models')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
