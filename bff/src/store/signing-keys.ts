// Repository of report-signing keys: public halves, ids and dates. A private
// half enters the database only sealed with a key the database does not hold
// (services/report-signing.ts); otherwise it stays a file on disk.
import type { Db } from './database.js';
import type { SigningKeyInfo } from '../../../shared/report/report.js';
import type { SigningKeyRow } from './schema.js';

export interface StoredSigningKey {
  info: SigningKeyInfo;
  /** File name of the PKCS#8 PEM in the key directory; null once retired or when sealed. */
  privateKeyFile: string | null;
  /** The PKCS#8 PEM sealed with BFF_SIGNING_KEY_SECRET (services/report-signing.ts); null once retired or when file-held. */
  sealedPrivateKey: string | null;
}

function fromRow(row: SigningKeyRow): StoredSigningKey {
  return {
    info: {
      key_id: row.key_id,
      alg: row.alg,
      public_key_pem: row.public_key_pem,
      created_at: row.created_at,
      ...(row.retired_at === null ? {} : { retired_at: row.retired_at }),
    },
    privateKeyFile: row.private_key_file,
    sealedPrivateKey: row.private_key_sealed,
  };
}

export async function activeSigningKey(db: Db): Promise<StoredSigningKey | undefined> {
  const row = await db.selectFrom('signing_keys').selectAll().where('retired_at', 'is', null).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Every key, active and retired, newest first: old reports name retired ones. */
export async function listSigningKeys(db: Db): Promise<StoredSigningKey[]> {
  const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('key_id').execute();
  return rows.map(fromRow);
}

export async function insertSigningKey(db: Db, key: StoredSigningKey): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({
      key_id: key.info.key_id,
      alg: key.info.alg,
      public_key_pem: key.info.public_key_pem,
      private_key_file: key.privateKeyFile,
      private_key_sealed: key.sealedPrivateKey,
      created_at: key.info.created_at,
      retired_at: key.info.retired_at ?? null,
    })
    .execute();
}

/** Retires a key: it stays listed (and verifiable) but signs nothing more. */
export async function retireSigningKey(db: Db, keyId: string, at: string): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_at: at, private_key_file: null, private_key_sealed: null })
    .where('key_id', '=', keyId)
    .where('retired_at', 'is', null)
    .execute();
}
