// Step-up tokens as rows keyed by the sha256 of the token: the raw token is
// never stored, so a copy of the database cannot be used to act as anyone.
import type { Db } from './database.js';

export interface NewStepUpToken {
  id: string;
  userId: string;
  purpose: string | null;
  authTime: string;
  expiresAt: string;
}

export async function insertStepUpToken(db: Db, token: NewStepUpToken): Promise<void> {
  await db
    .insertInto('step_up_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      purpose: token.purpose,
      auth_time: token.authTime,
      expires_at: token.expiresAt,
      used_at: null,
    })
    .execute();
}

/**
 * Marks the token used if, and only if, it is unused, unexpired, belongs to
 * `userId` and allows `purpose`. One conditional UPDATE, so two requests
 * racing with the same token cannot both win, and inside the caller's
 * transaction a rollback leaves the token unused. Returns its auth_time.
 */
export async function consumeStepUpToken(
  db: Db,
  id: string,
  userId: string,
  purpose: string,
  now: string,
): Promise<{ authTime: string } | undefined> {
  const row = await db
    .updateTable('step_up_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('purpose', 'is', null), eb('purpose', '=', purpose)]))
    .returning('auth_time')
    .executeTakeFirst();
  return row ? { authTime: row.auth_time } : undefined;
}

/** Removes tokens that expired before `cutoff`; they can no longer be spent. */
export async function deleteExpiredStepUpTokens(db: Db, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('step_up_tokens').where('expires_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
