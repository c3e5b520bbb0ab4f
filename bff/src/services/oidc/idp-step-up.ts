// Step-up by a fresh authentication at the company IdP: the console ran an
// authorization with max_age=0 and sends the ID token with the nonce it chose.
// Accepted only for this client, within 5 minutes of auth_time, for the signed-in
// person, at the configured acr/amr level and once per nonce; then the same
// single-use, purpose-bound step-up token as a password step-up is issued.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { OidcStepUpRequest, StepUpResponse } from '../../../../shared/api/auth.js';
import type { BffContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Principal } from '../../plugins/access.js';
import { appendAudit } from '../../store/audit-log.js';
import { spendStepUpNonce } from '../../store/idp-users.js';
import { issueStepUp } from '../step-up.js';
import type { OidcResourceServer } from './resource-server.js';
import { STEP_UP_MAX_AUTH_AGE_SECONDS } from './settings.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function sameText(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

export async function idpStepUp(
  ctx: BffContext,
  oidc: OidcResourceServer,
  principal: Principal,
  request: OidcStepUpRequest,
): Promise<StepUpResponse> {
  const idp = principal.idp;
  if (!idp) throw new ApiError('invalid_request', 'this account signs in with a password: step up with it');
  const now = ctx.now();
  const at = now.toISOString();
  const audited = async (reason: string, details: Record<string, string | number | null> = {}) => {
    await appendAudit(ctx.db, {
      at,
      actor: principal.username,
      action: 'auth.step_up_failed',
      target: `user:${principal.username}`,
      details: { reason, issuer: idp.issuer, subject: idp.subject, purpose: request.purpose ?? null, ...details },
    });
  };

  let claims;
  try {
    claims = await oidc.verifyIdToken(request.id_token, now);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'invalid_credentials') await audited('id_token_invalid');
    throw error;
  }
  if (typeof claims.nonce !== 'string' || !sameText(claims.nonce, request.nonce)) {
    await audited('nonce_mismatch');
    throw new ApiError('invalid_credentials', 'the ID token was not issued for this step-up (nonce)');
  }
  if (claims.iss !== idp.issuer || claims.sub !== idp.subject) {
    await audited('other_subject');
    throw new ApiError('invalid_credentials', 'the ID token names another person than the one signed in');
  }
  const authTime = Number(claims.auth_time);
  const ageSeconds = now.getTime() / 1000 - authTime;
  const tolerance = oidc.settings.clockToleranceSeconds;
  if (!Number.isFinite(authTime) || ageSeconds > STEP_UP_MAX_AUTH_AGE_SECONDS || ageSeconds < -tolerance) {
    await audited('auth_time_too_old', { auth_time: Number.isFinite(authTime) ? new Date(authTime * 1000).toISOString() : null });
    throw new ApiError('step_up_required', `sign in again at ${oidc.settings.providerName}: the authentication is older than 5 minutes`, {
      reason: 'auth_time_too_old',
      max_age: STEP_UP_MAX_AUTH_AGE_SECONDS,
    });
  }
  const { acrValues, amrValues } = oidc.settings;
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((item): item is string => typeof item === 'string') : [];
  if ((acrValues.length > 0 && (acr === null || !acrValues.includes(acr))) || !amrValues.every((value) => amr.includes(value))) {
    await audited('authentication_too_weak', { acr });
    throw new ApiError('step_up_required', `sign in again at ${oidc.settings.providerName} with a stronger method (e.g. a second factor)`, {
      reason: 'authentication_too_weak',
      acr_values: acrValues,
    });
  }

  const authenticatedAt = new Date(authTime * 1000);
  const authTimeIso = authenticatedAt.toISOString();
  const nonceId = sha256(`${idp.issuer}\n${idp.subject}\n${request.nonce}`).toString('hex');
  const response = await ctx.db.transaction().execute(async (trx) => {
    // One fresh authentication buys one step-up token: the same ID token cannot be traded twice.
    if (!(await spendStepUpNonce(trx, nonceId, principal.userId, at))) return undefined;
    const issued = await issueStepUp(trx, principal.userId, request.purpose ?? null, now, ctx.settings.stepUpTtlSeconds, authenticatedAt);
    await appendAudit(trx, {
      at,
      actor: principal.username,
      action: 'auth.step_up',
      target: `user:${principal.username}`,
      details: { purpose: request.purpose ?? null, method: 'oidc', issuer: idp.issuer, subject: idp.subject, auth_time: authTimeIso, acr, amr },
    });
    return issued;
  });
  if (!response) {
    await audited('nonce_reused');
    throw new ApiError('invalid_credentials', 'this authentication was already used for a step-up; sign in again');
  }
  // auth_time is the IdP's: downstream (requests, decisions, audit) records when the person really authenticated.
  return response;
}
