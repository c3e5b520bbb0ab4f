// The events table is an outbox: services append events inside the
// transaction of the change they announce, and the event bus streams
// committed rows to SSE subscribers in id order.
import type { Kysely } from 'kysely';
import { EventPayload, type ServerEvent } from '../../../shared/api/events.js';
import type { DB } from './schema.js';

/** Appends one event and returns its id; call ctx.events.wake() after the transaction commits. */
export async function appendEvent(db: Kysely<DB>, at: string, payload: EventPayload): Promise<number> {
  // Validate here so that a malformed event fails the change that emits it,
  // rather than reaching every console.
  const data = EventPayload.parse(payload);
  const row = await db
    .insertInto('events')
    .values({ at, type: data.type, payload: JSON.stringify(data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Committed events with id > `afterId`, oldest first. */
export async function eventsAfter(db: Kysely<DB>, afterId: number, limit: number): Promise<ServerEvent[]> {
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
export async function lastEventId(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? 0;
}
