import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_COST, hashPassword, needsRehash, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with scrypt at N=2^17 by default and a random salt, and verifies only the right password', { timeout: 60_000 }, async () => {
    expect(DEFAULT_PASSWORD_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse', { N: 2 ** 12, r: 8, p: 1 });
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(b).toMatch(/^scrypt\$4096\$8\$1\$/);
    expect(await hashPassword('correct horse', { N: 2 ** 12, r: 8, p: 1 })).not.toBe(b);
    // Two hashes at 2^17 are enough here (each is seconds on a busy machine); the wrong ones check the cheap hash.
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horse ', b)).toBe(false);
    expect(await verifyPassword('', b)).toBe(false);
    expect(needsRehash(a)).toBe(false);
    expect(needsRehash(b)).toBe(true);
    expect(needsRehash(b, { N: 2 ** 12, r: 8, p: 1 })).toBe(false);
  });

  it('refuses stored values it did not write, and absurd costs, without throwing', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$0$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyPassword('x', `scrypt$${2 ** 24}$8$1$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`)).toBe(false);
    expect(await verifyPassword('x', `scrypt$1000$8$1$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`)).toBe(false);
  });

  it('verifies hashes written with other parameters (so the cost can change later)', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('pw-older', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('pw-older', stored)).toBe(true);
    expect(await verifyPassword('pw-other', stored)).toBe(false);
  });
});
