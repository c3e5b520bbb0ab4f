import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with scrypt and a random salt, and verifies only the right password', async () => {
    const started = performance.now();
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    const elapsed = performance.now() - started;
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse ', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    // Two hashes in parallel on the 2-core machines: well under a second.
    expect(elapsed).toBeLessThan(2000);
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
