import { describe, expect, it } from 'vitest';
import { keyIdOfSpki, spkiDigestHex, spkiFingerprint } from './key-id.js';

// A fixed Ed25519 public key (DER SubjectPublicKeyInfo) and its SHA-256 as
// `openssl dgst -sha256` / node:crypto compute it: the BFF and the console must
// both arrive at these exact strings.
const DER = Uint8Array.from(atob('MCowBQYDK2VwAyEAuQr1Mn9KcO9S/PRFAWQ9V8lDz3DXr6J/3HiIwJK29Gs='), (c) => c.charCodeAt(0));
const DIGEST = 'f1c1e280353e026c333adb0e9810962c4d1c4fbe3bfa5a0d7839b3ce34661512';

describe('key ids', () => {
  it('is the SHA-256 of the DER public key', () => {
    expect(spkiDigestHex(DER)).toBe(DIGEST);
    expect(keyIdOfSpki(DER)).toBe('ed25519-f1c1e280353e026c');
    expect(spkiFingerprint(DER)).toBe('F1:C1:E2:80:35:3E:02:6C:33:3A:DB:0E:98:10:96:2C:4D:1C:4F:BE:3B:FA:5A:0D:78:39:B3:CE:34:66:15:12');
  });

  it('gives a different key a different id', () => {
    const other = DER.slice();
    const last = other.length - 1;
    other[last] = (other[last] ?? 0) ^ 1;
    expect(keyIdOfSpki(other)).not.toBe(keyIdOfSpki(DER));
  });
});
