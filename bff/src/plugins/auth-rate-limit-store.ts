// A store for @fastify/rate-limit that keeps its counters in the database
// (store/auth-rate-windows.ts) instead of process memory, so the /auth budget
// per client address holds across all replicas. The plugin still decides and
// answers (429, the same headers); this only counts.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { BffContext } from '../context.js';
import { attemptsIn, countAttempt } from '../store/auth-rate-windows.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

function windowOf(nowMs: number, timeWindow: number): { start: string; ttl: number } {
  const startMs = Math.floor(nowMs / timeWindow) * timeWindow;
  return { start: new Date(startMs).toISOString(), ttl: startMs + timeWindow - nowMs };
}

/** The store class the plugin instantiates; one child per route, so each route counts on its own (as the in-memory store does). */
export function databaseRateLimitStore(ctx: BffContext): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    readonly #route: string;
    constructor(_options?: unknown, route = '*') {
      this.#route = route;
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      const window = windowOf(ctx.now().getTime(), timeWindow);
      countAttempt(ctx.db, `${this.#route}|${key}`, window.start).then(
        (current) => callback(null, { current, ttl: window.ttl }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    read(key: string, callback: Callback, timeWindow: number): void {
      const window = windowOf(ctx.now().getTime(), timeWindow);
      attemptsIn(ctx.db, `${this.#route}|${key}`, window.start).then(
        (current) => callback(null, { current, ttl: current === 0 ? 0 : window.ttl }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
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
