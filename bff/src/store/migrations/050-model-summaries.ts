// One row per model with what the registry list shows and sorts by (issue 12):
// active version, candidates, version counts, the newest run's gate, the
// lower-cased name and the last change. Kept current in the same transaction
// as every change that affects it (store/model-summaries.ts), so a list page
// is one indexed read instead of five queries and a gate evaluation per row.
// Each sort order (and each with a type filter) has its own index ending in
// model_id, the keyset cursor's tie-break, so a page is a range scan.
import type { Kysely } from 'kysely';
import { rebuildModelSummaries } from '../model-summaries.js';
import type { DB } from '../schema.js';
import { portableTypes } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const { text } = portableTypes(db);
  await db.schema
    .createTable('model_summaries')
    .addColumn('model_id', text, (c) => c.primaryKey().references('models.id'))
    /** The name lower-cased (JavaScript's toLowerCase): the "name" order. */
    .addColumn('name_key', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    /** ISO instant of the newest change to the model, its versions, runs, policy or deployment: the "updated" order. */
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('active_version', text)
    /** JSON array, oldest registration first. */
    .addColumn('candidate_versions', text, (c) => c.notNull())
    .addColumn('candidate_count', 'integer', (c) => c.notNull())
    .addColumn('deprecated_count', 'integer', (c) => c.notNull())
    .addColumn('version_count', 'integer', (c) => c.notNull())
    /** JSON LastGate of the newest run under the model's current policy, or null. */
    .addColumn('last_gate', text)
    /** 0 failed, 1 passed, 2 never evaluated: the "last_gate" order (failures first). */
    .addColumn('gate_rank', 'integer', (c) => c.notNull())
    /** Lower-cased id, name, description and tags, for `q`. */
    .addColumn('search_text', text, (c) => c.notNull())
    .execute();
  const index = (name: string, columns: string[]) => db.schema.createIndex(name).on('model_summaries').columns(columns).execute();
  await index('model_summaries_name', ['name_key', 'model_id']);
  await index('model_summaries_updated', ['updated_at', 'model_id']);
  await index('model_summaries_gate', ['gate_rank', 'name_key', 'model_id']);
  // "type" order, and the name order within one type.
  await index('model_summaries_type_name', ['type', 'name_key', 'model_id']);
  await index('model_summaries_type_updated', ['type', 'updated_at', 'model_id']);
  await index('model_summaries_type_gate', ['type', 'gate_rank', 'name_key', 'model_id']);
  // A model's versions by status in registration order: the summary's counts and candidates
  // (and the versions list filtered by status) read this index, not the version rows.
  await db.schema.createIndex('model_versions_model_status').on('model_versions').columns(['model_id', 'status', 'seq']).execute();
  await db.schema.createIndex('model_versions_model_seq').on('model_versions').columns(['model_id', 'seq']).execute();

  // Backfill. (If a later migration reshapes model_summaries, freeze a copy of this
  // rebuild here first: a migration must keep doing what it did when it shipped.)
  await rebuildModelSummaries(db as unknown as Kysely<DB>);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
