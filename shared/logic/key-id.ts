// The one rule for naming an Ed25519 report-signing key, used by the BFF that
// signs and by the console that pins: both must derive the same id from the
// same public key, so the rule lives here once. Pure JS hashing (no node:crypto)
// keeps shared/ runnable anywhere.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** SHA-256 of a DER SubjectPublicKeyInfo, as lowercase hex. */
export function spkiDigestHex(spkiDer: Uint8Array): string {
  return bytesToHex(sha256(spkiDer));
}

/**
 * `ed25519-` + the first 16 hex digits of the SHA-256 of the DER
 * SubjectPublicKeyInfo: anyone holding the public key can recompute it, and it
 * is safe as a file name.
 */
export function keyIdOfSpki(spkiDer: Uint8Array): string {
  return `ed25519-${spkiDigestHex(spkiDer).slice(0, 16)}`;
}

/** The full digest in colon-separated upper-case pairs, for a person to compare by eye. */
export function spkiFingerprint(spkiDer: Uint8Array): string {
  return spkiDigestHex(spkiDer).toUpperCase().match(/../g)!.join(':');
}
