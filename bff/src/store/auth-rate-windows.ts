// Counters of /auth attempts, shared by every replica on the database: one
// row per route and client address, its window opened by the first attempt.
// One upsert per attempt, so concurrent attempts on any replica all count.
import type { Db } from './database.js';

export interface WindowCount {
  hits: number;
  /** ISO instant the current window opened. */
  windowStart: string;
}

/**
 * Counts one attempt at `now`: a window older than `windowMs` starts afresh
 * at 1, otherwise its count grows by one. Returns the window after the count.
 */
export async function countAttempt(db: Db, bucket: string, now: Date, windowMs: number): Promise<WindowCount> {
  const at = now.toISOString();
  const expiredAtOrBefore = new Date(now.getTime() - windowMs).toISOString();
  const row = await db
    .insertInto('auth_rate_windows')
    .values({ bucket, window_start: at, hits: 1 })
    .onConflict((oc) =>
      oc.column('bucket').doUpdateSet((eb) => {
        const expired = eb('auth_rate_windows.window_start', '<=', expiredAtOrBefore);
        return {
          hits: eb.case().when(expired).then(1).else(eb('auth_rate_windows.hits', '+', 1)).end(),
          window_start: eb.case().when(expired).then(eb.ref('excluded.window_start')).else(eb.ref('auth_rate_windows.window_start')).end(),
        };
      }),
    )
    .returning(['hits', 'window_start'])
    .executeTakeFirstOrThrow();
  return { hits: row.hits, windowStart: row.window_start };
}

/** The live window of `bucket` at `now` without counting; undefined when none is open. */
export async function openWindow(db: Db, bucket: string, now: Date, windowMs: number): Promise<WindowCount | undefined> {
  const row = await db
    .selectFrom('auth_rate_windows')
    .select(['hits', 'window_start'])
    .where('bucket', '=', bucket)
    .where('window_start', '>', new Date(now.getTime() - windowMs).toISOString())
    .executeTakeFirst();
  return row ? { hits: row.hits, windowStart: row.window_start } : undefined;
}

/** Forgets windows that opened before `cutoff`. */
export async function deleteRateWindowsBefore(db: Db, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('auth_rate_windows').where('window_start', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
