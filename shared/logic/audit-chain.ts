// The audit log's hash chain: each entry's hash covers its content and the
// previous entry's hash, so editing, removing or reordering entries shows.
import { AUDIT_GENESIS_HASH, type AuditEntry } from '../domain/audit.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** sha256 hex over the RFC 8785 canonical JSON of the entry without its `hash` (prev_hash included). */
export function auditHash(entry: Omit<AuditEntry, 'hash'>): Promise<string> {
  // A whole AuditEntry is assignable here too; its own hash must not hash itself.
  const { hash: _ignored, ...content } = entry as Omit<AuditEntry, 'hash'> & { hash?: unknown };
  return sha256Hex(canonicalJson(content));
}

export type ChainVerification = { ok: boolean; entries: number; first_bad_seq?: number };

/**
 * Verifies a whole chain in seq order, from the genesis hash: seq runs 1, 2,
 * 3…, each prev_hash is the hash before it and each hash matches its content.
 * `entries` is how many were given; `first_bad_seq` is the seq where the
 * first break sits (the expected seq when an entry is missing or out of
 * place), so every entry before it is verified.
 */
export async function verifyChain(entries: AuditEntry[]): Promise<ChainVerification> {
  let expectedPrev = AUDIT_GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    const intact = entry.seq === expectedSeq && entry.prev_hash === expectedPrev && entry.hash === (await hashOrNull(entry));
    if (!intact) return { ok: false, entries: entries.length, first_bad_seq: expectedSeq };
    expectedPrev = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: entries.length };
}

// A row whose content is not JSON at all (say, a number edited to NaN) is a broken link, not a crash.
async function hashOrNull(entry: AuditEntry): Promise<string | null> {
  try {
    return await auditHash(entry);
  } catch {
    return null;
  }
}
