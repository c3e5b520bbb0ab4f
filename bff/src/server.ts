// Starts the BFF: opens (and migrates) the database, builds the context and
// the app, optionally seeds demo data, and listens. The CLI and Electron's
// local mode both start the server through startBff.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './app.js';
import { DEFAULT_SETTINGS, type BffContext, type BffSettings } from './context.js';
import { AuditChainMonitor } from './services/audit-checkpoint.js';
import { EventBus } from './services/event-bus.js';
import { Dispatcher } from './services/serving/dispatcher.js';
import { SessionWatch } from './services/session-watch.js';
import { createOidcResourceServer } from './services/oidc/resource-server.js';
import { ensureSigningKey, signingKeyConfigFor } from './services/report-signing.js';
import { connectDatabase, type Db } from './store/database.js';
import { engineOf, isPostgresUrl, type Engine } from './store/engine.js';
import { migrateToLatest } from './store/migrate.js';
import { listenForEvents, type EventListener } from './store/pg-event-listener.js';

export interface StartBffOptions {
  /** A SQLite file path (the default engine), or a postgres:// URL (several replicas on one database). */
  dbFile: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: exposing the BFF on a network is a deliberate choice. */
  host?: string;
  /**
   * Listen on this unix socket / Windows named pipe instead of a TCP port (the
   * console's local mode: no port at all). `url` is then `publicOrigin`.
   */
  socketPath?: string;
  /**
   * false: start everything but open no socket; requests come through
   * `app.inject` (the test harness). `url` is then `publicOrigin`, as with socketPath.
   */
  listen?: boolean;
  seedDemo?: boolean;
  /** false: the demo users are seeded with no password (local mode, docs/decisions/0014-local-mode-sign-in.md). */
  demoPasswords?: boolean;
  logger?: boolean;
  accessTokenSecret?: Uint8Array;
  /** Overrides for tests (lockout, rate limits, TTLs). */
  settings?: Partial<Omit<BffSettings, 'accessTokenSecret'>>;
  /** Injected clock, for tests. */
  now?: () => Date;
  /** Extra route modules (tests). */
  routes?: BuildAppOptions['routes'];
  /**
   * On close, how long to answer readiness with 503 before the listener stops,
   * so a load balancer's health check takes the server out of rotation first.
   */
  drainMs?: number;
  /** The event bus's safety-net poll in ms (default 2000; 0 off: on PostgreSQL LISTEN/NOTIFY still wakes it). */
  eventPollMs?: number;
  /**
   * How long after listening the start-up check of the audit chain waits (default 0): local
   * mode's first screen is read meanwhile, without the check's hashing on the same thread.
   */
  auditCheckDelayMs?: number;
}

export interface RunningBff {
  url: string;
  port: number;
  engine: Engine;
  /** Migrations this start applied (empty when another process had, or nothing was pending). */
  migrationsApplied: string[];
  /**
   * Graceful stop: readiness answers 503 (for drainMs), the server stops
   * accepting, in-flight requests finish, event streams end with a retry hint,
   * then the event listener and the database pool close.
   */
  close(): Promise<void>;
  ctx: BffContext;
  app: FastifyInstance;
}

/**
 * The access-token secret: given, else BFF_ACCESS_TOKEN_SECRET (base64), else
 * random for this process (tokens then do not survive a restart, which only
 * means signing in again).
 */
export function accessTokenSecretFrom(given: Uint8Array | undefined, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  if (given) return given;
  const fromEnv = env.BFF_ACCESS_TOKEN_SECRET;
  if (fromEnv) {
    const decoded = Buffer.from(fromEnv, 'base64');
    if (decoded.length < 32) throw new Error('BFF_ACCESS_TOKEN_SECRET must be base64 of at least 32 bytes');
    return new Uint8Array(decoded);
  }
  return new Uint8Array(randomBytes(32));
}

export interface CreateContextOptions {
  accessTokenSecret?: Uint8Array;
  settings?: Partial<Omit<BffSettings, 'accessTokenSecret'>>;
  now?: () => Date;
  onEventBusError?: (error: unknown) => void;
  onDispatchLog?: (level: 'warn' | 'error', message: string, error?: unknown) => void;
  /** The event bus's safety-net poll (EventBusOptions.pollIntervalMs). */
  eventPollMs?: number;
}

/** The context every route receives, with an EventBus as its event notifier. */
export function createContext(db: Db, options: CreateContextOptions = {}): BffContext {
  const settings: BffSettings = {
    ...DEFAULT_SETTINGS,
    publicOrigin: '',
    ...options.settings,
    accessTokenSecret: accessTokenSecretFrom(options.accessTokenSecret),
  };
  const events = new EventBus(db, {
    onError: options.onEventBusError,
    ...(options.eventPollMs === undefined ? {} : { pollIntervalMs: options.eventPollMs }),
  });
  const now = options.now ?? (() => new Date());
  // Started and stopped with the app (plugins/dispatch.ts); until then wake() does nothing.
  const dispatch = new Dispatcher({ db, now, events, settings }, options.onDispatchLog);
  const oidc = settings.oidc ? createOidcResourceServer(settings.oidc) : undefined;
  return { db, now, settings, events, dispatch, sessions: new SessionWatch(), lifecycle: { draining: false }, ...(oidc ? { oidc } : {}) };
}

export async function startBff(opts: StartBffOptions): Promise<RunningBff> {
  let app: FastifyInstance | undefined;
  const db = connectDatabase(opts.dbFile, { onError: (error) => app?.log.warn({ err: error }, 'idle database connection lost') });
  const host = opts.host ?? '127.0.0.1';
  let auditCheck: Promise<void> = Promise.resolve();
  let monitor: AuditChainMonitor | undefined;
  const ctx = createContext(db, {
    accessTokenSecret: opts.accessTokenSecret,
    settings: opts.settings,
    now: opts.now,
    onEventBusError: (error) => app?.log.error({ err: error }, 'event stream failed'),
    onDispatchLog: (level, message, error) => app?.log[level]({ err: error }, message),
    eventPollMs: opts.eventPollMs,
  });
  const bus = ctx.events as EventBus;
  let listener: EventListener | undefined;
  let migrationsApplied: string[] = [];
  try {
    migrationsApplied = await migrateToLatest(db as never);
    if (!ctx.settings.signingKeyDir && !ctx.settings.signingKeySecret) {
      const keyConfig = signingKeyConfigFor(opts.dbFile);
      ctx.settings.signingKeyDir = keyConfig.keyDir;
      ctx.settings.signingKeySecret = keyConfig.sealingKey;
    }
    await ensureSigningKey({ db, keyDir: ctx.settings.signingKeyDir, sealingKey: ctx.settings.signingKeySecret, now: ctx.now });
    if (opts.seedDemo) {
      // Loaded on demand so that a server without demo data does not load the seed module.
      const { seedDemo } = await import('./seed/demo.js');
      await seedDemo(db, ctx.now(), { passwords: opts.demoPasswords ?? true });
    }
    // Events committed by other replicas (or the CLI) wake this process's bus at once.
    if (isPostgresUrl(opts.dbFile)) {
      listener = await listenForEvents(opts.dbFile, {
        onWake: () => bus.wake(),
        onError: (error) => app?.log.warn({ err: error }, 'event listener connection lost; reconnecting'),
      });
    }
    app = await buildApp(ctx, { logger: opts.logger ?? false, routes: opts.routes });
    if (opts.listen === false) await app.ready();
    else if (opts.socketPath) await app.listen({ path: opts.socketPath });
    else await app.listen({ port: opts.port ?? 0, host });
    monitor = new AuditChainMonitor();
    ctx.auditChain = monitor;
    const started = app;
    auditCheck = monitor.start(
      db,
      ctx.now,
      (state) => started.log.error({ auditChain: state }, 'the audit chain does not verify: the log was altered (see /healthz)'),
      opts.auditCheckDelayMs,
    );
  } catch (error) {
    await app?.close();
    await listener?.close();
    await db.destroy();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = opts.socketPath || opts.listen === false ? ctx.settings.publicOrigin || 'http://localhost' : `http://${urlHost}:${port}`;
  if (!ctx.settings.publicOrigin) ctx.settings.publicOrigin = url;

  let closing: Promise<void> | undefined;
  const running = app;
  return {
    url,
    port,
    engine: engineOf(db),
    migrationsApplied,
    ctx,
    app: running,
    close: () =>
      (closing ??= (async () => {
        if (ctx.lifecycle) ctx.lifecycle.draining = true;
        if (opts.drainMs) await new Promise((resolve) => setTimeout(resolve, opts.drainMs));
        // Fastify stops accepting, ends event streams (their preClose hook) and waits for in-flight requests.
        await running.close();
        monitor?.cancelPending();
        await auditCheck;
        await listener?.close();
        await bus.close();
        await db.destroy();
      })()),
  };
}
