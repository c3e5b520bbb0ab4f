// Report-signing keys (README.md#offline-review). Only public halves live in the
// database; each private key is a PKCS#8 PEM file in the key directory.
import { sql, type Kysely } from 'kysely';
import { portableTypes } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const { text } = portableTypes(db);
  await db.schema
    .createTable('signing_keys')
    .addColumn('key_id', text, (c) => c.primaryKey())
    .addColumn('alg', text, (c) => c.notNull().check(sql`alg = 'Ed25519'`))
    .addColumn('public_key_pem', text, (c) => c.notNull())
    // File name inside the key directory (not a path, so database and keys can move together);
    // null once the key is retired and its private half destroyed.
    .addColumn('private_key_file', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('retired_at', text)
    .execute();
  // The database itself refuses a second active key: two servers starting at once cannot both create one.
  await sql`create unique index signing_keys_one_active on signing_keys (alg) where retired_at is null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
