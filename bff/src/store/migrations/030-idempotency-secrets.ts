// Idempotency records hold no secret (issue 11, finding 11): a table for the
// per-database HMAC key that fingerprints request bodies, and rows of /auth/*
// requests stored by earlier versions (raw step-up tokens in `response`, an
// unkeyed sha256 over a body with the password in `request_hash`) are dropped.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('instance_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    // base64url of random bytes, created on first use (store/instance-secrets.ts).
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await sql`delete from idempotency_keys where route like '/auth/%'`.execute(db);
  // Other rows stay (their bodies hold no secret): a retry within their 24 hours must still replay, never
  // run a rollback twice. Their unkeyed hashes are recognised by the missing "hmac-sha256:" prefix.
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
