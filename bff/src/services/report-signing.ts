// The BFF's Ed25519 report-signing keys: created at first start, rotated on
// demand, used to sign eval reports over their RFC 8785 canonical JSON.
// Private keys live outside the database, one PKCS#8 PEM file per key in a
// 0700 directory beside it, so a copied or backed-up database cannot sign.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import { KeyId, REPORT_SIGNATURE_ALG, type EvalReport, type SignedReport, type SigningKeyInfo } from '../../../shared/report/report.js';
import type { BffContext } from '../context.js';
import { fail } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { activeSigningKey, insertSigningKey, listSigningKeys, retireSigningKey, type StoredSigningKey } from '../store/signing-keys.js';

/** Overrides where private keys live (e.g. a mounted secrets volume). */
export const SIGNING_KEY_DIR_ENV = 'BFF_SIGNING_KEY_DIR';

/** What the signing functions need: the database, the key directory and a clock. */
export interface SigningKeys {
  db: Db;
  keyDir: string;
  now: () => Date;
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

/** The signing keys of a running server; 503 when it was built without a key directory (bare buildApp). */
export function signingKeysOf(ctx: BffContext): SigningKeys {
  const keyDir = ctx.settings.signingKeyDir;
  if (!keyDir) fail('unavailable', 'this server has no report-signing key directory configured');
  return { db: ctx.db, keyDir, now: ctx.now };
}

/**
 * `ed25519-` + the first 16 hex digits of the SHA-256 of the DER
 * SubjectPublicKeyInfo: anyone holding the public key can recompute it, and it
 * is safe as a file name.
 */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519-${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
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

async function createKeyFile(keys: SigningKeys): Promise<StoredSigningKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keyId = keyIdOf(publicKey);
  const file = privateKeyFileOf(keyId);
  await ensureKeyDir(keys.keyDir);
  await writePrivateKey(keys.keyDir, file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  return {
    info: {
      key_id: keyId,
      alg: REPORT_SIGNATURE_ALG,
      public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
      created_at: keys.now().toISOString(),
    },
    privateKeyFile: file,
  };
}

/** Destroys the private halves of retired keys left behind by a rotation that stopped half-way. */
async function removeRetiredKeyFiles(keys: SigningKeys): Promise<void> {
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
    await ensureKeyDir(keys.keyDir);
    await removeRetiredKeyFiles(keys);
    // A key without its private half cannot sign: say so at start, not at the first export.
    await loadPrivateKey(keys, active);
    return active.info;
  }
  const created = await createKeyFile(keys);
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
    await rm(join(keys.keyDir, created.privateKeyFile!), { force: true });
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
  const created = await createKeyFile(keys);
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
    await rm(join(keys.keyDir, created.privateKeyFile!), { force: true });
    throw error;
  }
  await removeRetiredKeyFiles(keys);
  return { retired, active: created.info };
}

export async function listPublicKeys(db: Db): Promise<SigningKeyInfo[]> {
  return (await listSigningKeys(db)).map((key) => key.info);
}

async function loadPrivateKey(keys: SigningKeys, key: StoredSigningKey): Promise<KeyObject> {
  const file = key.privateKeyFile ?? fail('internal', `signing key ${key.info.key_id} has no private key file`);
  let pem: string;
  try {
    pem = await readFile(join(keys.keyDir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      'unavailable',
      `the private key of signing key ${key.info.key_id} is missing from ${keys.keyDir} (${code ?? 'unreadable'}): ` +
        'restore that directory from the backup of this database, or run `bff rotate-signing-key` to start a new key',
    );
  }
  const privateKey = createPrivateKey(pem);
  // A swapped or corrupted file would sign reports that the listed key cannot verify.
  if (keyIdOf(createPublicKey(privateKey)) !== key.info.key_id) {
    fail('unavailable', `the private key file of signing key ${key.info.key_id} holds another key`);
  }
  return privateKey;
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
