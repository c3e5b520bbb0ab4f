import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { RoutingEntry } from '../domain/deployment.js';
import { bucketOf, murmur3_32, routeFor } from './routing.js';

// Any code point, lone surrogates included (fast-check's 'binary' unit costs a second to set up).
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint));

describe('murmur3_32', () => {
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['hello', 0, 0x248bfa47],
    ['Hello, world!', 0, 0xc0363e43],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['abc', 0, 0xb3dd93fa],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['ab', 0x9747b28c, 0x74875592],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['a'.repeat(256), 0x9747b28c, 0x37405bdc],
  ])('hashes %j with seed %i to the published value', (text, seed, expected) => {
    expect(murmur3_32(text, seed)).toBe(expected);
  });

  it('hashes the UTF-8 bytes of multi-byte characters', () => {
    // π is two bytes in UTF-8, ç two and ↓ three; both vectors appear in several independent test suites.
    expect(murmur3_32('ππππππππ', 0x9747b28c)).toBe(0xd58063c1);
    expect(murmur3_32('special characters açb↓c', 0)).toBe(0xbe83b140);
  });

  it('encodes a lone surrogate as U+FFFD, as TextEncoder and WHATWG UTF-8 encoders do', () => {
    expect(murmur3_32('key-\ud800')).toBe(murmur3_32('key-\ufffd'));
  });

  it('always answers an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCodePoint, maxLength: 40 }), fc.nat(), (text, seed) => {
        const hash = murmur3_32(text, seed);
        expect(Number.isInteger(hash) && hash >= 0 && hash <= 0xffffffff).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('bucketOf and routeFor', () => {
  const entry = (canary_pct: number, salt = 'salt-1'): RoutingEntry => ({
    model_id: 'ltr-ranker',
    stable: '1.0.0',
    canary: '1.1.0',
    canary_pct,
    salt,
  });

  it('hashes salt and key joined by a colon', () => {
    expect(bucketOf('s', 'user-42')).toBe(murmur3_32('s:user-42') % 100);
    expect(bucketOf('hello', '')).toBe(murmur3_32('hello:') % 100);
  });

  it('is deterministic per key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.string(), fc.integer({ min: 0, max: 100 }), (salt, key, pct) => {
        const first = routeFor(entry(pct, salt), key);
        expect(routeFor(entry(pct, salt), key)).toEqual(first);
        const bucket = bucketOf(salt, key);
        expect(bucket >= 0 && bucket < 100 && Number.isInteger(bucket)).toBe(true);
        expect(first.arm).toBe(bucket < pct ? 'canary' : 'stable');
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a key on the canary as the share grows (sticky rollout)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (salt, key, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (routeFor(entry(low, salt), key).arm === 'canary') expect(routeFor(entry(high, salt), key).arm).toBe('canary');
      }),
      { numRuns: 300 },
    );
  });

  it('sends nothing to the canary at 0 % or when none is live, and everything at 100 %', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (salt, key) => {
        expect(routeFor(entry(0, salt), key)).toEqual({ version: '1.0.0', arm: 'stable' });
        expect(routeFor(entry(100, salt), key)).toEqual({ version: '1.1.0', arm: 'canary' });
        expect(routeFor({ ...entry(50, salt), canary: null }, key)).toEqual({ version: '1.0.0', arm: 'stable' });
        expect(routeFor({ ...entry(0, salt), stable: null, canary: null }, key)).toEqual({ version: null, arm: 'stable' });
      }),
      { numRuns: 300 },
    );
  });

  it.each([5, 25, 50])('sends %i percent of 100,000 distinct keys to the canary, within 1 point', (pct) => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), (salt) => {
        const route = entry(pct, salt);
        let canary = 0;
        for (let i = 0; i < 100_000; i++) if (routeFor(route, `user-${i}`).arm === 'canary') canary++;
        expect(Math.abs((canary / 100_000) * 100 - pct)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 5 },
    );
  });
});
