import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import { passwordOf, startTestBff, type TestBff } from '../testing/harness.js';
import { spendStepUpOf } from '../plugins/access.js';

// A risky action as the domain routes write one: the token is spent inside the
// action's transaction, and the action may still fail afterwards.
const riskyRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.post(
    '/test/risky',
    {
      config: { access: { role: 'operator', stepUp: 'rollout' } },
      schema: { body: z.strictObject({ fail: z.boolean().default(false) }), response: { 200: z.strictObject({ auth_time: z.string() }) } },
    },
    async (request) =>
      ctx.db.transaction().execute(async (trx) => {
        const { authTime } = await spendStepUpOf(request)(trx, ctx.now());
        if (request.body.fail) throw new ApiError('stale_state', 'the deployment changed');
        return { auth_time: authTime };
      }),
  );
  app.post(
    '/test/approve',
    {
      config: { access: { role: 'operator', stepUp: 'approve' } },
      schema: { response: { 200: z.strictObject({ ok: z.boolean() }) } },
    },
    async (request) => {
      await spendStepUpOf(request)(ctx.db, ctx.now());
      return { ok: true };
    },
  );
};

let bff: TestBff;
let olivia: string;
let otto: string;

beforeAll(async () => {
  bff = await startTestBff({
    users: [
      { username: 'olivia', roles: ['operator'] },
      { username: 'otto', roles: ['operator'] },
    ],
    routes: [riskyRoutes],
  });
  olivia = (await bff.login('olivia')).access_token;
  otto = (await bff.login('otto')).access_token;
});
afterAll(async () => bff?.stop());

async function stepUp(token: string, username: string, purpose?: string): Promise<string> {
  const result = await bff.call('POST', '/auth/step-up', {
    token,
    body: purpose ? { password: passwordOf(username), purpose } : { password: passwordOf(username) },
  });
  expect(result.status).toBe(200);
  return result.body.step_up_token as string;
}

const risky = (token: string, stepUpToken?: string, body: object = {}) =>
  bff.call('POST', '/test/risky', { token, body, headers: stepUpToken ? { 'x-step-up-token': stepUpToken } : {} });

describe('step-up tokens', () => {
  it('answers 428 step_up_required without the header, before validating the body', async () => {
    const result = await risky(olivia, undefined, { unknown: 1 });
    expect(result.status).toBe(428);
    expect(result.body.error).toMatchObject({ code: 'step_up_required', details: { purpose: 'rollout' } });
  });

  it('is spent once: the second use is step_up_invalid', async () => {
    const token = await stepUp(olivia, 'olivia', 'rollout');
    const first = await risky(olivia, token);
    expect(first.status).toBe(200);
    expect(Date.parse(first.body.auth_time)).toBeGreaterThan(0);
    const second = await risky(olivia, token);
    expect(second.status).toBe(428);
    expect(second.body.error.code).toBe('step_up_invalid');
  });

  it('stays unspent when the action rolls back', async () => {
    const token = await stepUp(olivia, 'olivia', 'rollout');
    const failed = await risky(olivia, token, { fail: true });
    expect(failed.status).toBe(409);
    expect((await risky(olivia, token)).status).toBe(200);
  });

  it('expires after five minutes', async () => {
    const token = await stepUp(olivia, 'olivia', 'rollout');
    bff.clock.advance(301_000);
    try {
      const late = await bff.call('POST', '/test/risky', { token: (await bff.login('olivia')).access_token, body: {}, headers: { 'x-step-up-token': token } });
      expect(late.status).toBe(428);
      expect(late.body.error.code).toBe('step_up_invalid');
    } finally {
      bff.clock.advance(-301_000);
    }
  });

  it('is bound to its purpose; a token without purpose serves any one action', async () => {
    const forRollout = await stepUp(olivia, 'olivia', 'rollout');
    const wrongPurpose = await bff.call('POST', '/test/approve', { token: olivia, headers: { 'x-step-up-token': forRollout } });
    expect(wrongPurpose.status).toBe(428);
    expect(wrongPurpose.body.error.code).toBe('step_up_invalid');
    // Refused without being spent: it still works for its own purpose.
    expect((await risky(olivia, forRollout)).status).toBe(200);

    const anyPurpose = await stepUp(olivia, 'olivia');
    expect((await bff.call('POST', '/test/approve', { token: olivia, headers: { 'x-step-up-token': anyPurpose } })).status).toBe(200);
    expect((await risky(olivia, anyPurpose)).status).toBe(428);
  });

  it("is bound to its user: another user's token is step_up_invalid", async () => {
    const ottos = await stepUp(otto, 'otto', 'rollout');
    const stolen = await risky(olivia, ottos);
    expect(stolen.status).toBe(428);
    expect(stolen.body.error.code).toBe('step_up_invalid');
    expect((await risky(otto, ottos)).status).toBe(200);
  });

  it('refuses made-up tokens and never stores the raw token', async () => {
    expect((await risky(olivia, 'made-up')).body.error.code).toBe('step_up_invalid');
    const token = await stepUp(olivia, 'olivia', 'rollout');
    const rows = await bff.ctx.db.selectFrom('step_up_tokens').select('id').execute();
    expect(rows.some((row) => row.id === token)).toBe(false);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.id))).toBe(true);
  });

  it('lets exactly one of two concurrent uses win', async () => {
    const token = await stepUp(olivia, 'olivia', 'rollout');
    const results = await Promise.all([risky(olivia, token), risky(olivia, token), risky(olivia, token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 428, 428]);
  });
});
