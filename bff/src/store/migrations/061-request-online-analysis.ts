// A rollout request carries the live step's online analysis as it stood when
// the request was made (DESIGN §9): approvers see it next to the offline gate.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON StepAnalysisSummary or null (start_canary and rollback have no live step to show).
  await db.schema.alterTable('change_requests').addColumn('online_analysis', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
