// The access-token check accepts exactly what the BFF signs and refuses every
// forgery and malformed token we could think of (jose's jwtVerify does the work:
// a hand-written verifier was faster but is not code we want to own).
import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, signAccessToken, verifyAccessToken } from './access-tokens.js';

const secret = new Uint8Array(randomBytes(32));
const settings = { accessTokenSecret: secret, accessTokenTtlSeconds: 900 };
const now = new Date('2026-11-30T12:00:00Z');
const seconds = Math.floor(now.getTime() / 1000);

function token(claims: Record<string, unknown>, options: { alg?: string; key?: Uint8Array; header?: Record<string, unknown> } = {}): Promise<string> {
  const jwt = new SignJWT({ sid: 'sess_1', ...claims }).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT', ...options.header });
  return jwt.sign(options.key ?? secret);
}
const base = { sub: 'usr_1', iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: seconds, exp: seconds + 60 };

describe('verifyAccessToken', () => {
  it('accepts a token the BFF signed, until it expires', async () => {
    const signed = await signAccessToken(settings, 'usr_1', 'sess_1', now);
    expect(await verifyAccessToken(settings, signed, now)).toEqual({ userId: 'usr_1', sessionId: 'sess_1' });
    expect(await verifyAccessToken(settings, signed, new Date(now.getTime() + 899_000))).toBeDefined();
    expect(await verifyAccessToken(settings, signed, new Date(now.getTime() + 900_000))).toBeUndefined();
  });

  it('refuses another key, a changed payload or signature, other algorithms and unsigned tokens', async () => {
    expect(await verifyAccessToken(settings, await token(base, { key: new Uint8Array(randomBytes(32)) }), now)).toBeUndefined();
    const good = await token(base);
    const [h, p, s] = good.split('.') as [string, string, string];
    const otherPayload = Buffer.from(JSON.stringify({ ...base, sub: 'usr_admin', sid: 'sess_1' })).toString('base64url');
    expect(await verifyAccessToken(settings, `${h}.${otherPayload}.${s}`, now)).toBeUndefined();
    expect(await verifyAccessToken(settings, `${h}.${p}.${s.slice(0, -2)}AA`, now)).toBeUndefined();
    expect(await verifyAccessToken(settings, `${h}.${p}`, now)).toBeUndefined();
    expect(await verifyAccessToken(settings, await token(base, { alg: 'HS512' }), now)).toBeUndefined();
    // Correctly signed, but with a critical extension the verifier does not know: refused.
    const critHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', crit: ['x-ext'], 'x-ext': 1 })).toString('base64url');
    const critSignature = createHmac('sha256', secret).update(`${critHeader}.${p}`).digest('base64url');
    expect(await verifyAccessToken(settings, `${critHeader}.${p}.${critSignature}`, now)).toBeUndefined();
    const unsigned = new UnsecuredJWT({ ...base, sid: 'sess_1' }).encode();
    expect(await verifyAccessToken(settings, unsigned, now)).toBeUndefined();
  });

  it('refuses a wrong issuer or audience, a future nbf, and missing claims', async () => {
    expect(await verifyAccessToken(settings, await token({ ...base, iss: 'someone-else' }), now)).toBeUndefined();
    expect(await verifyAccessToken(settings, await token({ ...base, aud: 'another-app' }), now)).toBeUndefined();
    expect(await verifyAccessToken(settings, await token({ ...base, aud: ['x', ACCESS_TOKEN_AUDIENCE] }), now)).toBeDefined();
    expect(await verifyAccessToken(settings, await token({ ...base, nbf: seconds + 30 }), now)).toBeUndefined();
    expect(await verifyAccessToken(settings, await token({ ...base, sid: undefined }), now)).toBeUndefined();
    expect(await verifyAccessToken(settings, await token({ ...base, sub: undefined }), now)).toBeUndefined();
    expect(await verifyAccessToken(settings, await token({ ...base, exp: undefined }), now)).toBeUndefined();
    expect(await verifyAccessToken(settings, await token({ ...base, iat: undefined }), now)).toBeUndefined();
  });

  it('remembers a verified token only for its exact text, under its own secret, until its exp', async () => {
    const signed = await signAccessToken(settings, 'usr_1', 'sess_1', now);
    expect(await verifyAccessToken(settings, signed, now)).toBeDefined();
    // Remembered now: a copy with one signature byte changed, or the same text under another secret, is still refused.
    const [h, p, s] = signed.split('.') as [string, string, string];
    expect(await verifyAccessToken(settings, `${h}.${p}.${s.slice(0, -2)}AA`, now)).toBeUndefined();
    const otherSecret = { accessTokenSecret: new Uint8Array(randomBytes(32)), accessTokenTtlSeconds: 900 };
    expect(await verifyAccessToken(otherSecret, signed, now)).toBeUndefined();
    expect(await verifyAccessToken(settings, signed, new Date(now.getTime() + 900_000))).toBeUndefined();
    expect(await verifyAccessToken(settings, signed, new Date(now.getTime() + 1_000))).toBeDefined();
  });
});
