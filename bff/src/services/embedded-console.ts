// Sign-in and step-up for the console that runs this BFF inside its own process
// (local mode, docs/decisions/0014-local-mode-sign-in.md). No route calls these:
// only electron/main/local-mode/start-local-bff.ts does, in-process, so no HTTP
// client (a remote one, or another process on this machine) can reach them, and
// no password is ever set, sent or hashed for the console's own demo users.
import type { StepUpPurpose, StepUpResponse, TokenResponse } from '../../../shared/api/auth.js';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import { liveSessionEnd } from '../store/sessions.js';
import { findUserById, findUserByUsername } from '../store/users.js';
import { verifyAccessToken } from './access-tokens.js';
import { openSessionIn } from './auth.js';
import { issueStepUp } from './step-up.js';

/** How the audit names these sign-ins and step-ups (`details.method`), beside a password's and the IdP's (`oidc`). */
export const EMBEDDED_CONSOLE_METHOD = 'embedded_console';

/**
 * A new session for `username`, as a password sign-in opens one (refresh family,
 * absolute end, audited `auth.login`), without a password: the embedding console
 * is the authority here, as it is the process that holds the database. Lockout
 * does not apply (it counts wrong passwords; none is checked); a disabled
 * account is refused.
 */
export async function openEmbeddedSession(ctx: BffContext, username: string): Promise<TokenResponse> {
  const stored = await findUserByUsername(ctx.db, username);
  if (!stored || stored.disabled) throw new ApiError('invalid_credentials', `${username} cannot be signed in here`);
  const now = ctx.now();
  return ctx.db.transaction().execute((trx) => openSessionIn(ctx, trx, stored, now, { method: EMBEDDED_CONSOLE_METHOD }));
}

/**
 * A step-up token for the person whose live session `accessToken` belongs to,
 * after the embedding console has had the action confirmed natively. The same
 * token as a password step-up (single-use, purpose-bound, short-lived, auth_time
 * now), audited `auth.step_up` with the method. `admit` says which users the
 * console may confirm for (its demo users); an account with a second factor
 * enrolled is refused: the console cannot vouch for a code it never saw.
 */
export async function embeddedStepUp(
  ctx: BffContext,
  accessToken: string,
  purpose: StepUpPurpose | null,
  admit: (userId: string) => boolean,
): Promise<StepUpResponse> {
  const now = ctx.now();
  const claims = await verifyAccessToken(ctx.settings, accessToken, now);
  const live = claims && (await liveSessionEnd(ctx.db, claims.sessionId, claims.userId, now.toISOString()));
  const stored = claims && live ? await findUserById(ctx.db, claims.userId) : undefined;
  if (!stored || stored.disabled) throw new ApiError('unauthenticated', 'sign in first');
  if (!admit(stored.user.id)) throw new ApiError('step_up_required', 'enter your password to confirm this action');
  if (stored.totpSecret !== null) {
    throw new ApiError('step_up_required', 'this account has a second factor: sign in with its password and code to confirm this action');
  }
  return ctx.db.transaction().execute(async (trx) => {
    const response = await issueStepUp(trx, stored.user.id, purpose, now, ctx.settings.stepUpTtlSeconds);
    await appendAudit(trx, {
      at: now.toISOString(),
      actor: stored.user.username,
      action: 'auth.step_up',
      target: `user:${stored.user.username}`,
      details: { purpose, method: EMBEDDED_CONSOLE_METHOD },
    });
    return response;
  });
}
