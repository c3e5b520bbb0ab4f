// The newest signed audit head seen per BFF origin (docs/decisions/0009-signed-audit-checkpoints.md),
// beside the report key pins: every verify asks the BFF whether that entry is
// still there unchanged, so a cut tail ("truncated") or a log rewritten and
// re-chained ("forked") shows, which the chain alone cannot.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AuditHead, auditHeadSigningInput, type AuditVerifyResponse, type SignedAuditHead } from '../../../shared/api/audit.js';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import type { PinnedKey } from '../../../shared/report/report.js';
import { normalizeOrigin } from './key-pin-store.js';

export const AUDIT_HEAD_FILE_NAME = 'pinned-audit-heads.json';

const PinnedHead = z.strictObject({ origin: z.string(), head: AuditHead, key_id: z.string(), pinned_at: z.string() });
export type PinnedHead = z.infer<typeof PinnedHead>;
const HeadFile = z.strictObject({ version: z.literal(1), heads: z.array(PinnedHead) });
type HeadFile = z.infer<typeof HeadFile>;

/**
 * True when `signed` verifies with a key pinned for `origin` (signed in to that
 * BFF): a hand-imported key or another BFF's key does not vouch for this log.
 */
export function headSignatureHolds(signed: SignedAuditHead, keys: readonly PinnedKey[], origin: string): boolean {
  const bffOrigin = normalizeOrigin(origin);
  const key = keys.find((pin) => pin.key_id === signed.signature.key_id && pin.source.kind === 'bff' && pin.source.origin === bffOrigin);
  if (!key || signed.signature.alg !== 'Ed25519') return false;
  try {
    const bytes = Buffer.from(canonicalJson(auditHeadSigningInput(signed.head)), 'utf8');
    return verify(null, bytes, createPublicKey(key.public_key_pem), Buffer.from(signed.signature.value, 'base64'));
  } catch {
    return false;
  }
}

export class AuditHeadPins {
  readonly #file: string;
  readonly #directory: string;
  readonly #now: () => Date;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(directory: string, options: { now?: () => Date } = {}) {
    this.#directory = directory;
    this.#file = join(directory, AUDIT_HEAD_FILE_NAME);
    this.#now = options.now ?? (() => new Date());
  }

  async get(origin: string): Promise<PinnedHead | undefined> {
    await this.#queue;
    const bffOrigin = normalizeOrigin(origin);
    return (await this.#read()).heads.find((pin) => pin.origin === bffOrigin);
  }

  /**
   * Pins `signed` for `origin` when its signature holds and it is newer than
   * the head pinned; a head that does not verify is refused (never pinned).
   */
  pin(origin: string, signed: SignedAuditHead, keys: readonly PinnedKey[]): Promise<'pinned' | 'kept' | 'refused'> {
    const run = this.#queue.then(async () => {
      if (!headSignatureHolds(signed, keys, origin)) return 'refused' as const;
      const bffOrigin = normalizeOrigin(origin);
      const data = await this.#read();
      const current = data.heads.find((pin) => pin.origin === bffOrigin);
      if (current && current.head.seq > signed.head.seq) return 'kept' as const;
      const next: PinnedHead = { origin: bffOrigin, head: signed.head, key_id: signed.signature.key_id, pinned_at: this.#now().toISOString() };
      data.heads = [...data.heads.filter((pin) => pin.origin !== bffOrigin), next];
      await this.#write(data);
      return 'pinned' as const;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(): Promise<HeadFile> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, heads: [] };
      throw error;
    }
    const parsed = HeadFile.safeParse(JSON.parse(text));
    // A file we cannot read pins nothing: the next verify pins afresh (and only loses the history).
    return parsed.success ? parsed.data : { version: 1, heads: [] };
  }

  /** Temporary file, then rename: never half a file. */
  async #write(data: HeadFile): Promise<void> {
    await mkdir(this.#directory, { recursive: true });
    const temporary = `${this.#file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.#file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

export interface CheckpointedVerifyDeps {
  origin: string;
  pins: AuditHeadPins;
  keys: () => Promise<PinnedKey[]>;
  /** Pins the keys the BFF lists now (GET /admin/keys), when the head names one not pinned yet. */
  refreshKeys?: () => Promise<void>;
  /** GET /admin/audit/head */
  fetchHead: () => Promise<SignedAuditHead>;
  /** GET /admin/audit/verify, with the pinned head when there is one. */
  verify: (known: { known_seq: number; known_hash: string } | undefined) => Promise<AuditVerifyResponse>;
}

/**
 * Verifies the BFF's chain against the head pinned for it, then pins its
 * current signed head if all is well. A head whose signature does not hold is
 * refused and reported (`head_signature_invalid`); the old pin stays.
 */
export async function verifyAuditWithCheckpoint(deps: CheckpointedVerifyDeps): Promise<AuditVerifyResponse> {
  const pinned = await deps.pins.get(deps.origin);
  const result = await deps.verify(pinned ? { known_seq: pinned.head.seq, known_hash: pinned.head.hash } : undefined);
  if (!result.ok) return result;
  const signed = await deps.fetchHead();
  let keys = await deps.keys();
  const origin = normalizeOrigin(deps.origin);
  const known = (list: readonly PinnedKey[]) =>
    list.some((key) => key.key_id === signed.signature.key_id && key.source.kind === 'bff' && key.source.origin === origin);
  if (!known(keys) && deps.refreshKeys) {
    // Keys are pinned just after sign-in, and again after a rotation: fetch them now rather than distrust a new key.
    await deps.refreshKeys().catch(() => undefined);
    keys = await deps.keys();
  }
  const outcome = await deps.pins.pin(deps.origin, signed, keys);
  if (outcome === 'refused') return { ...result, ok: false, code: 'head_signature_invalid' };
  return result;
}
