// Counters of /auth attempts per client address and route, in the database so
// that every replica counts against the same budget. A window opens at the
// first attempt and lasts the limit's time window (as @fastify/rate-limit's
// in-memory store counts).
import type { Kysely } from 'kysely';
import { portableTypes } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const { text } = portableTypes(db);
  await db.schema
    .createTable('auth_rate_windows')
    // Route and client address, e.g. "/auth/login|203.0.113.9".
    .addColumn('bucket', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('auth_rate_windows_pk', ['bucket'])
    // ISO instant of the first attempt of the current window.
    .addColumn('window_start', text, (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_rate_windows_start').on('auth_rate_windows').column('window_start').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
