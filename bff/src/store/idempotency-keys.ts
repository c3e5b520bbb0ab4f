// Idempotency keys: one row per (user, key). A row with status_code 0 is a
// reservation for a request still running, held until `lease_until` (renewed
// while it runs); afterwards it holds the answer to replay.
import type { Db } from './database.js';

export interface IdempotencyRecord {
  method: string;
  route: string;
  requestHash: string;
  /** 0 while the first request is still running. */
  statusCode: number;
  response: string;
  createdAt: string;
  /** Reservations only: when the running request stops holding the key unless it renews. */
  leaseUntil: string | null;
}

export const IN_PROGRESS = 0;

/**
 * Reserves (user, key). Returns undefined when the reservation is ours, or the
 * row already there: the primary key makes two concurrent reservations of the
 * same key impossible.
 */
export async function reserveIdempotencyKey(
  db: Db,
  userId: string,
  key: string,
  record: Pick<IdempotencyRecord, 'method' | 'route' | 'requestHash' | 'createdAt'> & { leaseUntil: string },
): Promise<IdempotencyRecord | undefined> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      user_id: userId,
      key,
      method: record.method,
      route: record.route,
      request_hash: record.requestHash,
      status_code: IN_PROGRESS,
      response: '',
      created_at: record.createdAt,
      lease_until: record.leaseUntil,
    })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return undefined;
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
  // Deleted between our insert and select (a 5xx released it): report it as in progress; the client retries.
  if (!row) return { ...record, statusCode: IN_PROGRESS, response: '' };
  return {
    method: row.method,
    route: row.route,
    requestHash: row.request_hash,
    statusCode: row.status_code,
    response: row.response,
    createdAt: row.created_at,
    leaseUntil: row.lease_until,
  };
}

/**
 * Takes over a reservation whose lease ran out (its request died with its
 * process). Conditional on the row still being that expired reservation, so
 * of several retries racing for it exactly one wins.
 */
export async function takeOverExpiredReservation(
  db: Db,
  userId: string,
  key: string,
  now: string,
  record: { requestHash: string; createdAt: string; leaseUntil: string },
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ request_hash: record.requestHash, created_at: record.createdAt, lease_until: record.leaseUntil })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('status_code', '=', IN_PROGRESS)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The running request is alive: push its lease on. */
export async function renewReservation(db: Db, userId: string, key: string, leaseUntil: string): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ lease_until: leaseUntil })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('status_code', '=', IN_PROGRESS)
    .execute();
}

/** Reservations nobody holds any more (run at start and hourly); live ones keep renewing theirs. */
export async function deleteStaleReservations(db: Db, now: string): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('status_code', '=', IN_PROGRESS)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function completeIdempotencyKey(
  db: Db,
  userId: string,
  key: string,
  statusCode: number,
  response: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response, lease_until: null })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .execute();
}

export async function releaseIdempotencyKey(db: Db, userId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('user_id', '=', userId).where('key', '=', key).execute();
}

/** Forgets one expired key so that it can be reused. */
export async function deleteIdempotencyKeyIfOlder(db: Db, userId: string, key: string, cutoff: string): Promise<boolean> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteExpiredIdempotencyKeys(db: Db, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
