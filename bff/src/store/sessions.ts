// Sign-in sessions: one per sign-in (its id is the refresh family's), with an
// absolute end. Access tokens carry the session id and every request checks it
// here, so sign-out, a detected refresh reuse or a password reset ends them at once.
import type { Db } from './database.js';

export async function insertSession(db: Db, session: { id: string; userId: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id: session.id, user_id: session.userId, created_at: session.createdAt, expires_at: session.expiresAt, revoked_at: null })
    .execute();
}

/** The end of a live session of `userId`, or undefined (unknown, another user's, revoked or past its end). */
export async function liveSessionEnd(db: Db, sessionId: string, userId: string, now: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select('expires_at')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.expires_at;
}

export async function revokeSession(db: Db, sessionId: string, now: string): Promise<boolean> {
  const result = await db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Ends every session of a user (password reset, disabled account). */
export async function revokeUserSessions(db: Db, userId: string, now: string): Promise<number> {
  const result = await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Removes sessions that ended before `cutoff`. */
export async function deleteEndedSessions(db: Db, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
