// The events table is an outbox: services append events inside the
// transaction of the change they announce, and the event bus streams
// committed rows to SSE subscribers in id order.
import type { Db } from './database.js';
import { sql } from 'kysely';
import { EventPayload, type ServerEvent } from '../../../shared/api/events.js';
import { lockAuditChain } from './audit-log.js';
import { engineOf } from './engine.js';

/** The PostgreSQL channel that tells every replica's event bus to read new rows (services/pg-event-listener.ts). */
export const EVENTS_CHANNEL = 'modelops_events';

/** Appends one event and returns its id; call ctx.events.wake() after the transaction commits. */
export async function appendEvent(db: Db, at: string, payload: EventPayload): Promise<number> {
  // Validate here so that a malformed event fails the change that emits it,
  // rather than reaching every console.
  const data = EventPayload.parse(payload);
  if (!db.isTransaction) return db.transaction().execute((trx) => appendEvent(trx, at, data));
  // Ids must be handed out in commit order, or a reader could pass over a lower
  // id that commits late: on PostgreSQL appends are serialized like the audit chain.
  await lockAuditChain(db);
  const row = await db
    .insertInto('events')
    .values({ at, type: data.type, payload: JSON.stringify(data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Delivered to every listening replica when (and only if) the transaction commits.
  if (engineOf(db) === 'postgres') await sql`select pg_notify(${EVENTS_CHANNEL}, ${String(row.id)})`.execute(db);
  return row.id;
}

/** Committed events with id > `afterId`, oldest first. */
export async function eventsAfter(db: Db, afterId: number, limit: number): Promise<ServerEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ id: row.id, at: row.at, data: JSON.parse(row.payload) as EventPayload }));
}

/** Id of the newest event, 0 when there is none. */
export async function lastEventId(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? 0;
}
