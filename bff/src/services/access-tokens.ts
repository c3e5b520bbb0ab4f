// Short-lived access tokens: HS256 JWTs (jose) naming the user and the sign-in
// session (`sid`); roles and the session are read from the database on every
// request, so a role change, a disabled account or a sign-out takes effect at
// once rather than when the token expires.
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { BffSettings } from '../context.js';

export const ACCESS_TOKEN_ISSUER = 'modelops-bff';
export const ACCESS_TOKEN_AUDIENCE = 'modelops-console';

export async function signAccessToken(
  settings: Pick<BffSettings, 'accessTokenSecret' | 'accessTokenTtlSeconds'>,
  userId: string,
  sessionId: string,
  now: Date,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.accessTokenTtlSeconds)
    .sign(settings.accessTokenSecret);
}

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
}

/** A verified token's claims and its `exp` (seconds since the epoch). */
interface VerifiedToken extends AccessTokenClaims {
  exp: number;
}

/** Tokens remembered per secret; a full cache forgets its oldest entry first. */
const VERIFIED_CACHE_SIZE = 10_000;
const verifiedBySecret = new WeakMap<Uint8Array, Map<string, VerifiedToken>>();

/**
 * User and session of a valid token, or undefined for anything else (bad signature, expired, wrong audience, no session…).
 *
 * A token whose signature and claims passed once is remembered, keyed by its
 * exact text under this secret, until its `exp` (jose's own test: expired once
 * the current second reaches exp): the same bytes under the same key verify
 * the same way until then, and nothing else about the token can change (no
 * nbf is issued, and a token with one is not remembered; iss, aud and alg are
 * fixed). Verifying an HS256 JWT through WebCrypto cost about as much as the
 * database reads of a request (issue 12). The secret is never changed in
 * place (a new secret is a new array, with its own map).
 * Only the signature check is remembered: whether the session is live and who
 * the user is are read from the database on every request, so a sign-out, a
 * revoked session or a disabled account still takes effect at once.
 */
export async function verifyAccessToken(settings: Pick<BffSettings, 'accessTokenSecret'>, token: string, now: Date): Promise<AccessTokenClaims | undefined> {
  let verified = verifiedBySecret.get(settings.accessTokenSecret);
  if (!verified) {
    verified = new Map();
    verifiedBySecret.set(settings.accessTokenSecret, verified);
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const known = verified.get(token);
  if (known) {
    if (nowSeconds < known.exp) return { userId: known.userId, sessionId: known.sessionId };
    verified.delete(token);
    return undefined;
  }
  try {
    const { payload } = await jwtVerify(token, settings.accessTokenSecret, {
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat', 'sid'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return undefined;
    // A token with nbf (never issued here) is checked every time: its validity would not only end, it would start.
    if (typeof payload.exp !== 'number' || payload.nbf !== undefined) return { userId: payload.sub, sessionId: payload.sid };
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { userId: payload.sub, sessionId: payload.sid, exp: payload.exp });
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return undefined;
    throw error;
  }
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/i.exec(header.trim());
  return match?.[1];
}
