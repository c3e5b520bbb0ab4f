// Short-lived access tokens: HS256 JWTs (jose) naming the user and the sign-in
// session (`sid`); roles and the session are read from the database on every
// request, so a role change, a disabled account or a sign-out takes effect at
// once rather than when the token expires.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
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

/**
 * User and session of a valid token, or undefined for anything else (bad
 * signature, expired, wrong issuer or audience, missing claims…).
 *
 * Verified with node:crypto's HMAC, synchronously, rather than jose's Web
 * Crypto verify: every request verifies a token, and the Web Crypto call is an
 * asynchronous job on the thread pool that cost more than the whole registry
 * read it guarded (issue 12). The rules are jose's for these options: only
 * HS256, no `crit`, issuer and audience must match, `exp` after now, `nbf` (if
 * any) not after now, `iat` a number, `sub` and `sid` strings.
 */
export async function verifyAccessToken(
  settings: Pick<BffSettings, 'accessTokenSecret'>,
  token: string,
  now: Date,
): Promise<{ userId: string; sessionId: string } | undefined> {
  return verifyAccessTokenSync(settings.accessTokenSecret, token, now);
}

const JWS_PART = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function verifyAccessTokenSync(secret: Uint8Array, token: string, now: Date): { userId: string; sessionId: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => JWS_PART.test(part))) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  if (!header || header.alg !== 'HS256' || 'crit' in header || 'b64' in header) return undefined;
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return undefined;
  const payload = decodeJson(payloadPart);
  if (!payload) return undefined;
  const seconds = Math.floor(now.getTime() / 1000);
  const { iss, aud, sub, sid, exp, iat, nbf } = payload;
  if (iss !== ACCESS_TOKEN_ISSUER) return undefined;
  if (!(aud === ACCESS_TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(ACCESS_TOKEN_AUDIENCE)))) return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= seconds) return undefined;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return undefined;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > seconds)) return undefined;
  if (typeof sub !== 'string' || typeof sid !== 'string') return undefined;
  return { userId: sub, sessionId: sid };
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/i.exec(header.trim());
  return match?.[1];
}
