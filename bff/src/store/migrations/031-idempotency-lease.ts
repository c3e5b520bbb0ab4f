// Idempotency reservations get a lease (issue 11, finding 12): a request still
// running renews it; one that died with its process (SIGKILL, power loss) stops
// blocking its key when the lease runs out, instead of answering 409 for 24 hours.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // ISO instant; null on completed answers (and on reservations from before: treated as expired).
  await db.schema.alterTable('idempotency_keys').addColumn('lease_until', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
