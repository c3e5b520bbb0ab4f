// Test support: a real BFF (the whole app, its plugins and background work)
// over a fresh database, a clock tests can move, and helpers to create users
// and sign in. Users cost one scrypt hash each (~150 ms), so files create them once.
//
// Requests go through Fastify's app.inject: the same routing, hooks and
// serialization without a TCP round trip. A test whose point is the socket
// (event streams, raw HTTP framing) asks for one with `socket: true` and
// fetches `url`; without it, `url` throws rather than point at nothing.
//
// One engine switch for the whole suite: BFF_TEST_DB=postgres (the `bff-pg`
// vitest project) gives every test a fresh database in the run's PostgreSQL
// cluster (testing/pg-global-setup.ts) instead of a fresh SQLite file.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HTTPMethods } from 'fastify';
import { inject } from 'vitest';
import { isAuditAction } from '../../../shared/domain/audit.js';
import type { Role, ServiceRole } from '../../../shared/domain/user.js';
import type { TokenResponse } from '../../../shared/api/auth.js';
import type { BffSettings } from '../context.js';
import type { BuildAppOptions } from '../app.js';
import { startBff, type RunningBff } from '../server.js';
import { signingKeySecretFrom } from '../services/report-signing.js';
import type { Engine } from '../store/engine.js';
import { createUser } from '../store/users.js';
import { createServiceAccount } from '../services/service-accounts.js';
import { createTestDatabase } from './pg-cluster.js';

/** The engine this test run uses. */
export const TEST_ENGINE: Engine = process.env.BFF_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A fresh, empty database for one test: a SQLite file `name` in `dir`, or
 * (BFF_TEST_DB=postgres) a new database in the run's cluster, as a URL.
 * Either way it is a location openDatabase, startBff and the CLI accept.
 */
export async function testDatabase(dir: string, name = 'test.db'): Promise<string> {
  if (TEST_ENGINE === 'sqlite') return join(dir, name);
  return createTestDatabase(inject('bffPgAdminUrl'));
}

/**
 * Replicas on PostgreSQL keep report-signing keys sealed in the database
 * (docs/decisions/0004); the test servers do too, under a per-run secret.
 */
const signingSecretText = randomBytes(32).toString('base64');
export const TEST_SIGNING_KEY_SECRET = TEST_ENGINE === 'postgres' ? signingKeySecretFrom({ BFF_SIGNING_KEY_SECRET: signingSecretText }) : undefined;

/** Environment for a BFF child process (`bff serve`) in this run: the same signing-key secret on PostgreSQL. */
export const TEST_CHILD_ENV: Record<string, string> = TEST_ENGINE === 'postgres' ? { BFF_SIGNING_KEY_SECRET: signingSecretText } : {};

export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
    },
  };
}

export interface TestBff extends RunningBff {
  clock: TestClock;
  dir: string;
  /** The database location: a SQLite file, or a postgres:// URL (BFF_TEST_DB=postgres). */
  dbFile: string;
  /** A request through app.inject with JSON in and out. */
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  login(username: string, password?: string): Promise<TokenResponse>;
  /** Creates a service account as an admin's CLI would and answers its token. */
  serviceToken(name: string, roles: ServiceRole[], ttlSeconds?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw body text, sent as is. */
  rawBody?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // Tests inspect bodies loosely; the schemas are checked by the server.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export const TEST_USERS: { username: string; roles: Role[] }[] = [
  { username: 'vera', roles: ['viewer'] },
  { username: 'olivia', roles: ['operator'] },
  { username: 'otto', roles: ['operator'] },
  { username: 'arjun', roles: ['approver'] },
  { username: 'ada', roles: ['admin'] },
];

export const passwordOf = (username: string): string => `pw-${username}-long-enough`;

/**
 * scrypt cost of test users: 2^12 instead of the default 2^17, so that suites
 * creating and signing in many users stay quick. Tests of the cost itself pass their own.
 */
export const TEST_PASSWORD_COST = { N: 2 ** 12, r: 8, p: 1 };

export async function startTestBff(
  options: {
    users?: { username: string; roles: Role[] }[];
    settings?: Partial<Omit<BffSettings, 'accessTokenSecret'>>;
    seedDemo?: boolean;
    routes?: BuildAppOptions['routes'];
    /** Also listen on an ephemeral loopback port, for tests that fetch `url` (event streams, raw HTTP). */
    socket?: boolean;
  } = {},
): Promise<TestBff> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-test-'));
  const dbFile = await testDatabase(dir);
  const clock = testClock();
  const running = await startBff({
    dbFile,
    port: 0,
    listen: options.socket ?? false,
    seedDemo: options.seedDemo ?? false,
    routes: options.routes,
    now: clock.now,
    // Tests sign in far more often than a person would.
    settings: {
      authRateLimitPerMinute: 10_000,
      passwordCost: TEST_PASSWORD_COST,
      ...(TEST_SIGNING_KEY_SECRET ? { signingKeySecret: TEST_SIGNING_KEY_SECRET } : {}),
      ...options.settings,
    },
  });
  const users = options.users ?? TEST_USERS;
  await Promise.all(
    users.map((user) =>
      createUser(
        running.ctx.db,
        { username: user.username, displayName: user.username, password: passwordOf(user.username), roles: user.roles },
        clock.now(),
        { cost: running.ctx.settings.passwordCost },
      ),
    ),
  );

  const call = async (method: string, path: string, callOptions: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
    let body: string | undefined = callOptions.rawBody;
    if (callOptions.body !== undefined) {
      body = JSON.stringify(callOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await running.app.inject({ method: method as HTTPMethods, url: path, headers, payload: body });
    const text = response.body;
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.statusCode, headers: headersOf(response.headers), body: parsed, text };
  };

  const login = async (username: string, password = passwordOf(username)): Promise<TokenResponse> => {
    const result = await call('POST', '/auth/login', { body: { username, password } });
    if (result.status !== 200) throw new Error(`login ${username} failed: ${result.status} ${result.text}`);
    return result.body as TokenResponse;
  };

  const socket = options.socket ?? false;
  return {
    ...running,
    get url(): string {
      if (!socket) throw new Error('this test BFF has no socket: start it with { socket: true } to fetch its url');
      return running.url;
    },
    clock,
    dir,
    dbFile,
    call,
    login,
    serviceToken: async (name, roles, ttlSeconds) =>
      (await createServiceAccount(running.ctx.db, { name, roles, ttlSeconds, actor: 'test', now: clock.now() })).token,
    stop: async () => {
      // A test that closed the server itself (or broke its database on purpose) leaves nothing to read.
      const unlisted = await auditActionsOutsideTheList(running).catch(() => []);
      await running.close();
      await rm(dir, { recursive: true, force: true });
      if (unlisted.length > 0) throw new Error(`the BFF wrote audit actions missing from shared/domain/audit.ts: ${unlisted.join(', ')}`);
    },
  };
}

/** Fastify's header object as the Fetch API's Headers, which tests read with get(). */
function headersOf(raw: Record<string, string | string[] | number | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, String(one));
  }
  return headers;
}

/**
 * Every action the server wrote during the test that the shared list lacks.
 * appendAudit's type already refuses an unknown literal; this catches what
 * the compiler cannot see (a computed action, a cast), in every flow the suite runs.
 */
async function auditActionsOutsideTheList(running: RunningBff): Promise<string[]> {
  const rows = await running.ctx.db.selectFrom('audit_log').select('action').distinct().execute();
  return rows.map((row) => row.action).filter((action) => !isAuditAction(action));
}
