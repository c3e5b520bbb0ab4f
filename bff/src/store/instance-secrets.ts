// Secrets that belong to one database (shared by every replica on it), created
// on first use. Only the idempotency body fingerprint key lives here today.
import type { Db } from './database.js';
import { randomBytes } from 'node:crypto';

export type InstanceSecretName = 'idempotency_hmac';

/** The secret `name`, created (32 random bytes) by whichever replica asks first. */
export async function instanceSecret(db: Db, name: InstanceSecretName, now: Date): Promise<Buffer> {
  await db
    .insertInto('instance_secrets')
    .values({ name, value: randomBytes(32).toString('base64url'), created_at: now.toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('instance_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}
