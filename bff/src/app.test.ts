import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import accessPlugin from './plugins/access.js';
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, registeredRoutes } from './app.js';
import { createContext, startBff } from './server.js';
import { openDatabase } from './store/database.js';
import { createUser } from './store/users.js';
import { MIGRATION_NAMES } from './store/migrate.js';
import { startTestBff, testDatabase, TEST_ENGINE, TEST_SIGNING_KEY_SECRET, type TestBff } from './testing/harness.js';

let bff: TestBff;
let token: string;

beforeAll(async () => {
  bff = await startTestBff({ users: [{ username: 'vera', roles: ['viewer'] }] });
  token = (await bff.login('vera')).access_token;
});
afterAll(async () => bff?.stop());

function expectErrorShape(body: unknown, code: string): void {
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(Object.keys(body as object)).toEqual(['error']);
}

describe('one error shape', () => {
  it('invalid JSON -> 400 invalid_request', async () => {
    const result = await bff.call('POST', '/auth/login', { rawBody: '{"username": ', headers: { 'content-type': 'application/json' } });
    expect(result.status).toBe(400);
    expectErrorShape(result.body, 'invalid_request');
  });

  it('an unknown field -> 400 invalid_request naming the problem', async () => {
    const result = await bff.call('POST', '/auth/login', { body: { username: 'vera', password: 'x', admin: true } });
    expect(result.status).toBe(400);
    expectErrorShape(result.body, 'invalid_request');
    expect(result.body.error.details.issues[0].where).toBe('body');
  });

  it('a body over 1 MiB -> 413 payload_too_large', async () => {
    const result = await bff.call('POST', '/auth/login', { body: { username: 'vera', password: 'x'.repeat(1024 * 1024) } });
    expect(result.status).toBe(413);
    expectErrorShape(result.body, 'payload_too_large');
  });

  it('another content type -> 415 unsupported_media_type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const result = await bff.call('POST', '/auth/login', { rawBody: 'username=vera', headers: { 'content-type': type } });
      expect(result.status).toBe(415);
      expectErrorShape(result.body, 'unsupported_media_type');
    }
  });

  it('an unknown route -> 404 not_found', async () => {
    const result = await bff.call('GET', '/admin/nothing-here?x=1');
    expect(result.status).toBe(404);
    expectErrorShape(result.body, 'not_found');
    expect(result.body.error.message).toBe('no route GET /admin/nothing-here');
  });

  it('no sign-in -> 401 unauthenticated; a bad query -> 400', async () => {
    const anonymous = await bff.call('GET', '/admin/audit');
    expect(anonymous.status).toBe(401);
    expectErrorShape(anonymous.body, 'unauthenticated');
    const bad = await bff.call('GET', '/admin/audit?limit=100000', { token });
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, 'invalid_request');
  });
});

describe('headers', () => {
  it('sets security headers everywhere and no-store on /auth and /admin', async () => {
    const health = await bff.call('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      db: TEST_ENGINE,
      migrations: { current: true, applied: MIGRATION_NAMES.length, expected: MIGRATION_NAMES.length },
      ready: true,
    });
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-frame-options')).toBe('DENY');
    expect(health.headers.get('cache-control')).toBeNull();
    const audit = await bff.call('GET', '/admin/audit', { token });
    expect(audit.headers.get('cache-control')).toBe('no-store');
    const notFound = await bff.call('GET', '/nowhere');
    expect(notFound.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('GET /openapi.json', () => {
  it('is public OpenAPI 3.1 JSON with a path for every registered route', async () => {
    const result = await bff.call('GET', '/openapi.json');
    expect(result.status).toBe(200);
    expect(result.body.openapi).toBe('3.1.0');
    const paths = result.body.paths as Record<string, Record<string, unknown>>;
    const routes = registeredRoutes(bff.app).filter((route) => route.url !== '/openapi.json');
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const route of routes) {
      const openApiPath = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(paths[openApiPath]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    expect(paths['/auth/login']?.post).toMatchObject({ requestBody: { content: { 'application/json': { schema: expect.any(Object) } } } });
  });
});

describe('GET /routing', () => {
  it('lists the deployments table as routing entries (viewer)', async () => {
    const now = new Date().toISOString();
    await bff.ctx.db
      .insertInto('models')
      .values({ id: 'ltr-x', name: 'LTR', type: 'LTR', owner: 'search', description: '', tags: '[]', policy: '{}', created_at: now })
      .execute();
    await bff.ctx.db
      .insertInto('deployments')
      .values({
        model_id: 'ltr-x',
        stable_version: '1.0.0',
        canary_version: '1.1.0',
        canary_pct: 5,
        phase: 'canary',
        state_version: 3,
        previous_stable: null,
        salt: 'salt-1',
        updated_at: now,
      })
      .execute();
    const result = await bff.call('GET', '/routing', { token });
    expect(result.status).toBe(200);
    expect(result.body.items).toContainEqual({ model_id: 'ltr-x', stable: '1.0.0', canary: '1.1.0', canary_pct: 5, salt: 'salt-1' });
    expect((await bff.call('GET', '/routing')).status).toBe(401);
  });
});

describe('deny by default', () => {
  it('refuses to register a route without config.access', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(accessPlugin, { authenticate: async () => null });
    await expect(
      app.register(async (scope) => {
        scope.get('/open', async () => ({ ok: true }));
      }),
    ).rejects.toThrow(/does not declare config.access/);
    await app.close();
  });

  it('checks HEAD routes (generated from GET ones) like their GET route', async () => {
    expect((await bff.call('HEAD', '/admin/models')).status).toBe(401);
    expect((await bff.call('HEAD', '/admin/models', { token })).status).toBe(200);
    expect((await bff.call('HEAD', '/admin/policy-changes', { token })).status).toBe(403);
  });

  it("runs the access check before a route's own onRequest hooks", async () => {
    const app = Fastify();
    const reached: string[] = [];
    await app.register(accessPlugin, { authenticate: (request) => (request.headers['x-who'] === 'vera' ? { kind: 'user', userId: 'u', username: 'vera', displayName: 'Vera', roles: ['viewer'], serviceRoles: [] } : null) });
    app.get('/viewers', { config: { access: { role: 'viewer' } }, onRequest: async (request) => void reached.push(request.principal?.username ?? 'nobody') }, async () => ({ ok: true }));
    expect((await app.inject({ method: 'GET', url: '/viewers' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/viewers', headers: { 'x-who': 'vera' } })).statusCode).toBe(200);
    expect(reached).toEqual(['vera']);
    await app.close();
  });
});

describe('rate limit on /auth', () => {
  it('answers 429 rate_limited past the per-minute budget', async () => {
    const limited = await startTestBff({ users: [], settings: { authRateLimitPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i += 1) {
        last = await limited.call('POST', '/auth/login', { body: { username: 'nobody', password: 'whatever-long' } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expectErrorShape(last!.body, 'rate_limited');
      // Other routes are not limited.
      expect((await limited.call('GET', '/healthz')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('shares the budget between two servers on one database (replicas behind a load balancer)', async () => {
    const first = await startTestBff({ users: [], settings: { authRateLimitPerMinute: 4 }, socket: true });
    const second = await startBff({ dbFile: first.dbFile, port: 0, settings: { ...first.ctx.settings, authRateLimitPerMinute: 4 } });
    try {
      const attempt = async (url: string) =>
        (await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"nobody","password":"whatever-long"}' }))
          .status;
      const statuses = [];
      for (const url of [first.url, second.url, first.url, second.url, first.url, second.url]) statuses.push(await attempt(url));
      // Each server saw three attempts, under its own budget of four: only a shared count refuses the fifth.
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await second.close();
      await first.stop();
    }
  });
});

describe('logging', () => {
  it('never writes passwords or tokens, even when a handler logs them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'log-test-'));
    const db = await openDatabase(await testDatabase(dir, 'log.db'));
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const ctx = createContext(db);
    const app = await buildApp(ctx, { logger: { level: 'debug', stream } });
    try {
      await createUser(db, { username: 'olivia', displayName: 'O', password: 'secret-password-1', roles: ['operator'] }, new Date());
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'olivia', password: 'secret-password-1' } });
      const { access_token: accessToken, refresh_token: refreshToken } = login.json<{ access_token: string; refresh_token: string }>();
      const stepUp = await app.inject({
        method: 'POST',
        url: '/auth/step-up',
        headers: { authorization: `Bearer ${accessToken}` },
        payload: { password: 'secret-password-1' },
      });
      const stepUpToken = stepUp.json<{ step_up_token: string }>().step_up_token;
      await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken } });
      await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'olivia', password: 'wrong-password-2' } });
      // A careless log line elsewhere in the code base:
      app.log.info({ req: { headers: { authorization: `Bearer ${accessToken}`, 'x-step-up-token': stepUpToken } }, body: { password: 'secret-password-1', refresh_token: refreshToken } }, 'careless');
      expect(log).toContain('careless');
      expect(log).toContain('[redacted]');
      for (const secret of ['secret-password-1', 'wrong-password-2', accessToken, refreshToken, stepUpToken]) expect(log).not.toContain(secret);
    } finally {
      await app.close();
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('graceful shutdown', () => {
  it('turns readiness to 503 while draining, finishes the request in flight, then stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shutdown-test-'));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const running = await startBff({
      dbFile: await testDatabase(dir),
      port: 0,
      // Long enough for the two health checks below to land inside the drain on a busy machine.
      drainMs: 3000,
      ...(TEST_SIGNING_KEY_SECRET ? { settings: { signingKeySecret: TEST_SIGNING_KEY_SECRET } } : {}),
      routes: [
        async (app) => {
          app.get('/test/slow', { config: { access: { role: 'public' } } }, async () => {
            started();
            await released;
            return { done: true };
          });
        },
      ],
    });
    try {
      expect((await fetch(`${running.url}/healthz?ready=1`)).status).toBe(200);
      const inFlight = fetch(`${running.url}/test/slow`).then(async (answer) => ({ status: answer.status, body: await answer.json() }));
      await inHandler;
      const closing = running.close();
      const ready = await fetch(`${running.url}/healthz?ready=1`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      const live = await fetch(`${running.url}/healthz`);
      expect(live.status).toBe(200);
      expect(((await live.json()) as { ready: boolean }).ready).toBe(false);
      release();
      expect(await inFlight).toEqual({ status: 200, body: { done: true } });
      await closing;
      await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    } finally {
      release();
      await running.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
