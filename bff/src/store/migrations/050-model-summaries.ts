// One row per model with what the registry list shows and sorts by (issue 12):
// active version, candidates, version counts, the newest run's gate, the
// lower-cased name and the last change. Kept current in the same transaction
// as every change that affects it (store/model-summaries.ts), so a list page
// is one indexed read instead of five queries and a gate evaluation per row.
// Each sort order (and each with a type filter) has its own index ending in
// model_id, the keyset cursor's tie-break, so a page is a range scan.
import { sql, type Kysely } from 'kysely';
import { ModelPolicy } from '../../../../shared/domain/model.js';
import { effectiveGatePolicy, evaluateGate } from '../../../../shared/logic/gate.js';
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

  await backfill(db);
}

/** Models per batch of the backfill: bounded memory and bind parameters. */
const BATCH = 500;

/** The columns this migration creates. */
interface SummaryRow {
  model_id: string;
  name_key: string;
  type: string;
  updated_at: string;
  active_version: string | null;
  candidate_versions: string;
  candidate_count: number;
  deprecated_count: number;
  version_count: number;
  last_gate: string | null;
  gate_rank: number;
  search_text: string;
}

const later = (a: string, b: string | null | undefined) => (b !== null && b !== undefined && b > a ? b : a);

/**
 * Every model's summary from the source tables: a frozen copy of the store's
 * rebuild as it stood when migration 066 reshaped model_summaries (a migration
 * must keep doing what it did; 064 rewrites search_text and 066 adds the JSON
 * texts after this). The gate is the shared gate logic's verdict, as the store's is.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as it is at this point, not DB
async function backfill(db: Kysely<any>): Promise<void> {
  let after = '';
  for (;;) {
    const models: { id: string; name: string; type: string; owner: string; description: string; tags: string; policy: string; created_at: string }[] = await db
      .selectFrom('models')
      .select(['id', 'name', 'type', 'owner', 'description', 'tags', 'policy', 'created_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (models.length === 0) return;
    const ids = models.map((model) => model.id);
    const counts: { model_id: string; status: string; n: number | string; newest: string | null }[] = await db
      .selectFrom('model_versions')
      .select(['model_id', 'status', sql<number | string>`count(*)`.as('n'), sql<string | null>`max(created_at)`.as('newest')])
      .where('model_id', 'in', ids)
      .groupBy(['model_id', 'status'])
      .execute();
    const live: { model_id: string; version: string; status: string }[] = await db
      .selectFrom('model_versions')
      .select(['model_id', 'version', 'status'])
      .where('model_id', 'in', ids)
      .where('status', 'in', ['active', 'candidate'])
      .orderBy('seq')
      .execute();
    const runRows: { id: string; model_id: string; version: string; metrics: string; baseline_metrics: string; finished_at: string; reported_at: string }[] = await db
      .selectFrom('eval_runs')
      .select(['id', 'model_id', 'version', 'metrics', 'baseline_metrics', 'finished_at', 'reported_at'])
      .where('model_id', 'in', ids)
      .execute();
    // The newest run per model: latest finish, then latest report, then the greatest id.
    const runs = new Map<string, (typeof runRows)[number]>();
    for (const run of runRows) {
      const best = runs.get(run.model_id);
      const newer =
        !best ||
        run.finished_at > best.finished_at ||
        (run.finished_at === best.finished_at && (run.reported_at > best.reported_at || (run.reported_at === best.reported_at && run.id > best.id)));
      if (newer) runs.set(run.model_id, run);
    }
    const deployments: { model_id: string; updated_at: string }[] = await db.selectFrom('deployments').select(['model_id', 'updated_at']).where('model_id', 'in', ids).execute();
    const deploymentUpdated = new Map(deployments.map((row) => [row.model_id, row.updated_at]));

    const rows = models.map((model): SummaryRow => {
      const tags = JSON.parse(model.tags) as string[];
      const byStatus = new Map<string, { n: number; newest: string | null }>();
      for (const row of counts) if (row.model_id === model.id) byStatus.set(row.status, { n: Number(row.n), newest: row.newest });
      let active: string | null = null;
      const candidates: string[] = [];
      for (const row of live) {
        if (row.model_id !== model.id) continue;
        if (row.status === 'active') active = row.version;
        else candidates.push(row.version);
      }
      const run = runs.get(model.id);
      let gate: { run_id: string; version: string; passed: boolean; failed_metrics: string[]; finished_at: string } | null = null;
      if (run) {
        const policy = ModelPolicy.parse(JSON.parse(model.policy));
        const result = evaluateGate(effectiveGatePolicy({ type: model.type, policy }), JSON.parse(run.metrics) as Record<string, number>, JSON.parse(run.baseline_metrics) as Record<string, number>);
        gate = { run_id: run.id, version: run.version, passed: result.passed, failed_metrics: result.failed_metrics, finished_at: run.finished_at };
      }
      let updated = later(model.created_at, deploymentUpdated.get(model.id));
      for (const entry of byStatus.values()) updated = later(updated, entry.newest);
      updated = later(updated, run?.reported_at);
      return {
        model_id: model.id,
        name_key: model.name.toLowerCase(),
        type: model.type,
        updated_at: updated,
        active_version: active,
        candidate_versions: JSON.stringify(candidates),
        candidate_count: byStatus.get('candidate')?.n ?? 0,
        deprecated_count: byStatus.get('deprecated')?.n ?? 0,
        version_count: [...byStatus.values()].reduce((sum, entry) => sum + entry.n, 0),
        last_gate: gate === null ? null : JSON.stringify(gate),
        gate_rank: gate === null ? 2 : gate.passed ? 1 : 0,
        search_text: [model.id, model.name, model.description, model.type, model.owner, tags.join(' '), active ?? '', candidates.join(' ')].join('\n').toLowerCase(),
      };
    });
    await db.insertInto('model_summaries').values(rows).execute();
    after = ids[ids.length - 1]!;
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
