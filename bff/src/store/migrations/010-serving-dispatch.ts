// Serving targets per model and the dispatch outbox (README.md#connecting-your-serving-layer,
// docs/decisions/0003-level-triggered-dispatch.md). The outbox holds one row
// per model: the latest desired state to apply. A newer approval or a rollback
// overwrites the row in its own transaction, so nothing older is ever applied
// after it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('serving_targets')
    .addColumn('model_id', 'text', (c) => c.primaryKey().references('models.id'))
    // null: pull only (routers poll GET /routing).
    .addColumn('kind', 'text', (c) => c.check(sql`kind is null or kind in ('haproxy', 'webhook')`))
    .addColumn('runtime_api', 'text')
    .addColumn('backend', 'text')
    .addColumn('url', 'text')
    // Write-only: used to sign deliveries, never returned by any read.
    .addColumn('secret', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dispatches')
    .addColumn('model_id', 'text', (c) => c.primaryKey().references('models.id'))
    // The deployment state this row delivers, and its delivery id (stable across retries).
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'retrying', 'applied', 'failed', 'drift')`))
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    // Due for an attempt when set and past; null once applied or failed.
    .addColumn('next_attempt_at', 'text')
    // Lease: whoever set it in the future (conditional UPDATE) works on the row; portable to PostgreSQL.
    .addColumn('claimed_until', 'text')
    .addColumn('applied_at', 'text')
    // JSON {version: pct} read back from the serving layer.
    .addColumn('observed', 'text')
    .addColumn('enqueued_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dispatches_due').on('dispatches').column('next_attempt_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
