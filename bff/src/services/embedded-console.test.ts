// The embedded console's in-process sign-in and step-up (docs/decisions/0014-local-mode-sign-in.md):
// a normal session and a normal step-up token, both audited with their method, no
// password involved, nothing for a dead session, another user or a second-factor account.
// (No route leads to either: routes/endpoint-table.test.ts pins the routes to the endpoint table.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction } from '../../../shared/domain/audit.js';
import { ApiError } from '../errors.js';
import { listAudit } from '../store/audit-log.js';
import { startTestBff, type TestBff } from '../testing/harness.js';
import { findUserByUsername, setTotpSecret } from '../store/users.js';
import { EMBEDDED_CONSOLE_METHOD, embeddedStepUp, openEmbeddedSession } from './embedded-console.js';
import { stepUpSpender } from './step-up.js';

let bff: TestBff;
let demoIds: Set<string>;
const admitDemo = (userId: string) => demoIds.has(userId);

beforeAll(async () => {
  bff = await startTestBff();
  const olivia = await findUserByUsername(bff.ctx.db, 'olivia');
  const arjun = await findUserByUsername(bff.ctx.db, 'arjun');
  demoIds = new Set([olivia!.user.id, arjun!.user.id]);
});

afterAll(async () => {
  await bff?.stop();
});

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
};

const lastAudit = async (action: AuditAction) => (await listAudit(bff.ctx.db, { action, limit: 1 })).items[0];

describe('openEmbeddedSession', () => {
  it('opens a normal session without a password: the tokens work over HTTP, refresh rotates them, the audit names the method', async () => {
    const tokens = await openEmbeddedSession(bff.ctx, 'olivia');
    expect(tokens.user.username).toBe('olivia');
    const me = await bff.call('GET', '/auth/me', { token: tokens.access_token });
    expect(me).toMatchObject({ status: 200, body: { user: { username: 'olivia' } } });
    const refreshed = await bff.call('POST', '/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(await lastAudit('auth.login')).toMatchObject({ actor: 'olivia', details: { method: EMBEDDED_CONSOLE_METHOD } });
  });

  it('refuses unknown and disabled accounts', async () => {
    expect((await rejection(openEmbeddedSession(bff.ctx, 'mallory'))).code).toBe('invalid_credentials');
    const otto = await findUserByUsername(bff.ctx.db, 'otto');
    await bff.ctx.db.updateTable('users').set({ disabled: 1 }).where('id', '=', otto!.user.id).execute();
    expect((await rejection(openEmbeddedSession(bff.ctx, 'otto'))).code).toBe('invalid_credentials');
  });
});

describe('embeddedStepUp', () => {
  it('issues a purpose-bound, single-use step-up token for the live session, audited with the method', async () => {
    const tokens = await openEmbeddedSession(bff.ctx, 'olivia');
    const stepUp = await embeddedStepUp(bff.ctx, tokens.access_token, 'rollback', admitDemo);
    expect(stepUp.expires_in).toBe(bff.ctx.settings.stepUpTtlSeconds);
    expect(await lastAudit('auth.step_up')).toMatchObject({ actor: 'olivia', details: { purpose: 'rollback', method: EMBEDDED_CONSOLE_METHOD } });
    // The token the access plugin spends for a route of that purpose: once, and for nothing else.
    const spend = (purpose: 'rollback' | 'approve') => bff.ctx.db.transaction().execute((trx) => stepUpSpender(tokens.user.id, stepUp.step_up_token, purpose)(trx, bff.clock.now()));
    expect((await rejection(spend('approve'))).code).toBe('step_up_invalid');
    expect(await spend('rollback')).toEqual({ authTime: stepUp.auth_time });
    expect((await rejection(spend('rollback'))).code).toBe('step_up_invalid');
  });

  it('refuses a signed-out session, a token of no session, and users the console may not confirm for', async () => {
    const tokens = await openEmbeddedSession(bff.ctx, 'arjun');
    await bff.call('POST', '/auth/logout', { token: tokens.access_token, body: { refresh_token: tokens.refresh_token } });
    expect((await rejection(embeddedStepUp(bff.ctx, tokens.access_token, 'approve', admitDemo))).code).toBe('unauthenticated');
    expect((await rejection(embeddedStepUp(bff.ctx, 'not-a-token', 'approve', admitDemo))).code).toBe('unauthenticated');
    // Ada signed in with her password: the console does not confirm for her.
    const ada = await bff.login('ada');
    expect((await rejection(embeddedStepUp(bff.ctx, ada.access_token, 'policy', admitDemo))).code).toBe('step_up_required');
  });

  it('refuses an account with a second factor: the console cannot vouch for a code', async () => {
    const arjun = await findUserByUsername(bff.ctx.db, 'arjun');
    await setTotpSecret(bff.ctx.db, arjun!.user.id, 'JBSWY3DPEHPK3PXP');
    try {
      const tokens = await openEmbeddedSession(bff.ctx, 'arjun');
      expect((await rejection(embeddedStepUp(bff.ctx, tokens.access_token, 'approve', admitDemo))).code).toBe('step_up_required');
    } finally {
      await setTotpSecret(bff.ctx.db, arjun!.user.id, null);
    }
  });
});
