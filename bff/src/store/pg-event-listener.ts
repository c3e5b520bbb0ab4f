// One dedicated PostgreSQL connection per process that LISTENs for committed
// events (store/event-log.ts NOTIFYs inside the appending transaction) and
// wakes the local event bus, which then reads the new rows from the events
// table. The notification carries no data: the table stays the only source,
// so a lost notification or a reconnect only delays delivery, never loses it.
import type pg from 'pg';
import { loadPg } from './database.js';
import { EVENTS_CHANNEL } from './event-log.js';

export interface EventListener {
  close(): Promise<void>;
}

export interface EventListenerOptions {
  /** Called on every notification, and after each (re)connect to catch up on what passed meanwhile. */
  onWake: () => void;
  onError?: (error: unknown) => void;
  /** First reconnect delay; doubles up to 5 s. */
  retryMs?: number;
}

export async function listenForEvents(url: string, options: EventListenerOptions): Promise<EventListener> {
  const onError = options.onError ?? (() => undefined);
  const firstRetryMs = options.retryMs ?? 250;
  let closed = false;
  let client: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryMs = firstRetryMs;

  const connect = async (): Promise<void> => {
    const next = new (loadPg().Client)({ connectionString: url, application_name: 'modelops-bff-listen', keepAlive: true });
    next.on('notification', (message) => {
      if (message.channel === EVENTS_CHANNEL) options.onWake();
    });
    next.on('error', (error) => {
      onError(error);
      scheduleReconnect(next);
    });
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    await next.query(`listen ${EVENTS_CHANNEL}`);
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    retryMs = firstRetryMs;
    options.onWake();
  };

  const retryLater = (): void => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch((error: unknown) => {
        onError(error);
        retryMs = Math.min(retryMs * 2, 5000);
        retryLater();
      });
    }, retryMs);
    retryTimer.unref();
  };

  /** The connection dropped (database restart, network): listen again on a new one. */
  const scheduleReconnect = (from: pg.Client): void => {
    if (closed || client !== from) return;
    client = null;
    from.end().catch(() => undefined);
    retryLater();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
