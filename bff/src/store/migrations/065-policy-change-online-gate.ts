// A pending policy change may be an online gate edit (docs/two-person-rule.md,
// rule 10): JSON {before, after}, each the model's own online gate or null for
// the type's default; NULL for edits of the model policy. Kysely's schema
// builder only (SQLite and PostgreSQL).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('policy_changes').addColumn('online_gate', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
