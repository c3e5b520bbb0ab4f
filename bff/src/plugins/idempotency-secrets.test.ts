// Finding 11 of issue 11: a step-up sent with an Idempotency-Key stored the raw
// step-up token (the replayable answer) and a plain sha256 of a body holding the
// password. /auth/* is never stored now, and other bodies are fingerprinted
// with a per-database HMAC key.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import type { BffContext } from '../context.js';
import { passwordOf, startTestBff, type TestBff } from '../testing/harness.js';

const echoRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app) => {
  app.post(
    '/test/notes',
    {
      config: { access: { role: 'operator' } },
      schema: { body: z.strictObject({ note: z.string() }), response: { 201: z.strictObject({ note: z.string() }) } },
    },
    async (request, reply) => reply.code(201).send({ note: request.body.note }),
  );
};

let bff: TestBff;
let token: string;

beforeAll(async () => {
  bff = await startTestBff({ users: [{ username: 'olivia', roles: ['operator'] }], routes: [echoRoutes] });
  token = (await bff.login('olivia')).access_token;
});
afterAll(async () => bff?.stop());

/** Every byte SQLite has written for this database (main file, WAL, journal). */
async function databaseBytes(): Promise<string> {
  const files = (await readdir(bff.dir, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.startsWith('test.db')).map((entry) => entry.name);
  const parts = await Promise.all(files.map(async (name) => (await readFile(join(bff.dir, name))).toString('latin1')));
  return parts.join('\n');
}

const plainSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('Idempotency-Key on /auth/*', () => {
  it('stores nothing for a step-up: no row, no token, no hash derived from the password', async () => {
    const password = passwordOf('olivia');
    const body = { password, purpose: 'rollout' };
    const answer = await bff.call('POST', '/auth/step-up', { token, body, headers: { 'idempotency-key': 'step-up-key-0001' } });
    expect(answer.status, answer.text).toBe(200);
    const stepUpToken: string = answer.body.step_up_token;

    expect(await bff.ctx.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
    const bytes = await databaseBytes();
    expect(bytes).not.toContain(stepUpToken);
    expect(bytes).not.toContain(password);
    // What the old code stored as request_hash.
    expect(bytes).not.toContain(plainSha256(canonicalJson({ method: 'POST', url: '/auth/step-up', body })));

    // The key is simply ignored: the same call again is a new step-up with a new token.
    const again = await bff.call('POST', '/auth/step-up', { token, body, headers: { 'idempotency-key': 'step-up-key-0001' } });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.step_up_token).not.toBe(stepUpToken);
  });
});

describe('request fingerprints', () => {
  it('are an HMAC under a per-database key, never a plain hash of the body; replay still works', async () => {
    const body = { note: 'roll back ltr-ranker' };
    const first = await bff.call('POST', '/test/notes', { token, body, headers: { 'idempotency-key': 'note-key-0001' } });
    expect(first.status).toBe(201);
    const row = await bff.ctx.db.selectFrom('idempotency_keys').selectAll().where('key', '=', 'note-key-0001').executeTakeFirstOrThrow();
    expect(row.request_hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(row.request_hash).not.toContain(plainSha256(canonicalJson({ method: 'POST', url: '/test/notes', body })));

    const replay = await bff.call('POST', '/test/notes', { token, body, headers: { 'idempotency-key': 'note-key-0001' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await bff.call('POST', '/test/notes', { token, body: { note: 'other' }, headers: { 'idempotency-key': 'note-key-0001' } });
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('still recognise a row stored before the upgrade (plain sha256 of a body without secrets)', async () => {
    const body = { note: 'stored by the previous version' };
    const user = await bff.ctx.db.selectFrom('users').select('id').where('username', '=', 'olivia').executeTakeFirstOrThrow();
    await bff.ctx.db
      .insertInto('idempotency_keys')
      .values({
        user_id: user.id,
        key: 'legacy-key-0001',
        method: 'POST',
        route: '/test/notes',
        request_hash: plainSha256(canonicalJson({ method: 'POST', url: '/test/notes', body })),
        status_code: 201,
        response: '{"note":"first answer"}',
        created_at: bff.clock.now().toISOString(),
      })
      .execute();
    const replay = await bff.call('POST', '/test/notes', { token, body, headers: { 'idempotency-key': 'legacy-key-0001' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual({ note: 'first answer' });
  });
});
