// Finding 12 of issue 11: a write in flight when the BFF is SIGKILLed left its
// Idempotency-Key "in progress", and every retry got 409 for 24 hours. A real
// BFF child process is killed with two requests in flight (one inside an open
// transaction); the restarted server refuses a retry only while the lease
// lasts, then runs it — and clears such reservations at its next start.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startBff, type RunningBff } from '../server.js';
import { HANG_SIGNAL, hangingRoutes } from '../testing/hanging-routes.js';
import { testClock } from '../testing/harness.js';

const PASSWORD = 'crash-test-password-long';
const LEASE_SECONDS = 60;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function waitFor(read: () => string, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${what}; output so far:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function call(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
}

describe('an Idempotency-Key whose request died with its process', () => {
  it('is retried after its lease, and cleared at the next start', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bff-crash-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const dbFile = join(dir, 'crash.db');
    const secret = randomBytes(32);

    // 1. A real BFF process with two writes in flight.
    const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, ['--import', 'tsx', 'bff/src/testing/crash-child.ts'], {
      cwd: join(import.meta.dirname, '../..', '..'),
      env: { ...process.env, CRASH_TEST_DB: dbFile, CRASH_TEST_PASSWORD: PASSWORD, BFF_ACCESS_TOKEN_SECRET: secret.toString('base64') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    const childUrl = (await waitFor(() => output, /READY (http:\/\/127\.0\.0\.1:\d+)/, 'READY line'))[1]!;
    const login = await call(childUrl, '/auth/login', { username: 'olivia', password: PASSWORD });
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${String(login.body.access_token)}` };
    const inTransaction = { 'idempotency-key': 'crash-key-in-transaction', ...auth };
    const outside = { 'idempotency-key': 'crash-key-outside-transaction', ...auth };
    // Never answered: the process dies first. The open transaction holds SQLite's one connection, so it goes second.
    void call(childUrl, '/test/outside-transaction', { note: 'second' }, outside).catch(() => undefined);
    await waitFor(() => output, new RegExp(`${HANG_SIGNAL} second`), 'second request in its handler');
    void call(childUrl, '/test/in-transaction', { note: 'first' }, inTransaction).catch(() => undefined);
    await waitFor(() => output, new RegExp(`${HANG_SIGNAL} first`), 'first request in its handler');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // 2. Restarted on the same database: both keys are held while their leases last.
    const clock = testClock();
    let server: RunningBff = await startBff({ dbFile, port: 0, accessTokenSecret: secret, now: clock.now, routes: [hangingRoutes(false)] });
    cleanups.push(() => server.close());
    expect(server.ctx.settings.idempotencyLeaseSeconds).toBe(LEASE_SECONDS);
    const audited = async () =>
      (await server.ctx.db.selectFrom('audit_log').select('details').where('action', '=', 'test.note').execute()).length;
    expect(await audited()).toBe(0); // the write in flight was rolled back with the process
    expect((await call(server.url, '/test/in-transaction', { note: 'first' }, inTransaction)).body.error?.code).toBe('conflict');
    expect((await call(server.url, '/test/outside-transaction', { note: 'second' }, outside)).body.error?.code).toBe('conflict');

    // 3. After the lease, a retry runs the action once; a second retry replays it.
    clock.advance((LEASE_SECONDS + 1) * 1000);
    const retried = await call(server.url, '/test/in-transaction', { note: 'first' }, inTransaction);
    expect(retried.status).toBe(201);
    expect(await audited()).toBe(1);
    const replayed = await call(server.url, '/test/in-transaction', { note: 'first' }, inTransaction);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await audited()).toBe(1);

    // 4. The next start clears the other dead reservation before anyone asks.
    await server.close();
    server = await startBff({ dbFile, port: 0, accessTokenSecret: secret, now: clock.now, routes: [hangingRoutes(false)] });
    const reservations = await server.ctx.db.selectFrom('idempotency_keys').select('key').where('status_code', '=', 0).execute();
    expect(reservations).toEqual([]);
    expect((await call(server.url, '/test/outside-transaction', { note: 'second' }, outside)).status).toBe(201);
  });
});
