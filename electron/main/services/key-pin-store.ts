// Report-signing public keys the console trusts, pinned per BFF origin while
// signed in (or imported by hand), kept as JSON in the app's data folder.
// Public keys only: nothing here is secret, but everything here is trusted.
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KeyId, PinnedKey, SigningKeyInfo } from '../../../shared/report/report.js';
import { isSecureBffOrigin } from '../../../shared/settings/settings.js';
import { keyIdOfSpki, spkiFingerprint } from '../../../shared/logic/key-id.js';

export const PIN_FILE_NAME = 'pinned-report-keys.json';

const PinFile = z.strictObject({ version: z.literal(1), keys: z.array(PinnedKey) });
type PinFile = z.infer<typeof PinFile>;

export type KeyPinErrorCode = 'invalid_key' | 'key_conflict' | 'invalid_origin';

export class KeyPinError extends Error {
  constructor(
    readonly code: KeyPinErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyPinError';
  }
}

export interface PinResult {
  /** Keys seen for the first time from this origin. */
  added: string[];
  /** Keys already pinned whose dates changed (a rotation retired one). */
  updated: string[];
  /**
   * Key ids this origin now lists with a different public key than the one
   * pinned before: kept as pinned, never replaced, because a key swapped under
   * a known id is exactly what pinning exists to notice.
   */
  conflicts: string[];
}

export interface KeyPinStoreOptions {
  now?: () => Date;
  /** Told when the file was unreadable and set aside (the store starts empty). */
  onWarning?: (message: string, fields: Record<string, unknown>) => void;
}

/** `ed25519-` + 16 hex digits of the SHA-256 of the DER SubjectPublicKeyInfo: the reference BFF's key ids. */
export function fingerprintKeyId(key: KeyObject): string {
  return keyIdOfSpki(key.export({ type: 'spki', format: 'der' }));
}

/** The key id this store would give a PEM and its full SHA-256 fingerprint (hex pairs), for a person to compare. */
export function describePublicKey(pem: string): { keyId: string; fingerprint: string } {
  const key = ed25519PublicKey(pem);
  return { keyId: fingerprintKeyId(key), fingerprint: spkiFingerprint(key.export({ type: 'spki', format: 'der' })) };
}

function ed25519PublicKey(pem: string): KeyObject {
  if (/PRIVATE KEY/.test(pem)) throw new KeyPinError('invalid_key', 'this is a private key: import the public key (PEM "BEGIN PUBLIC KEY")');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new KeyPinError('invalid_key', 'not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyPinError('invalid_key', `an ${key.asymmetricKeyType ?? 'unknown'} key: report signatures use Ed25519`);
  }
  return key;
}

export function normalizeOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url.origin;
  } catch {
    throw new KeyPinError('invalid_origin', `not a BFF origin: ${origin.slice(0, 200)}`);
  }
}

export class KeyPinStore {
  readonly #file: string;
  readonly #directory: string;
  readonly #now: () => Date;
  readonly #onWarning: NonNullable<KeyPinStoreOptions['onWarning']>;
  #loaded: Promise<PinFile> | undefined;
  /** Changes run one after another, so two pins at once cannot drop each other's keys. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(directory: string, options: KeyPinStoreOptions = {}) {
    this.#directory = directory;
    this.#file = join(directory, PIN_FILE_NAME);
    this.#now = options.now ?? (() => new Date());
    this.#onWarning = options.onWarning ?? (() => undefined);
  }

  /** Every pinned key, from every origin and every import. */
  async all(): Promise<PinnedKey[]> {
    await this.#queue;
    return structuredClone((await this.#load()).keys);
  }

  /**
   * Pins what a BFF's `GET /admin/keys` listed, as fetched while signed in to
   * it. Keys are added, never forgotten: a report signed by a key the BFF no
   * longer lists still verifies here.
   */
  pin(origin: string, keys: readonly SigningKeyInfo[]): Promise<PinResult> {
    return this.#change((data) => {
      const bffOrigin = normalizeOrigin(origin);
      // Keys fetched over plain http from another machine could come from anyone on the path.
      if (!isSecureBffOrigin(bffOrigin)) throw new KeyPinError('invalid_origin', `keys are pinned only over https or from this computer, not from ${bffOrigin}`);
      const outcome: PinResult = { added: [], updated: [], conflicts: [] };
      const pinnedAt = this.#now().toISOString();
      for (const given of keys) {
        const parsed = SigningKeyInfo.safeParse(given);
        if (!parsed.success) throw new KeyPinError('invalid_key', `not a signing key as GET /admin/keys lists them: ${parsed.error.issues[0]?.message ?? ''}`);
        const info = parsed.data;
        const key = ed25519PublicKey(info.public_key_pem);
        // A reference-style id that is not this key's fingerprint is a lie about the key.
        if (info.key_id.startsWith('ed25519-') && fingerprintKeyId(key) !== info.key_id) {
          outcome.conflicts.push(info.key_id);
          continue;
        }
        const existing = data.keys.find((pin) => pin.source.kind === 'bff' && pin.source.origin === bffOrigin && pin.key_id === info.key_id);
        if (!existing) {
          data.keys.push({ ...info, public_key_pem: pemOf(key), source: { kind: 'bff', origin: bffOrigin }, pinned_at: pinnedAt });
          outcome.added.push(info.key_id);
        } else if (!ed25519PublicKey(existing.public_key_pem).equals(key)) {
          outcome.conflicts.push(info.key_id);
        } else if (info.retired_at !== undefined && existing.retired_at !== info.retired_at) {
          existing.retired_at = info.retired_at;
          outcome.updated.push(info.key_id);
        }
      }
      return { changed: outcome.added.length + outcome.updated.length > 0, value: outcome };
    });
  }

  /**
   * Trusts a public key handed over out of band (a PEM file from the BFF's
   * admin). Its id is the fingerprint id unless given (for BFFs that name keys
   * otherwise). Importing the same key again returns the existing pin.
   */
  importKey(pem: string, options: { keyId?: string; label?: string } = {}): Promise<PinnedKey> {
    return this.#change((data) => {
      const key = ed25519PublicKey(pem);
      const keyId = options.keyId === undefined ? fingerprintKeyId(key) : KeyId.parse(options.keyId);
      const imported = data.keys.filter((pin) => pin.source.kind === 'imported' && pin.key_id === keyId);
      const same = imported.find((pin) => ed25519PublicKey(pin.public_key_pem).equals(key));
      if (same) return { changed: false, value: structuredClone(same) };
      if (imported.length > 0) throw new KeyPinError('key_conflict', `another key is already imported as ${keyId}`);
      const pin: PinnedKey = {
        key_id: keyId,
        alg: 'Ed25519',
        public_key_pem: pemOf(key),
        source: { kind: 'imported', label: (options.label ?? '').trim().slice(0, 200) },
        pinned_at: this.#now().toISOString(),
      };
      data.keys.push(pin);
      return { changed: true, value: structuredClone(pin) };
    });
  }

  #change<T>(apply: (data: PinFile) => { changed: boolean; value: T }): Promise<T> {
    const run = this.#queue.then(async () => {
      const current = await this.#load();
      const draft = structuredClone(current);
      const { changed, value } = apply(draft);
      if (changed) {
        await this.#write(draft);
        this.#loaded = Promise.resolve(draft);
      }
      return value;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #load(): Promise<PinFile> {
    this.#loaded ??= this.#read();
    return this.#loaded;
  }

  async #read(): Promise<PinFile> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: [] };
      throw error;
    }
    const parsed = (() => {
      try {
        return PinFile.safeParse(JSON.parse(text));
      } catch {
        return null;
      }
    })();
    if (parsed?.success) return parsed.data;
    // Set aside rather than overwritten by the next pin: the pins may be worth recovering by hand.
    const aside = `${this.#file}.unreadable-${Date.now()}`;
    await rename(this.#file, aside);
    this.#onWarning('pinned report keys unreadable; set aside, starting with none', { file: this.#file, moved_to: aside });
    return { version: 1, keys: [] };
  }

  async #write(data: PinFile): Promise<void> {
    await mkdir(this.#directory, { recursive: true, mode: 0o700 });
    // Write then rename: a crash mid-write leaves the old file whole, never half a list of trusted keys.
    const temporary = `${this.#file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(temporary, this.#file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

function pemOf(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }) as string;
}
