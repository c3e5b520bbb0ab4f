// A cheap query that proves the database answers.
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

export async function pingDatabase(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
