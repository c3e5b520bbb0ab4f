// Random identifiers for rows created by the platform stores (users, tokens):
// a prefix that says what the id names, then lowercase base32 randomness.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** `prefix_` + 20 base32 characters (100 bits): unguessable and safe in URLs and logs. */
export function newId(prefix: string): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return `${prefix}_${out}`;
}
