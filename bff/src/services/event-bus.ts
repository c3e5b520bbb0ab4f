// Fans committed rows of the events table out to live subscribers (the SSE
// route), in id order, each from its own resume point. Services call wake()
// after a commit; a slow poll also picks up rows written by other processes
// (the CLI, another replica) that cannot wake this one.
import type { ServerEvent } from '../../../shared/api/events.js';
import type { EventNotifier } from '../context.js';
import { eventsAfter } from '../store/event-log.js';
import type { Db } from '../store/database.js';

export interface EventBusOptions {
  /** Poll for rows appended by other processes; 0 turns polling off. */
  pollIntervalMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

interface Subscriber {
  cursor: number;
  deliver: (event: ServerEvent) => void;
  closed: () => void;
}

export class EventBus implements EventNotifier {
  readonly #db: Db;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #onError: (error: unknown) => void;
  readonly #subscribers = new Set<Subscriber>();
  #pumping: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(db: Db, options: EventBusOptions = {}) {
    this.#db = db;
    this.#pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.#batchSize = options.batchSize ?? 200;
    this.#onError = options.onError ?? (() => undefined);
  }

  /**
   * Delivers every event with id > `afterId`: first those already stored,
   * then new ones as they commit, never twice and never out of order.
   * `closed` runs when the bus shuts down. Returns the unsubscribe function.
   */
  subscribe(afterId: number, deliver: (event: ServerEvent) => void, closed: () => void = () => undefined): () => void {
    if (this.#closed) {
      closed();
      return () => undefined;
    }
    const subscriber: Subscriber = { cursor: Math.max(0, afterId), deliver, closed };
    this.#subscribers.add(subscriber);
    this.#startPolling();
    // Replay goes through the same pump as live delivery, so there is no gap
    // between "read the backlog" and "listen" for an event to fall into.
    this.wake();
    return () => {
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0) this.#stopPolling();
    };
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  wake(): void {
    if (this.#closed || this.#subscribers.size === 0) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump()
      .catch((error: unknown) => this.#onError(error))
      .finally(() => {
        this.#pumping = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Stops delivery and tells every subscriber, so that open streams can end. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopPolling();
    const subscribers = [...this.#subscribers];
    this.#subscribers.clear();
    for (const subscriber of subscribers) subscriber.closed();
    await this.#pumping;
  }

  async #pump(): Promise<void> {
    // Subscribers at the same cursor share one query; after their first
    // catch-up all live subscribers sit at the same cursor.
    for (;;) {
      const groups = new Map<number, Subscriber[]>();
      for (const subscriber of this.#subscribers) {
        const group = groups.get(subscriber.cursor);
        if (group) group.push(subscriber);
        else groups.set(subscriber.cursor, [subscriber]);
      }
      let full = false;
      for (const [cursor, group] of groups) {
        const events = await eventsAfter(this.#db, cursor, this.#batchSize);
        if (this.#closed) return;
        if (events.length === this.#batchSize) full = true;
        for (const subscriber of group) {
          for (const event of events) {
            // Unsubscribed while we were reading: stop writing to it.
            if (!this.#subscribers.has(subscriber)) break;
            if (event.id <= subscriber.cursor) continue;
            subscriber.cursor = event.id;
            try {
              subscriber.deliver(event);
            } catch (error) {
              this.#onError(error);
            }
          }
        }
      }
      if (!full) return;
    }
  }

  #startPolling(): void {
    if (this.#timer || this.#pollIntervalMs <= 0) return;
    this.#timer = setInterval(() => this.wake(), this.#pollIntervalMs);
    this.#timer.unref();
  }

  #stopPolling(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
