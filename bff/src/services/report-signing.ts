// The BFF's Ed25519 report-signing keys: created at first start, rotated on
// demand, used to sign eval reports over their RFC 8785 canonical JSON.
// Private keys live outside the database, one PKCS#8 PEM file per key in a
// 0700 directory beside it, so a copied or backed-up database cannot sign —
// or, for several replicas (docs/decisions/0004), inside the database sealed
// with AES-256-GCM under BFF_SIGNING_KEY_SECRET, which the database never holds.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import { keyIdOfSpki } from '../../../shared/logic/key-id.js';
import { KeyId, REPORT_SIGNATURE_ALG, type EvalReport, type SignedReport, type SigningKeyInfo } from '../../../shared/report/report.js';
import type { BffContext } from '../context.js';
import { fail } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { isPostgresUrl } from '../store/engine.js';
import { activeSigningKey, insertSigningKey, listSigningKeys, retireSigningKey, type StoredSigningKey } from '../store/signing-keys.js';

/** Overrides where private keys live (e.g. a mounted secrets volume). */
export const SIGNING_KEY_DIR_ENV = 'BFF_SIGNING_KEY_DIR';

/** Seals private keys into the database instead (base64 of at least 32 random bytes; the same on every replica). */
export const SIGNING_KEY_SECRET_ENV = 'BFF_SIGNING_KEY_SECRET';

/**
 * What the signing functions need: the database, a clock, and where private
 * halves go: sealed into the database when `sealingKey` is set, else files in
 * `keyDir`. A sealed key is read with `sealingKey`, a file-held one from `keyDir`.
 */
export interface SigningKeys {
  db: Db;
  keyDir?: string | undefined;
  sealingKey?: Uint8Array | undefined;
  now: () => Date;
}

/**
 * The AES-256 key that seals private keys, derived (HKDF-SHA256) from
 * BFF_SIGNING_KEY_SECRET so the secret itself is never used as a cipher key;
 * undefined when the variable is unset.
 */
export function signingKeySecretFrom(env: NodeJS.ProcessEnv = process.env): Uint8Array | undefined {
  const text = env[SIGNING_KEY_SECRET_ENV];
  if (text === undefined || text === '') return undefined;
  const secret = Buffer.from(text, 'base64');
  if (secret.length < 32) throw new Error(`${SIGNING_KEY_SECRET_ENV} must be base64 of at least 32 random bytes`);
  return new Uint8Array(hkdfSync('sha256', secret, Buffer.alloc(0), 'modelops report-signing key sealing v1', 32));
}

const SEAL_VERSION = 'v1';

/** AES-256-GCM with the key id as associated data: a sealed key moved to another row does not open. */
function sealPrivateKey(sealingKey: Uint8Array, keyId: string, pem: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey, iv);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const body = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return [SEAL_VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

function unsealPrivateKey(sealingKey: Uint8Array | undefined, keyId: string, sealed: string): string {
  if (!sealingKey) {
    fail('unavailable', `signing key ${keyId} is sealed in the database: set ${SIGNING_KEY_SECRET_ENV} (the same on every replica)`);
  }
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== SEAL_VERSION || !iv || !tag || body === undefined) fail('unavailable', `the sealed private key of signing key ${keyId} is malformed`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return fail('unavailable', `the private key of signing key ${keyId} does not open with this ${SIGNING_KEY_SECRET_ENV}: is it the same on every replica?`);
  }
}

/**
 * The key directory for a database file: BFF_SIGNING_KEY_DIR when set, else
 * `<database file>.keys` beside it (next to SQLite's own -wal and -shm files),
 * so that database and keys move together and never share one file.
 */
export function signingKeyDirFor(dbFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[SIGNING_KEY_DIR_ENV];
  return resolve(fromEnv !== undefined && fromEnv !== '' ? fromEnv : `${dbFile}.keys`);
}

/**
 * Where a server keeps its signing keys: sealed in the database when
 * BFF_SIGNING_KEY_SECRET is set; else the key directory (BFF_SIGNING_KEY_DIR,
 * or beside a SQLite file). PostgreSQL has no "beside": several replicas need
 * the secret, or a directory they all share.
 */
export function signingKeyConfigFor(location: string, env: NodeJS.ProcessEnv = process.env): { keyDir?: string; sealingKey?: Uint8Array } {
  const sealingKey = signingKeySecretFrom(env);
  const fromEnv = env[SIGNING_KEY_DIR_ENV];
  const hasDir = fromEnv !== undefined && fromEnv !== '';
  if (isPostgresUrl(location)) {
    if (!sealingKey && !hasDir) {
      throw new Error(
        `on PostgreSQL set ${SIGNING_KEY_SECRET_ENV} (report-signing keys sealed in the database, the same secret on every replica) ` +
          `or ${SIGNING_KEY_DIR_ENV} (a directory every replica shares)`,
      );
    }
    return { ...(hasDir ? { keyDir: resolve(fromEnv) } : {}), ...(sealingKey ? { sealingKey } : {}) };
  }
  return { keyDir: signingKeyDirFor(location, env), ...(sealingKey ? { sealingKey } : {}) };
}

/** The signing keys of a running server; 503 when it was built without a key directory (bare buildApp). */
export function signingKeysOf(ctx: BffContext): SigningKeys {
  const { signingKeyDir: keyDir, signingKeySecret: sealingKey } = ctx.settings;
  if (!keyDir && !sealingKey) fail('unavailable', 'this server has no report-signing key directory or key secret configured');
  return { db: ctx.db, keyDir, sealingKey, now: ctx.now };
}

function keyDirOf(keys: SigningKeys): string {
  return keys.keyDir ?? fail('unavailable', 'this server has no report-signing key directory configured');
}

/** A key's id by the rule the console shares (shared/logic/key-id.ts). */
export function keyIdOf(publicKey: KeyObject): string {
  return keyIdOfSpki(publicKey.export({ type: 'spki', format: 'der' }));
}

function privateKeyFileOf(keyId: string): string {
  // Ids come from our own database, but a path is built from them: refuse anything that is not an id.
  return `${KeyId.parse(keyId)}.pem`;
}

async function ensureKeyDir(keyDir: string): Promise<void> {
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory as it was; whatever made it, only this user may list it.
  try {
    await chmod(keyDir, 0o700);
  } catch (error) {
    // A directory we may not chmod (a mounted secrets volume) is fine as long as nobody else can read it.
    if (process.platform !== 'win32' && ((await stat(keyDir)).mode & 0o077) !== 0) {
      throw new Error(`signing key directory ${keyDir} is open to other users and cannot be restricted`, { cause: error });
    }
  }
}

/** Writes the PEM to a temporary file (0600 from the start) and renames it into place: never half a key. */
async function writePrivateKey(keyDir: string, file: string, pem: string): Promise<void> {
  const target = join(keyDir, file);
  const temporary = join(keyDir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(pem, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A new key pair: the private half sealed (for the database) when a sealing key is set, else written to the key directory. */
async function createKey(keys: SigningKeys): Promise<StoredSigningKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keyId = keyIdOf(publicKey);
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const info: SigningKeyInfo = {
    key_id: keyId,
    alg: REPORT_SIGNATURE_ALG,
    public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    created_at: keys.now().toISOString(),
  };
  if (keys.sealingKey) return { info, privateKeyFile: null, sealedPrivateKey: sealPrivateKey(keys.sealingKey, keyId, pem) };
  const keyDir = keyDirOf(keys);
  const file = privateKeyFileOf(keyId);
  await ensureKeyDir(keyDir);
  await writePrivateKey(keyDir, file, pem);
  return { info, privateKeyFile: file, sealedPrivateKey: null };
}

/** Removes a key file this process wrote for a key that did not make it into the database. */
async function discardCreated(keys: SigningKeys, created: StoredSigningKey): Promise<void> {
  if (created.privateKeyFile !== null && keys.keyDir) await rm(join(keys.keyDir, created.privateKeyFile), { force: true });
}

/** Destroys the private halves of retired keys left behind by a rotation that stopped half-way. */
async function removeRetiredKeyFiles(keys: SigningKeys): Promise<void> {
  if (!keys.keyDir) return;
  for (const key of await listSigningKeys(keys.db)) {
    if (key.info.retired_at !== undefined) await rm(join(keys.keyDir, privateKeyFileOf(key.info.key_id)), { force: true });
  }
}

/**
 * Makes sure an active key exists, creating the first one on first start.
 * Run at every start, before the server listens.
 */
export async function ensureSigningKey(keys: SigningKeys): Promise<SigningKeyInfo> {
  const active = await activeSigningKey(keys.db);
  if (active) {
    if (keys.keyDir) await ensureKeyDir(keys.keyDir);
    await removeRetiredKeyFiles(keys);
    // A key without its private half cannot sign: say so at start, not at the first export.
    await loadPrivateKey(keys, active);
    return active.info;
  }
  const created = await createKey(keys);
  try {
    await keys.db.transaction().execute(async (trx) => {
      await insertSigningKey(trx, created);
      await appendAudit(trx, {
        at: created.info.created_at,
        actor: 'system',
        action: 'signing_key.created',
        target: `signing_key:${created.info.key_id}`,
        details: { key_id: created.info.key_id, alg: created.info.alg },
      });
    });
  } catch (error) {
    await discardCreated(keys, created);
    // Another server on the same database created one first (the unique index refused ours): use that.
    const winner = await activeSigningKey(keys.db);
    if (winner) return winner.info;
    throw error;
  }
  return created.info;
}

/**
 * Replaces the active key: the new one signs from now on, the old one gets
 * `retired_at` and stays listed so that reports it signed still verify. Its
 * private half is destroyed: a retired key never signs again.
 */
export async function rotateSigningKey(keys: SigningKeys, actor: string): Promise<{ retired: string | null; active: SigningKeyInfo }> {
  const created = await createKey(keys);
  let retired: string | null = null;
  try {
    await keys.db.transaction().execute(async (trx) => {
      const previous = await activeSigningKey(trx);
      retired = previous?.info.key_id ?? null;
      if (previous) await retireSigningKey(trx, previous.info.key_id, created.info.created_at);
      await insertSigningKey(trx, created);
      await appendAudit(trx, {
        at: created.info.created_at,
        actor,
        action: 'signing_key.rotated',
        target: `signing_key:${created.info.key_id}`,
        details: { key_id: created.info.key_id, retired_key_id: retired },
      });
    });
  } catch (error) {
    await discardCreated(keys, created);
    throw error;
  }
  await removeRetiredKeyFiles(keys);
  return { retired, active: created.info };
}

export async function listPublicKeys(db: Db): Promise<SigningKeyInfo[]> {
  return (await listSigningKeys(db)).map((key) => key.info);
}

async function loadPrivateKey(keys: SigningKeys, key: StoredSigningKey): Promise<KeyObject> {
  const privateKey = createPrivateKey(await privateKeyPem(keys, key));
  // A swapped or corrupted file would sign reports that the listed key cannot verify.
  if (keyIdOf(createPublicKey(privateKey)) !== key.info.key_id) {
    fail('unavailable', `the private key file of signing key ${key.info.key_id} holds another key`);
  }
  return privateKey;
}

async function privateKeyPem(keys: SigningKeys, key: StoredSigningKey): Promise<string> {
  if (key.sealedPrivateKey !== null) return unsealPrivateKey(keys.sealingKey, key.info.key_id, key.sealedPrivateKey);
  const file = key.privateKeyFile ?? fail('internal', `signing key ${key.info.key_id} has no private key file`);
  const keyDir = keyDirOf(keys);
  let pem: string;
  try {
    pem = await readFile(join(keyDir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      'unavailable',
      `the private key of signing key ${key.info.key_id} is missing from ${keyDir} (${code ?? 'unreadable'}): ` +
        'restore that directory from the backup of this database, or run `bff rotate-signing-key` to start a new key',
    );
  }
  return pem;
}

/**
 * Signs the UTF-8 bytes of `value`'s RFC 8785 canonical JSON with the active
 * key, read afresh each time so that a rotation from the CLI applies to a
 * running server at once.
 */
export async function signCanonical(keys: SigningKeys, value: unknown): Promise<{ key_id: string; value: string }> {
  let active = (await activeSigningKey(keys.db)) ?? fail('unavailable', 'no active report-signing key');
  let privateKey: KeyObject;
  try {
    privateKey = await loadPrivateKey(keys, active);
  } catch (error) {
    // A rotation may have retired the key (and destroyed its file) between the two reads: sign with its successor.
    const now = await activeSigningKey(keys.db);
    if (!now || now.info.key_id === active.info.key_id) throw error;
    active = now;
    privateKey = await loadPrivateKey(keys, active);
  }
  return { key_id: active.info.key_id, value: sign(null, Buffer.from(canonicalJson(value), 'utf8'), privateKey).toString('base64') };
}

/** Signs a report: the signature covers the UTF-8 bytes of the report's RFC 8785 canonical JSON. */
export async function signReport(keys: SigningKeys, report: EvalReport): Promise<SignedReport> {
  const signature = await signCanonical(keys, report);
  return { report, signature: { alg: REPORT_SIGNATURE_ALG, key_id: signature.key_id, value: signature.value } };
}
