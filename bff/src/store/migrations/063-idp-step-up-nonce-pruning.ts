// The spent nonces of IdP step-ups are pruned by housekeeping once no ID token
// carrying them could pass the step-up's freshness check (store/idp-users.ts):
// an index on spent_at keeps that delete to the expired rows, however large the table.
// Kysely's schema builder only (SQLite and PostgreSQL).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('idp_step_up_nonces_spent_at').on('idp_step_up_nonces').column('spent_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
