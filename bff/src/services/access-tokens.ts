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

/** User and session of a valid token, or undefined for anything else (bad signature, expired, wrong audience, no session…). */
export async function verifyAccessToken(
  settings: Pick<BffSettings, 'accessTokenSecret'>,
  token: string,
  now: Date,
): Promise<{ userId: string; sessionId: string } | undefined> {
  try {
    const { payload } = await jwtVerify(token, settings.accessTokenSecret, {
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat', 'sid'],
    });
    return typeof payload.sub === 'string' && typeof payload.sid === 'string' ? { userId: payload.sub, sessionId: payload.sid } : undefined;
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
