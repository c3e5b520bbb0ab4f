// People from the company IdP (docs/decisions/0012-company-sign-in-oidc.md):
// a users row bound for good to the IdP's issuer and subject, and the spent
// nonces of IdP step-ups, so one fresh authentication buys one step-up token.
// Kysely's schema builder only (SQLite and PostgreSQL).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('idp_issuer', 'text').execute();
  await db.schema.alterTable('users').addColumn('idp_subject', 'text').execute();
  // Local users have NULLs here; NULLs never collide in a unique index on either engine.
  await db.schema.createIndex('users_idp_identity').unique().on('users').columns(['idp_issuer', 'idp_subject']).execute();

  await db.schema
    .createTable('idp_step_up_nonces')
    // sha256 (hex) of issuer, subject and nonce.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('spent_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
