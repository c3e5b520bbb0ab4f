import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import { startTestBff, type TestBff } from '../testing/harness.js';

let executions = 0;
let release: (() => void) | undefined;

const countingRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app) => {
  app.post(
    '/test/things',
    {
      config: { access: { role: 'operator' } },
      schema: {
        body: z.strictObject({ name: z.string(), mode: z.enum(['ok', 'slow', 'crash', 'refuse']).default('ok') }),
        response: { 201: z.strictObject({ n: z.number(), name: z.string() }) },
      },
    },
    async (request, reply) => {
      executions += 1;
      const n = executions;
      if (request.body.mode === 'slow') await new Promise<void>((resolve) => (release = resolve));
      if (request.body.mode === 'crash') throw new Error('database went away');
      if (request.body.mode === 'refuse') throw new ApiError('nothing_to_roll_back', 'nothing to roll back');
      return reply.code(201).send({ n, name: request.body.name });
    },
  );
};

let bff: TestBff;
let token: string;
let otherToken: string;

beforeAll(async () => {
  bff = await startTestBff({
    users: [
      { username: 'olivia', roles: ['operator'] },
      { username: 'otto', roles: ['operator'] },
    ],
    routes: [countingRoutes],
  });
  token = (await bff.login('olivia')).access_token;
  otherToken = (await bff.login('otto')).access_token;
});
afterAll(async () => bff?.stop());

const post = (key: string | undefined, body: object, as = token) =>
  bff.call('POST', '/test/things', { token: as, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

describe('Idempotency-Key', () => {
  it('replays the first answer (same status and body) without running the handler again', async () => {
    const before = executions;
    const first = await post('key-replay-0001', { name: 'a' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post('key-replay-0001', { name: 'a' });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(executions).toBe(before + 1);
  });

  it('answers 409 idempotency_conflict for the same key with another body', async () => {
    await post('key-conflict-01', { name: 'a' });
    const other = await post('key-conflict-01', { name: 'b' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('keeps keys per user', async () => {
    const mine = await post('key-per-user-1', { name: 'a' });
    const theirs = await post('key-per-user-1', { name: 'a' }, otherToken);
    expect(theirs.status).toBe(201);
    expect(theirs.body.n).not.toBe(mine.body.n);
  });

  it('refuses a concurrent duplicate while the first is still running', async () => {
    const slow = post('key-inflight-01', { name: 'a', mode: 'slow' });
    while (!release) await new Promise((resolve) => setTimeout(resolve, 5));
    const duplicate = await post('key-inflight-01', { name: 'a', mode: 'slow' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('conflict');
    release();
    release = undefined;
    expect((await slow).status).toBe(201);
  });

  it('stores 4xx answers, but forgets 5xx ones so that a retry runs', async () => {
    const refused = await post('key-refused-01', { name: 'a', mode: 'refuse' });
    expect(refused.status).toBe(409);
    const replayed = await post('key-refused-01', { name: 'a', mode: 'refuse' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.text).toBe(refused.text);

    const crashed = await post('key-crashed-01', { name: 'a', mode: 'crash' });
    expect(crashed.status).toBe(500);
    expect(crashed.body.error.code).toBe('internal');
    expect(crashed.text).not.toContain('database went away');
    const retried = await post('key-crashed-01', { name: 'a', mode: 'crash' });
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('rejects a malformed key with 400 and ignores requests without one', async () => {
    const bad = await post('short', { name: 'a' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    const before = executions;
    await post(undefined, { name: 'a' });
    await post(undefined, { name: 'a' });
    expect(executions).toBe(before + 2);
  });

  it('expires keys after 24 hours', async () => {
    const first = await post('key-expiry-001', { name: 'a' });
    bff.clock.advance(24 * 3600 * 1000 + 1000);
    try {
      const fresh = await post('key-expiry-001', { name: 'a' }, (await bff.login('olivia')).access_token);
      expect(fresh.status).toBe(201);
      expect(fresh.headers.get('idempotent-replayed')).toBeNull();
      expect(fresh.body.n).not.toBe(first.body.n);
    } finally {
      bff.clock.advance(-(24 * 3600 * 1000 + 1000));
    }
  });
});
