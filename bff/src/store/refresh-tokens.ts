// Refresh tokens, stored as sha256 digests and chained into rotation families:
// each use replaces the token, and the reuse of a replaced one revokes the family.
import type { Db } from './database.js';

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  replacedBy: string | null;
}

export async function insertRefreshToken(
  db: Db,
  token: { id: string; userId: string; tokenHash: string; familyId: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      token_hash: token.tokenHash,
      family_id: token.familyId,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      revoked_at: null,
      replaced_by: null,
    })
    .execute();
}

export async function findRefreshTokenByHash(db: Db, tokenHash: string): Promise<RefreshTokenRecord | undefined> {
  const row = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    userId: row.user_id,
    familyId: row.family_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    replacedBy: row.replaced_by,
  };
}

/**
 * Revokes `id` in favour of `replacedBy` if it is still live. Conditional, so
 * of two requests racing with one token only one rotates it; the loser is
 * treated as a reuse.
 */
export async function rotateRefreshToken(db: Db, id: string, replacedBy: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now, replaced_by: replacedBy })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function revokeRefreshFamily(db: Db, familyId: string, now: string): Promise<number> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Signs a user out everywhere (password reset, disabled account). */
export async function revokeUserRefreshTokens(db: Db, userId: string, now: string): Promise<number> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Removes tokens that expired before `cutoff`: no longer usable, and reuse detection no longer matters for them. */
export async function deleteExpiredRefreshTokens(db: Db, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('refresh_tokens').where('expires_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
