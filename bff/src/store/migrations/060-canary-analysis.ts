// Online canary analysis (DESIGN §9, README "Online canary analysis"): the
// online gate per model, one analysis row per model for its live step (leased
// like the dispatch outbox, so one replica evaluates a model at a time), the
// live samples and the verdict of each interval. Samples and verdicts are
// pruned to a fixed number per model (services/canary/canary-store.ts).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('online_gate_policies')
    .addColumn('model_id', 'text', (c) => c.primaryKey().references('models.id'))
    // JSON OnlineGatePolicy; no row: the model type's default.
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('canary_steps')
    .addColumn('model_id', 'text', (c) => c.primaryKey().references('models.id'))
    // The deployment state of the step under analysis; a new approved step replaces the row's contents.
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('canary_version', 'text', (c) => c.notNull())
    .addColumn('stable_version', 'text', (c) => c.notNull())
    .addColumn('canary_pct', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('waiting', 'baking', 'baked', 'failing', 'rolled_back')`))
    // JSON OnlineGatePolicy in force when the step started.
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('intervals_evaluated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consecutive_passes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON IntervalEvaluation of the newest interval, and the reason of the newest failing one.
    .addColumn('last_evaluation', 'text')
    .addColumn('last_failure', 'text')
    // Start of the interval being collected; due for a verdict at next_evaluation_at (null: step over).
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('next_evaluation_at', 'text')
    // JSON {server: {responses, errors}}: HAProxy's cumulative counters at window_start.
    .addColumn('haproxy_counters', 'text')
    // Lease, as in `dispatches`: whoever set it in the future evaluates the model.
    .addColumn('claimed_until', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('canary_samples')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull().references('models.id'))
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('haproxy', 'reported')`))
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    // JSON LiveVersionMetrics.
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('canary_samples_by_step').on('canary_samples').columns(['model_id', 'state_version', 'received_at']).execute();
  await db.schema.createIndex('canary_samples_by_age').on('canary_samples').columns(['model_id', 'received_at']).execute();

  await db.schema
    .createTable('canary_evaluations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull().references('models.id'))
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('passing', 'failing', 'inconclusive')`))
    .addColumn('window_end', 'text', (c) => c.notNull())
    // JSON IntervalEvaluation.
    .addColumn('evaluation', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('canary_evaluations_by_step').on('canary_evaluations').columns(['model_id', 'state_version', 'window_end']).execute();
  await db.schema.createIndex('canary_evaluations_by_age').on('canary_evaluations').columns(['model_id', 'window_end']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
