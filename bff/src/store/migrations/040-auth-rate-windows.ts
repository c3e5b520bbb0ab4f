// Fixed-window counters of /auth attempts per client address and route, in
// the database so that every replica counts against the same budget.
import type { Kysely } from 'kysely';
import { portableTypes } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const { text } = portableTypes(db);
  await db.schema
    .createTable('auth_rate_windows')
    // Route and client address, e.g. "/auth/login|203.0.113.9".
    .addColumn('bucket', text, (c) => c.notNull())
    // ISO instant where the window starts (a multiple of its length since the epoch).
    .addColumn('window_start', text, (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('auth_rate_windows_pk', ['bucket', 'window_start'])
    .execute();
  await db.schema.createIndex('auth_rate_windows_start').on('auth_rate_windows').column('window_start').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
