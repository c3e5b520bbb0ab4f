// At most one pending change request per model, refused by the database itself:
// the service checks first, but with several replicas (PostgreSQL) only the index is atomic.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index change_requests_one_pending on change_requests (model_id) where status = 'pending'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
