// Step-up: a fresh re-authentication traded for a short-lived, single-use
// token bound to one user and (optionally) one purpose. Risky actions spend it
// inside their own transaction, so a failed action leaves the token unspent.
//
// The token is an opaque 256-bit random string (base64url). Its sha256 (hex) is
// the row id: the database never holds a usable token, and an opaque token
// needs no signing key of its own.
import { randomBytes } from 'node:crypto';
import type { StepUpPurpose, StepUpResponse } from '../../../shared/api/auth.js';
import { ApiError } from '../errors.js';
import type { Db } from '../store/database.js';
import { consumeStepUpToken, insertStepUpToken } from '../store/step-up-tokens.js';
import { sha256Hex } from './sha256.js';

const tokenId = sha256Hex;

/**
 * Issues a token for `userId` after the caller has verified the password (and
 * TOTP), or a fresh IdP authentication (services/oidc/idp-step-up.ts). `purpose` null means "any one risky action".
 */
export async function issueStepUp(
  db: Db,
  userId: string,
  purpose: StepUpPurpose | null,
  now: Date,
  ttlSeconds: number,
  /** When the person authenticated: now for a password, the IdP's auth_time for an IdP step-up. */
  authenticatedAt: Date = now,
): Promise<StepUpResponse> {
  const token = randomBytes(32).toString('base64url');
  const authTime = authenticatedAt.toISOString();
  await insertStepUpToken(db, {
    id: tokenId(token),
    userId,
    purpose,
    authTime,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
  });
  return { step_up_token: token, expires_in: ttlSeconds, auth_time: authTime };
}

/**
 * Spends the caller's step-up token inside the given transaction (pass the
 * action's transaction, so a failed action leaves the token unspent). The
 * access plugin binds one to each request of a route that declares a step-up
 * purpose; tests may pass a stand-in.
 */
export type SpendStepUp = (trx: Db, now: Date) => Promise<{ authTime: string }>;

/**
 * The spender for one request: `token` (as the request carried it, or
 * undefined) of `userId`, for `purpose`. Spending throws 428
 * `step_up_required` without a token and 428 `step_up_invalid` when it is
 * unknown, expired, used, another user's or for another purpose (one code for
 * all: the caller's remedy is the same).
 */
export function stepUpSpender(userId: string, token: string | undefined, purpose: StepUpPurpose): SpendStepUp {
  return async (trx, now) => {
    if (!token) throw new ApiError('step_up_required', 're-authenticate: this action needs a step-up token');
    if (token.length > 256) throw new ApiError('step_up_invalid', 'the step-up token is not valid; re-authenticate');
    const spent = await consumeStepUpToken(trx, tokenId(token), userId, purpose, now.toISOString());
    if (!spent) {
      throw new ApiError('step_up_invalid', 'the step-up token is expired, already used or not for this action; re-authenticate');
    }
    return spent;
  };
}
