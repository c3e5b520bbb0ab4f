// Sign-in, refresh-token rotation, sign-out and step-up re-authentication,
// with lockout after repeated failures and an audit entry for each outcome
// that matters (never a secret).
import { createHash, randomBytes } from 'node:crypto';
import type { StepUpRequest, StepUpResponse, TokenResponse } from '../../../shared/api/auth.js';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Principal } from '../plugins/access.js';
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
  type StoredUser,
} from '../store/users.js';
import { signAccessToken } from './access-tokens.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { issueStepUp } from './step-up.js';
import { verifyTotp } from './totp.js';

const INVALID_CREDENTIALS = 'the user name or password is wrong';
const INVALID_REFRESH = 'the session has ended; sign in again';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function lockedOut(lockedUntil: string | null): ApiError {
  return new ApiError('locked_out', 'too many failed attempts; the account is locked for a while', {
    locked_until: lockedUntil,
  });
}

export interface AuthService {
  login(username: string, password: string): Promise<TokenResponse>;
  refresh(refreshToken: string): Promise<TokenResponse>;
  logout(refreshToken: string): Promise<void>;
  stepUp(principal: Principal, request: StepUpRequest): Promise<StepUpResponse>;
}

export function createAuthService(ctx: BffContext): AuthService {
  // Unknown users are checked against this hash so that they cost as much as a wrong password.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= dummyPasswordHash());

  /** Counts a failed password (or code) and says whether the account is now locked. */
  async function failed(stored: StoredUser, action: 'auth.login_failed' | 'auth.step_up_failed', reason: string): Promise<never> {
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
    if (locked) throw lockedOut(lockedUntil);
    throw new ApiError('invalid_credentials', action === 'auth.login_failed' ? INVALID_CREDENTIALS : 'the password or code is wrong');
  }

  return {
    async login(username, password) {
      const stored = await findUserByUsername(ctx.db, username);
      if (!stored || stored.disabled) {
        await verifyPassword(password, await dummy());
        throw new ApiError('invalid_credentials', INVALID_CREDENTIALS);
      }
      // While locked the password is not even checked: guessing gains nothing.
      if (isLockedOut(stored, ctx.now())) throw lockedOut(stored.lockedUntil);
      if (!(await verifyPassword(password, stored.passwordHash))) return failed(stored, 'auth.login_failed', 'bad_password');

      const now = ctx.now();
      const { response } = await ctx.db.transaction().execute(async (trx) => {
        await clearFailedLogins(trx, stored.user.id);
        await appendAudit(trx, {
          at: now.toISOString(),
          actor: stored.user.username,
          action: 'auth.login',
          target: `user:${stored.user.username}`,
          details: {},
        });
        return issueTokensIn(trx, stored, newId('fam'), now);
      });
      return response;
    },

    async refresh(refreshToken) {
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
            await appendAudit(trx, {
              at,
              actor: stored?.user.username ?? record.userId,
              action: 'auth.refresh_reuse',
              target: `user:${stored?.user.username ?? record.userId}`,
              details: { family_revoked: revoked },
            });
          });
        }
        throw new ApiError('unauthenticated', INVALID_REFRESH);
      }
      if (record.expiresAt <= at || !stored || stored.disabled) throw new ApiError('unauthenticated', INVALID_REFRESH);

      return ctx.db.transaction().execute(async (trx) => {
        const nextId = newId('rt');
        if (!(await rotateRefreshToken(trx, record.id, nextId, at))) {
          // Lost a race with another use of the same token: the same as a reuse.
          await revokeRefreshFamily(trx, record.familyId, at);
          throw new ApiError('unauthenticated', INVALID_REFRESH);
        }
        const { response } = await issueTokensIn(trx, stored, record.familyId, now, nextId);
        return response;
      });
    },

    async logout(refreshToken) {
      const record = await findRefreshTokenByHash(ctx.db, sha256(refreshToken));
      // Unknown tokens are ignored: logout reveals nothing and is safe to retry.
      if (!record) return;
      await revokeRefreshFamily(ctx.db, record.familyId, ctx.now().toISOString());
    },

    async stepUp(principal, request) {
      const stored = await findUserById(ctx.db, principal.userId);
      if (!stored || stored.disabled) throw new ApiError('unauthenticated', 'sign in first');
      if (isLockedOut(stored, ctx.now())) throw lockedOut(stored.lockedUntil);
      if (!(await verifyPassword(request.password, stored.passwordHash))) return failed(stored, 'auth.step_up_failed', 'bad_password');
      if (stored.totpSecret !== null) {
        if (request.totp === undefined) {
          throw new ApiError('invalid_credentials', 'enter the 6-digit code from your authenticator app', { totp_required: true });
        }
        if (!verifyTotp(stored.totpSecret, request.totp, ctx.now())) return failed(stored, 'auth.step_up_failed', 'bad_totp');
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
    },
  };

  async function issueTokensIn(
    db: BffContext['db'],
    stored: StoredUser,
    familyId: string,
    now: Date,
    refreshId: string = newId('rt'),
  ): Promise<{ refreshId: string; response: TokenResponse }> {
    const refreshToken = randomBytes(32).toString('base64url');
    await insertRefreshToken(db, {
      id: refreshId,
      userId: stored.user.id,
      tokenHash: sha256(refreshToken),
      familyId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ctx.settings.refreshTokenTtlSeconds * 1000).toISOString(),
    });
    const accessToken = await signAccessToken(ctx.settings, stored.user.id, now);
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
}
