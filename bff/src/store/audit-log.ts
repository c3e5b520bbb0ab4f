// The tamper-evident audit log: each entry's hash covers its content and the
// previous entry's hash (shared/logic/audit-chain), so editing or removing a
// row breaks verification from that row on.
import type { Db } from './database.js';
import { sql } from 'kysely';
import { AUDIT_GENESIS_HASH, type AuditAction, type AuditEntry } from '../../../shared/domain/audit.js';
import type { JsonValue } from '../../../shared/domain/primitives.js';
import type { AuditListQuery, AuditListResponse, AuditVerifyResponse } from '../../../shared/api/audit.js';
import { auditHash } from '../../../shared/logic/audit-chain.js';
import { ApiError } from '../errors.js';
import { PG_LOCK, engineOf } from './engine.js';
import type { AuditRow } from './schema.js';

export interface NewAuditEntry {
  at: string;
  actor: string;
  /** One of the shared list (shared/domain/audit.ts): a new action is added there first. */
  action: AuditAction;
  target: string;
  details: Record<string, JsonValue>;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: JSON.parse(row.details) as Record<string, JsonValue>,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * On PostgreSQL, holds the chain's advisory lock until the transaction ends,
 * so that replicas append one at a time and never read the same tail. Every
 * transaction already starts with it (store/database.ts); taking it here too
 * keeps the chain correct even if that ever changes. SQLite has one writer.
 */
export async function lockAuditChain(trx: Db): Promise<void> {
  if (engineOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(PG_LOCK.WRITES)})`.execute(trx);
}

async function appendInTransaction(db: Db, entry: NewAuditEntry): Promise<AuditEntry> {
  await lockAuditChain(db);
  const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const unsigned = {
    seq: (last?.seq ?? 0) + 1,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: entry.details,
    prev_hash: last?.hash ?? AUDIT_GENESIS_HASH,
  };
  const hash = await auditHash(unsigned);
  // seq is the primary key: a second writer that read the same tail fails here
  // instead of forking the chain.
  await db
    .insertInto('audit_log')
    .values({ ...unsigned, details: JSON.stringify(entry.details), hash })
    .execute();
  return { ...unsigned, hash };
}

/**
 * Appends entries in order inside the caller's transaction with one read of
 * the tail and chunked inserts (the demo seed writes its whole history at once).
 */
export async function appendAuditBatch(trx: Db, entries: readonly NewAuditEntry[]): Promise<void> {
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const rows = [];
  for (const entry of entries) {
    seq += 1;
    const unsigned = { seq, at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, details: entry.details, prev_hash: prevHash };
    prevHash = await auditHash(unsigned);
    rows.push({ ...unsigned, details: JSON.stringify(entry.details), hash: prevHash });
  }
  // SQLite allows 999 bound parameters per statement in old builds: 8 columns x 100 rows stays below.
  for (let start = 0; start < rows.length; start += 100) await trx.insertInto('audit_log').values(rows.slice(start, start + 100)).execute();
}

/**
 * Appends one entry. Call it with the caller's transaction so that the entry
 * commits (or rolls back) with the change it records; given the plain
 * database it opens a transaction of its own, because reading the tail and
 * inserting must not interleave with another append.
 */
export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<AuditEntry> {
  if (db.isTransaction) return appendInTransaction(db, entry);
  return db.transaction().execute((trx) => appendInTransaction(trx, entry));
}

/** Cursors are the seq of the last entry returned; pages go newest first. */
function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) throw new ApiError('invalid_request', 'not a cursor returned by this server');
  return Number(cursor);
}

export async function listAudit(db: Db, query: AuditListQuery): Promise<AuditListResponse> {
  const before = parseCursor(query.cursor);
  let select = db.selectFrom('audit_log').selectAll();
  if (before !== undefined) select = select.where('seq', '<', before);
  if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
  if (query.action !== undefined) select = select.where('action', '=', query.action);
  if (query.model_id !== undefined) {
    const modelId = query.model_id;
    // Entries about a model either target it or name it in their details (e.g. a request's entries).
    // details is JSON text on both engines; each reads a member its own way.
    const detailsModelId =
      engineOf(db) === 'postgres' ? sql<string>`(details::jsonb ->> 'model_id')` : sql<string>`json_extract(details, '$.model_id')`;
    select = select.where((eb) => eb.or([eb('target', '=', `model:${modelId}`), eb(detailsModelId, '=', modelId)]));
  }
  const rows = await select
    .orderBy('seq', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return { items: page.map(toEntry), next_cursor: more && page.length > 0 ? String(page[page.length - 1]!.seq) : null };
}

const VERIFY_BATCH = 500;

/**
 * Walks the whole chain in seq order, a batch at a time so that memory stays
 * flat however long the log is. Same verdict as shared/logic's verifyChain:
 * `entries` is the number of entries in the log, `first_bad_seq` the seq
 * where the first break sits (the expected seq when one is missing).
 */
export async function verifyAudit(db: Db): Promise<AuditVerifyResponse> {
  let expectedSeq = 1;
  let prevHash = AUDIT_GENESIS_HASH;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq', 'asc')
      .limit(VERIFY_BATCH)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.seq !== expectedSeq || row.prev_hash !== prevHash || !(await rowHashHolds(row))) {
        return { ok: false, entries: await countAudit(db), first_bad_seq: expectedSeq };
      }
      prevHash = row.hash;
      expectedSeq += 1;
    }
  }
  const entries = await countAudit(db);
  // Rows outside 1..n (a seq of 0 or below) are not part of the chain: the log was tampered with.
  if (entries !== expectedSeq - 1) return { ok: false, entries, first_bad_seq: 1 };
  return { ok: true, entries };
}

async function rowHashHolds(row: AuditRow): Promise<boolean> {
  let details: unknown;
  try {
    details = JSON.parse(row.details);
  } catch {
    return false;
  }
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return false;
  const { hash, ...unsigned } = { ...row, details: details as Record<string, JsonValue> };
  try {
    return (await auditHash(unsigned)) === hash;
  } catch {
    return false;
  }
}

/** The newest entry, if any. */
export async function lastAuditEntry(db: Db): Promise<{ seq: number; hash: string } | undefined> {
  return db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** The stored hash of entry `seq`, or undefined when there is no such entry. */
export async function auditEntryHash(db: Db, seq: number): Promise<string | undefined> {
  return (await db.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst())?.hash;
}

/** Number of entries, for the CLI's summary. */
export async function countAudit(db: Db): Promise<number> {
  const row = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
