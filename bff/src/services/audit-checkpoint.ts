// Audit checkpoints (docs/decisions/0009-signed-audit-checkpoints.md): the chain alone cannot show a cut
// tail or a log rewritten and re-chained from scratch, so the BFF signs its
// head ({seq, hash, at}) with the report-signing key, checks a head a client
// saw before (truncated / forked), and verifies its chain when it starts.
import {
  AuditHead,
  auditHeadSigningInput,
  type AuditVerifyQuery,
  type AuditVerifyResponse,
  type SignedAuditHead,
} from '../../../shared/api/audit.js';
import type { AuditChainHealth } from '../../../shared/api/system.js';
import { AUDIT_GENESIS_HASH } from '../../../shared/domain/audit.js';
import type { Db } from '../store/database.js';
import { auditEntryHash, lastAuditEntry, verifyAudit } from '../store/audit-log.js';
import { signCanonical, type SigningKeys } from './report-signing.js';

/** The newest entry's seq and hash now (0 and the genesis hash for an empty log). */
export async function auditHead(db: Db, at: Date): Promise<AuditHead> {
  const last = await lastAuditEntry(db);
  return AuditHead.parse({ seq: last?.seq ?? 0, hash: last?.hash ?? AUDIT_GENESIS_HASH, at: at.toISOString() });
}

export async function signedAuditHead(keys: SigningKeys): Promise<SignedAuditHead> {
  const head = await auditHead(keys.db, keys.now());
  const signature = await signCanonical(keys, auditHeadSigningInput(head));
  return { head, signature: { alg: 'Ed25519', ...signature } };
}

/**
 * Verifies the chain and, given a head seen before, that entry `known_seq`
 * is still there with `known_hash`: gone is `truncated`, different `forked`.
 * A chain that does not verify on its own is `broken` first.
 */
export async function verifyAuditAgainst(db: Db, query: AuditVerifyQuery): Promise<AuditVerifyResponse> {
  const chain = await verifyAudit(db);
  const known = query.known_seq !== undefined && query.known_hash !== undefined ? { seq: query.known_seq, hash: query.known_hash } : undefined;
  const withKnown = known ? { known } : {};
  if (!chain.ok) return { ...chain, code: 'broken', ...withKnown };
  if (!known) return chain;
  const hash = await auditEntryHash(db, known.seq);
  if (hash === undefined) return { ok: false, entries: chain.entries, code: 'truncated', ...withKnown };
  if (hash !== known.hash) return { ok: false, entries: chain.entries, first_bad_seq: firstDifferent(known.seq), code: 'forked', ...withKnown };
  return { ...chain, ...withKnown };
}

// The known entry is the first one proven to differ; earlier ones may differ too.
const firstDifferent = (seq: number) => seq;

/** The start-up check of the chain, reported on /healthz; the server serves reads whatever it finds. */
export class AuditChainMonitor {
  #state: AuditChainHealth = { status: 'unchecked' };
  #cancelWait: (() => void) | undefined;

  current(): AuditChainHealth {
    return this.#state;
  }

  /**
   * Runs in the background: a long log must not hold up the start. `delayMs`: wait that long
   * first (still `checking` meanwhile), so that the check does not compete with the first
   * requests for the one thread (local mode: the console's first screen).
   */
  start(db: Db, now: () => Date, onBroken: (state: AuditChainHealth) => void, delayMs = 0): Promise<void> {
    this.#state = { status: 'checking' };
    const waited =
      delayMs > 0
        ? new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), delayMs);
            this.#cancelWait = () => {
              clearTimeout(timer);
              resolve(false);
            };
          })
        : Promise.resolve(true);
    return waited.then((due) => (due ? this.#check(db, now, onBroken) : undefined));
  }

  /** A check still waiting for its delay does not run (the server is closing). */
  cancelPending(): void {
    this.#cancelWait?.();
  }

  #check(db: Db, now: () => Date, onBroken: (state: AuditChainHealth) => void): Promise<void> {
    return verifyAudit(db).then(
      (result) => {
        this.#state = {
          status: result.ok ? 'ok' : 'broken',
          entries: result.entries,
          ...(result.first_bad_seq === undefined ? {} : { first_bad_seq: result.first_bad_seq }),
          checked_at: now().toISOString(),
        };
        if (!result.ok) onBroken(this.#state);
      },
      () => {
        // The database failing is /healthz's own concern (it pings); the chain stays unknown.
        this.#state = { status: 'unchecked' };
      },
    );
  }
}
