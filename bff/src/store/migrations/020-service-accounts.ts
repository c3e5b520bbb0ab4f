// Service accounts (machines, not people: eval runners, routers, metrics
// reporters) and, on change requests, who reported the run behind the gate.
// Kysely's schema builder only, so the same migration runs on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('service_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    /** JSON array of service roles. */
    .addColumn('roles', 'text', (c) => c.notNull())
    /** sha256 (hex) of the bearer token; the token itself is shown once and never stored. */
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  // JSON GateRun: the run behind gate_snapshot and who reported it (null: no run, or made before this column).
  await db.schema.alterTable('change_requests').addColumn('gate_run', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
