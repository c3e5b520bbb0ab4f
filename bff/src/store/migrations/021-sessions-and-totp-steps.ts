// Sign-in sessions with an absolute lifetime, revocable at once (sign-out ends
// the access token too), and the last TOTP step each user spent, so a code
// cannot be replayed inside its window. Kysely's schema builder only (SQLite and PostgreSQL).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    // The refresh-token family id: one session per sign-in.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    /** Absolute end: no refresh reaches past it. */
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  // RFC 6238 time step (unix seconds / 30) of the last accepted code; null: none yet.
  await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
