// The registry's model types with their counts, read from model_summaries:
// the type filter's choices when the console pages a large registry (issue 12).
import type { ModelTypeCount } from '../../../shared/api/models.js';
import type { Db } from './database.js';

/**
 * Every type present, alphabetical, with its number of models. GROUP BY over the
 * summaries' type index (model_summaries_type_name, type first): the read walks
 * index entries only, never the table rows, and needs no sort
 * (model-types.test.ts checks SQLite's plan).
 */
export function modelTypeCountsQuery(db: Db) {
  return db
    .selectFrom('model_summaries')
    .select(['type', (eb) => eb.fn.countAll<number | string | bigint>().as('count')])
    .groupBy('type')
    .orderBy('type');
}

export async function listModelTypeCounts(db: Db): Promise<ModelTypeCount[]> {
  const rows = await modelTypeCountsQuery(db).execute();
  // PostgreSQL answers count(*) as a bigint string.
  return rows.map((row) => ({ type: row.type, count: Number(row.count) }));
}
