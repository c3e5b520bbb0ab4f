// Sign-in, refresh-token rotation, sign-out and step-up re-authentication,
// with lockout after repeated failures and an audit entry for each outcome
// that matters (never a secret).
import { randomBytes } from 'node:crypto';
import type { PasswordStepUpRequest, StepUpResponse, TokenResponse } from '../../../shared/api/auth.js';
import type { JsonValue } from '../../../shared/domain/primitives.js';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Principal } from './principal.js';
import { appendAudit } from '../store/audit-log.js';
import { newId } from '../store/ids.js';
import {
  findRefreshTokenByHash,
  insertRefreshToken,
  revokeRefreshFamily,
  rotateRefreshToken,
} from '../store/refresh-tokens.js';
import {
  clearFailedLogins,
  findUserById,
  findUserByUsername,
  isLockedOut,
  recordFailedLogin,
  replacePasswordHash,
  spendTotpStep,
  type StoredUser,
} from '../store/users.js';
import { insertSession, liveSessionEnd, revokeSession } from '../store/sessions.js';
import { signAccessToken } from './access-tokens.js';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword, type PasswordCost } from './passwords.js';
import { issueStepUp } from './step-up.js';
import { verifyTotp } from './totp.js';
import { sha256Hex as sha256 } from './sha256.js';

// One answer for an unknown user, a wrong password and a locked account, so
// that sign-in never tells a guesser which user names exist.
const INVALID_CREDENTIALS = 'the user name or password is wrong, or the account is locked for a while after repeated failures';
const INVALID_REFRESH = 'the session has ended; sign in again';


function lockedOut(lockedUntil: string | null): ApiError {
  return new ApiError('locked_out', 'too many failed attempts; the account is locked for a while', {
    locked_until: lockedUntil,
  });
}

// Unknown users are checked against this hash so that they cost as much as a wrong password.
// One per password cost, made when first needed (a cache, not state: any hash of that cost will do).
const dummyHashes = new WeakMap<PasswordCost, Promise<string>>();
function dummyHash(cost: PasswordCost): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = dummyPasswordHash(cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}

/** Counts a failed password (or code) and says whether the account is now locked. */
async function failed(ctx: BffContext, stored: StoredUser, action: 'auth.login_failed' | 'auth.step_up_failed', reason: string): Promise<never> {
  const now = ctx.now();
  const at = now.toISOString();
  const { locked, lockedUntil } = await ctx.db.transaction().execute(async (trx) => {
    const result = await recordFailedLogin(trx, stored.user.id, now, {
      threshold: ctx.settings.lockoutThreshold,
      lockoutSeconds: ctx.settings.lockoutSeconds,
    });
    const target = `user:${stored.user.username}`;
    await appendAudit(trx, { at, actor: stored.user.username, action, target, details: { reason } });
    if (result.locked) {
      await appendAudit(trx, {
        at,
        actor: stored.user.username,
        action: 'auth.locked',
        target,
        details: { until: result.lockedUntil, threshold: ctx.settings.lockoutThreshold },
      });
    }
    return result;
  });
  if (action === 'auth.login_failed') throw new ApiError('invalid_credentials', INVALID_CREDENTIALS);
  // Step-up callers are signed in: telling them their own account locked reveals nothing.
  if (locked) throw lockedOut(lockedUntil);
  throw new ApiError('invalid_credentials', 'the password or code is wrong');
}

/** Signs a person in: a new session (refresh family) and its first tokens. */
export async function login(ctx: BffContext, username: string, password: string): Promise<TokenResponse> {
  const stored = await findUserByUsername(ctx.db, username);
  // Unknown, disabled and locked accounts all cost one hash and get the same answer.
  // While locked the password is not checked: guessing gains nothing.
  if (!stored || stored.disabled || isLockedOut(stored, ctx.now())) {
    await verifyPassword(password, await dummyHash(ctx.settings.passwordCost));
    throw new ApiError('invalid_credentials', INVALID_CREDENTIALS);
  }
  if (!(await verifyPassword(password, stored.passwordHash))) return failed(ctx, stored, 'auth.login_failed', 'bad_password');
  // The password is known right now: bring an older, cheaper hash up to the current cost.
  const rehashed = needsRehash(stored.passwordHash, ctx.settings.passwordCost)
    ? await hashPassword(password, ctx.settings.passwordCost)
    : undefined;

  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    await clearFailedLogins(trx, stored.user.id);
    if (rehashed) await replacePasswordHash(trx, stored.user.id, stored.passwordHash, rehashed);
    return openSessionIn(ctx, trx, stored, now, rehashed ? { password_rehashed: true } : {});
  });
}

/**
 * Opens a session for `stored` inside `trx`: a refresh family with its absolute end,
 * its first tokens, and the `auth.login` audit entry with `details` (how they signed in).
 */
export async function openSessionIn(
  ctx: BffContext,
  trx: BffContext['db'],
  stored: StoredUser,
  now: Date,
  details: Record<string, JsonValue>,
): Promise<TokenResponse> {
  const sessionId = newId('fam');
  const sessionEnd = new Date(now.getTime() + ctx.settings.sessionMaxSeconds * 1000).toISOString();
  await insertSession(trx, { id: sessionId, userId: stored.user.id, createdAt: now.toISOString(), expiresAt: sessionEnd });
  await appendAudit(trx, {
    at: now.toISOString(),
    actor: stored.user.username,
    action: 'auth.login',
    target: `user:${stored.user.username}`,
    details,
  });
  return (await issueTokensIn(ctx, trx, stored, sessionId, sessionEnd, now)).response;
}

/** Rotates a refresh token; a rotated one coming back ends its whole family (a thief may hold it). */
export async function refresh(ctx: BffContext, refreshToken: string): Promise<TokenResponse> {
  const now = ctx.now();
  const at = now.toISOString();
  const record = await findRefreshTokenByHash(ctx.db, sha256(refreshToken));
  if (!record) throw new ApiError('unauthenticated', INVALID_REFRESH);
  const stored = await findUserById(ctx.db, record.userId);
  if (record.revokedAt !== null) {
    if (record.replacedBy !== null) {
      // A rotated token came back: whoever holds the family's live token may be a thief. End it all.
      await ctx.db.transaction().execute(async (trx) => {
        const revoked = await revokeRefreshFamily(trx, record.familyId, at);
        await revokeSession(trx, record.familyId, at);
        await appendAudit(trx, {
          at,
          actor: stored?.user.username ?? record.userId,
          action: 'auth.refresh_reuse',
          target: `user:${stored?.user.username ?? record.userId}`,
          details: { family_revoked: revoked },
        });
      });
      ctx.sessions.ended();
    }
    throw new ApiError('unauthenticated', INVALID_REFRESH);
  }
  if (record.expiresAt <= at || !stored || stored.disabled) throw new ApiError('unauthenticated', INVALID_REFRESH);

  let raced = false;
  const response = await ctx.db.transaction().execute(async (trx) => {
    // The session's absolute end (and a sign-out elsewhere) bounds every refresh.
    const sessionEnd = await liveSessionEnd(trx, record.familyId, record.userId, at);
    if (!sessionEnd) return undefined;
    const nextId = newId('rt');
    if (!(await rotateRefreshToken(trx, record.id, nextId, at))) {
      // Lost a race with another use of the same token: the same as a reuse.
      await revokeRefreshFamily(trx, record.familyId, at);
      await revokeSession(trx, record.familyId, at);
      raced = true;
      return undefined;
    }
    return (await issueTokensIn(ctx, trx, stored, record.familyId, sessionEnd, now, nextId)).response;
  });
  if (raced) ctx.sessions.ended();
  if (!response) throw new ApiError('unauthenticated', INVALID_REFRESH);
  return response;
}

/** Ends the session a refresh token belongs to; an unknown token is ignored. */
export async function logout(ctx: BffContext, refreshToken: string): Promise<void> {
  const record = await findRefreshTokenByHash(ctx.db, sha256(refreshToken));
  // Unknown tokens are ignored: logout reveals nothing and is safe to retry.
  if (!record) return;
  const at = ctx.now().toISOString();
  // Ending the session ends its access tokens too (checked on every request) and its event streams.
  await ctx.db.transaction().execute(async (trx) => {
    await revokeRefreshFamily(trx, record.familyId, at);
    await revokeSession(trx, record.familyId, at);
  });
  ctx.sessions.ended();
}

/** Re-authenticates a signed-in person (password, and TOTP when enrolled) for a step-up token. */
export async function stepUp(ctx: BffContext, principal: Principal, request: PasswordStepUpRequest): Promise<StepUpResponse> {
  const stored = await findUserById(ctx.db, principal.userId);
  if (!stored || stored.disabled) throw new ApiError('unauthenticated', 'sign in first');
  if (isLockedOut(stored, ctx.now())) throw lockedOut(stored.lockedUntil);
  if (!(await verifyPassword(request.password, stored.passwordHash))) return failed(ctx, stored, 'auth.step_up_failed', 'bad_password');
  if (stored.totpSecret !== null) {
    if (request.totp === undefined) {
      throw new ApiError('invalid_credentials', 'enter the 6-digit code from your authenticator app', { totp_required: true });
    }
    const step = verifyTotp(stored.totpSecret, request.totp, ctx.now());
    if (step === undefined) return failed(ctx, stored, 'auth.step_up_failed', 'bad_totp');
    // A code is good once: one seen over the shoulder or in a log cannot be spent again in its window.
    if (!(await spendTotpStep(ctx.db, stored.user.id, step))) return failed(ctx, stored, 'auth.step_up_failed', 'totp_reused');
  }
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    await clearFailedLogins(trx, stored.user.id);
    const response = await issueStepUp(trx, stored.user.id, request.purpose ?? null, now, ctx.settings.stepUpTtlSeconds);
    await appendAudit(trx, {
      at: now.toISOString(),
      actor: stored.user.username,
      action: 'auth.step_up',
      target: `user:${stored.user.username}`,
      details: { purpose: request.purpose ?? null, totp: stored.totpSecret !== null },
    });
    return response;
  });
}

/** Tokens of session `familyId`; the refresh token never outlives the session's absolute end. */
async function issueTokensIn(
  ctx: BffContext,
  db: BffContext['db'],
  stored: StoredUser,
  familyId: string,
  sessionEnd: string,
  now: Date,
  refreshId: string = newId('rt'),
): Promise<{ refreshId: string; response: TokenResponse }> {
  const refreshToken = randomBytes(32).toString('base64url');
  const idleEnd = new Date(now.getTime() + ctx.settings.refreshTokenTtlSeconds * 1000).toISOString();
  await insertRefreshToken(db, {
    id: refreshId,
    userId: stored.user.id,
    tokenHash: sha256(refreshToken),
    familyId,
    createdAt: now.toISOString(),
    expiresAt: idleEnd < sessionEnd ? idleEnd : sessionEnd,
  });
  const accessToken = await signAccessToken(ctx.settings, stored.user.id, familyId, now);
  return {
    refreshId,
    response: {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ctx.settings.accessTokenTtlSeconds,
      user: stored.user,
    },
  };
}
