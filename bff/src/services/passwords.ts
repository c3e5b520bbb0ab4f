// Password hashing with Node's scrypt: `scrypt$N$r$p$salt$hash` (salt and hash base64url),
// so the cost can be raised later while stored hashes keep verifying with their own parameters.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

// N = 2^17 (r = 8, p = 1) is OWASP's scrypt recommendation: 128 MiB per hash;
// 1.8 s on the 2-core build machine under heavy load (`npm run bench -- passwords`).
// Hashes of a lower cost keep verifying and are rehashed at the next sign-in.
// Tests may pass a lower cost (BffSettings.passwordCost) to stay quick.
export const DEFAULT_PASSWORD_COST: PasswordCost = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Refuse stored parameters that would make one verification take seconds or gigabytes.
const MAX_N = 2 ** 20;

function maxmemFor(N: number, r: number, p: number): number {
  // scrypt needs 128 * N * r bytes (plus 128 * r * p); leave headroom over Node's 32 MiB default.
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const { N, r, p } = cost;
  const key = await derive(password, salt, KEY_LENGTH, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** False for a wrong password and for a stored value this module did not write. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map((part) => Number.parseInt(part, 10)) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > MAX_N || (N & (N - 1)) !== 0 || r > 32 || p > 16) {
    return false;
  }
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || expected.length < 16) return false;
  const actual = await derive(password, salt, expected.length, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return timingSafeEqual(actual, expected);
}

/** Whether a stored hash was made with other parameters than `cost` (then sign-in rehashes it). */
export function needsRehash(stored: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): boolean {
  const [scheme, N, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(N) !== cost.N || Number(r) !== cost.r || Number(p) !== cost.p;
}

/**
 * A valid hash of a random password: sign-in verifies against it when the user
 * does not exist, so an unknown name costs as much time as a wrong password.
 */
export function dummyPasswordHash(cost: PasswordCost = DEFAULT_PASSWORD_COST): Promise<string> {
  return hashPassword(randomBytes(18).toString('base64url'), cost);
}
