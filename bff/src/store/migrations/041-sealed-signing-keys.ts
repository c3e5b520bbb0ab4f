// Report-signing keys shared by replicas (docs/decisions/0004): the private
// half may live in the database, sealed (AES-256-GCM) with a key that only
// the servers' environment holds, instead of as a file in the key directory.
import type { Kysely } from 'kysely';
import { portableTypes } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const { text } = portableTypes(db);
  // base64url(iv).base64url(tag).base64url(ciphertext); null for file-held and retired keys.
  await db.schema.alterTable('signing_keys').addColumn('private_key_sealed', text).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
