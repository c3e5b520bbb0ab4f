// Fixed-window counters of /auth attempts, shared by every replica on the
// database. One upsert per attempt: concurrent attempts all count.
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

/** Counts one attempt in `bucket`'s window starting at `windowStart` and returns the window's count so far. */
export async function countAttempt(db: Kysely<DB>, bucket: string, windowStart: string): Promise<number> {
  const row = await db
    .insertInto('auth_rate_windows')
    .values({ bucket, window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet((eb) => ({ hits: eb('auth_rate_windows.hits', '+', 1) })))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return row.hits;
}

/** The count of a window without counting (0 when none). */
export async function attemptsIn(db: Kysely<DB>, bucket: string, windowStart: string): Promise<number> {
  const row = await db
    .selectFrom('auth_rate_windows')
    .select('hits')
    .where('bucket', '=', bucket)
    .where('window_start', '=', windowStart)
    .executeTakeFirst();
  return row?.hits ?? 0;
}

/** Forgets windows that started before `cutoff`. */
export async function deleteRateWindowsBefore(db: Kysely<DB>, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('auth_rate_windows').where('window_start', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
