// Starts the BFF: opens (and migrates) the database, builds the context and
// the app, optionally seeds demo data, and listens. The CLI and Electron's
// local mode both start the server through startBff.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './app.js';
import { DEFAULT_SETTINGS, type BffContext, type BffSettings } from './context.js';
import { AuditChainMonitor } from './services/audit-checkpoint.js';
import { EventBus } from './services/event-bus.js';
import { ensureSigningKey, signingKeyDirFor } from './services/report-signing.js';
import { openDatabase, type Db } from './store/database.js';

export interface StartBffOptions {
  dbFile: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default: exposing the BFF on a network is a deliberate choice. */
  host?: string;
  seedDemo?: boolean;
  logger?: boolean;
  accessTokenSecret?: Uint8Array;
  /** Overrides for tests (lockout, rate limits, TTLs). */
  settings?: Partial<Omit<BffSettings, 'accessTokenSecret'>>;
  /** Injected clock, for tests. */
  now?: () => Date;
  /** Extra route modules (tests). */
  routes?: BuildAppOptions['routes'];
}

export interface RunningBff {
  url: string;
  port: number;
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
}

/** The context every route receives, with an EventBus as its event notifier. */
export function createContext(db: Db, options: CreateContextOptions = {}): BffContext {
  const settings: BffSettings = {
    ...DEFAULT_SETTINGS,
    publicOrigin: '',
    ...options.settings,
    accessTokenSecret: accessTokenSecretFrom(options.accessTokenSecret),
  };
  return {
    db,
    now: options.now ?? (() => new Date()),
    settings,
    events: new EventBus(db, { onError: options.onEventBusError }),
  };
}

export async function startBff(opts: StartBffOptions): Promise<RunningBff> {
  const db = await openDatabase(opts.dbFile);
  const host = opts.host ?? '127.0.0.1';
  let app: FastifyInstance | undefined;
  let auditCheck: Promise<void> = Promise.resolve();
  const ctx = createContext(db, {
    accessTokenSecret: opts.accessTokenSecret,
    settings: opts.settings,
    now: opts.now,
    onEventBusError: (error) => app?.log.error({ err: error }, 'event stream failed'),
  });
  ctx.settings.signingKeyDir ??= signingKeyDirFor(opts.dbFile);
  try {
    await ensureSigningKey({ db, keyDir: ctx.settings.signingKeyDir, now: ctx.now });
    if (opts.seedDemo) {
      // Loaded on demand so that a server without demo data does not load the seed module.
      const { seedDemo } = await import('./seed/demo.js');
      await seedDemo(db, ctx.now());
    }
    app = await buildApp(ctx, { logger: opts.logger ?? false, routes: opts.routes });
    await app.listen({ port: opts.port ?? 0, host });
    const monitor = new AuditChainMonitor();
    ctx.auditChain = monitor;
    const started = app;
    auditCheck = monitor.start(db, ctx.now, (state) =>
      started.log.error({ auditChain: state }, 'the audit chain does not verify: the log was altered (see /healthz)'),
    );
  } catch (error) {
    await app?.close();
    await db.destroy();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  if (!ctx.settings.publicOrigin) ctx.settings.publicOrigin = url;

  let closing: Promise<void> | undefined;
  const running = app;
  return {
    url,
    port,
    ctx,
    app: running,
    close: () =>
      (closing ??= (async () => {
        await running.close();
        await auditCheck;
        await (ctx.events as EventBus).close();
        await db.destroy();
      })()),
  };
}
