// A cheap query that proves the database answers.
import type { Db } from './database.js';
import { sql } from 'kysely';

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
