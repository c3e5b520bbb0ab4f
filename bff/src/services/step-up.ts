// Step-up: a fresh re-authentication traded for a short-lived, single-use
// token bound to one user and (optionally) one purpose. Risky actions spend it
// inside their own transaction, so a failed action leaves the token unspent.
//
// The token is an opaque 256-bit random string (base64url). Its sha256 (hex) is
// the row id: the database never holds a usable token, and an opaque token
// needs no signing key of its own.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { STEP_UP_HEADER, type StepUpPurpose, type StepUpResponse } from '../../../shared/api/auth.js';
import { ApiError } from '../errors.js';
import { requirePrincipal } from '../plugins/access.js';
import type { DB } from '../store/schema.js';
import { consumeStepUpToken, insertStepUpToken } from '../store/step-up-tokens.js';

function tokenId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Issues a token for `userId` after the caller has verified the password (and
 * TOTP), or a fresh IdP authentication (services/oidc/idp-step-up.ts). `purpose` null means "any one risky action".
 */
export async function issueStepUp(
  db: Kysely<DB>,
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

/** The step-up token a request carries, or undefined. */
export function stepUpTokenOf(request: FastifyRequest): string | undefined {
  const value = request.headers[STEP_UP_HEADER];
  const token = Array.isArray(value) ? value[0] : value;
  return token && token.length > 0 ? token : undefined;
}

/**
 * Spends the request's step-up token for `purpose`; pass the action's
 * transaction as `db`. Throws 428 `step_up_required` without a token and 428
 * `step_up_invalid` when it is unknown, expired, used, another user's or for
 * another purpose (one code for all: the caller's remedy is the same).
 */
export async function consumeStepUp(
  db: Kysely<DB>,
  request: FastifyRequest,
  purpose: StepUpPurpose,
  now: Date,
): Promise<{ authTime: string }> {
  const principal = requirePrincipal(request);
  const token = stepUpTokenOf(request);
  if (!token) throw new ApiError('step_up_required', 're-authenticate: this action needs a step-up token');
  if (token.length > 256) throw new ApiError('step_up_invalid', 'the step-up token is not valid; re-authenticate');
  const spent = await consumeStepUpToken(db, tokenId(token), principal.userId, purpose, now.toISOString());
  if (!spent) {
    throw new ApiError('step_up_invalid', 'the step-up token is expired, already used or not for this action; re-authenticate');
  }
  return spent;
}
