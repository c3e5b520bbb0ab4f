// A store for @fastify/rate-limit that keeps its counters in the database
// (store/auth-rate-windows.ts) instead of process memory, so the /auth budget
// per client address holds across all replicas. The plugin still decides and
// answers (429, the same headers); this only counts.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { BffContext } from '../context.js';
import { countAttempt, openWindow } from '../store/auth-rate-windows.js';

/** Milliseconds until the window that opened at `windowStart` closes. */
function ttlOf(windowStart: string, now: Date, timeWindow: number): number {
  return Math.max(0, Date.parse(windowStart) + timeWindow - now.getTime());
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The store class the plugin instantiates; one child per route, so each route counts on its own (as the in-memory store does). */
export function databaseRateLimitStore(ctx: BffContext): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    readonly #route: string;
    constructor(_options?: unknown, route = '*') {
      this.#route = route;
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = ctx.now();
      countAttempt(ctx.db, `${this.#route}|${key}`, now, timeWindow).then(
        (window) => callback(null, { current: window.hits, ttl: ttlOf(window.windowStart, now, timeWindow) }),
        (error: unknown) => callback(asError(error)),
      );
    }

    read(key: string, callback: Callback, timeWindow: number): void {
      const now = ctx.now();
      openWindow(ctx.db, `${this.#route}|${key}`, now, timeWindow).then(
        (window) => callback(null, window ? { current: window.hits, ttl: ttlOf(window.windowStart, now, timeWindow) } : { current: 0, ttl: 0 }),
        (error: unknown) => callback(asError(error)),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // The plugin passes the route's merged options, its route under routeInfo.
      const routeInfo = (routeOptions as { routeInfo?: { url?: string } }).routeInfo;
      return new DatabaseRateLimitStore(undefined, routeInfo?.url ?? routeOptions.path ?? this.#route);
    }
  }
  return DatabaseRateLimitStore;
}
