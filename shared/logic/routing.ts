// Sticky traffic split between a model's stable and canary versions: the one
// bucket function every consumer (BFF, console, serving routers) must share.
import type { RoutingEntry } from '../domain/deployment.js';

const utf8 = new TextEncoder();

/**
 * MurmurHash3 x86 32-bit over the UTF-8 bytes of `text`, as an unsigned
 * integer. A standard hash with implementations in most languages (mmh3,
 * Go's murmur3), so a router written in any of them reproduces every bucket.
 */
export function murmur3_32(text: string, seed = 0): number {
  const bytes = utf8.encode(text);
  const length = bytes.length;
  const blocks = length & ~3;
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= scramble(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = length & 3;
  if (rest > 0) {
    let tail = bytes[blocks]!;
    if (rest >= 2) tail |= bytes[blocks + 1]! << 8;
    if (rest === 3) tail |= bytes[blocks + 2]! << 16;
    h ^= scramble(tail);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function scramble(k: number): number {
  let scrambled = Math.imul(k, 0xcc9e2d51);
  scrambled = (scrambled << 15) | (scrambled >>> 17);
  return Math.imul(scrambled, 0x1b873593);
}

/** The key's bucket, 0-99, under a model's salt; a new salt reshuffles who lands in the canary. */
export function bucketOf(salt: string, key: string): number {
  return murmur3_32(`${salt}:${key}`) % 100;
}

/** Where a request key goes: the canary when one is live and the key's bucket is below its share. */
export function routeFor(entry: RoutingEntry, key: string): { version: string | null; arm: 'stable' | 'canary' } {
  if (entry.canary !== null && bucketOf(entry.salt, key) < entry.canary_pct) return { version: entry.canary, arm: 'canary' };
  return { version: entry.stable, arm: 'stable' };
}
