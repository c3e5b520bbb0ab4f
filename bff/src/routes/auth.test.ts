import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, passwordOf, type TestBff } from '../testing/harness.js';
import { findUserByUsername, setTotpSecret } from '../store/users.js';
import { listAudit } from '../store/audit-log.js';
import { totpCode } from '../services/totp.js';

let bff: TestBff;

beforeAll(async () => {
  bff = await startTestBff({
    users: [
      { username: 'olivia', roles: ['operator'] },
      { username: 'lara', roles: ['operator'] },
      { username: 'tomas', roles: ['operator'] },
      { username: 'nora', roles: [] },
    ],
    settings: { lockoutThreshold: 3, lockoutSeconds: 600 },
  });
});
afterAll(async () => bff?.stop());

describe('POST /auth/login', () => {
  it('returns tokens and the user for the right password', async () => {
    const result = await bff.call('POST', '/auth/login', { body: { username: 'olivia', password: passwordOf('olivia') } });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      expires_in: 900,
      user: { username: 'olivia', display_name: 'olivia', roles: ['operator'] },
    });
    expect(result.body.access_token.split('.')).toHaveLength(3);
    expect(result.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.headers.get('cache-control')).toBe('no-store');

    const me = await bff.call('GET', '/auth/me', { token: result.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('olivia');
  });

  it('answers the same for an unknown user and a wrong password', async () => {
    const unknown = await bff.call('POST', '/auth/login', { body: { username: 'nobody', password: 'whatever-long' } });
    const wrong = await bff.call('POST', '/auth/login', { body: { username: 'tomas', password: 'not-his-password' } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body.error.code).toBe('invalid_credentials');
  });

  it('locks the account after the threshold of failures, then refuses even the right password — answering as for an unknown user', async () => {
    const attempt = (password: string, username = 'lara') => bff.call('POST', '/auth/login', { body: { username, password } });
    expect((await attempt('wrong-1-long')).status).toBe(401);
    expect((await attempt('wrong-2-long')).status).toBe(401);
    const third = await attempt('wrong-3-long');
    const unknown = await attempt('wrong-3-long', 'nobody-at-all');
    // Lockout must not tell a guesser which user names exist: the same status and body.
    expect(third.status).toBe(401);
    expect(third.body).toEqual(unknown.body);
    expect(third.body.error.code).toBe('invalid_credentials');
    const right = await attempt(passwordOf('lara'));
    expect(right.status).toBe(401);
    expect(right.body).toEqual(unknown.body);

    const audit = await listAudit(bff.ctx.db, { actor: 'lara', limit: 50 });
    expect(audit.items.map((e) => e.action)).toEqual(['auth.locked', 'auth.login_failed', 'auth.login_failed', 'auth.login_failed']);
    expect(JSON.stringify(audit.items)).not.toContain('wrong-');

    // After the lock expires the right password works and clears the count.
    bff.clock.advance(601_000);
    try {
      expect((await attempt(passwordOf('lara'))).status).toBe(200);
      expect((await findUserByUsername(bff.ctx.db, 'lara'))?.failedLogins).toBe(0);
    } finally {
      bff.clock.advance(-601_000);
    }
  });

  it('validates the body with the shared schema', async () => {
    const result = await bff.call('POST', '/auth/login', { body: { username: 'olivia', password: 'x', remember: true } });
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('invalid_request');
  });
});

describe('refresh and logout', () => {
  it('rotates the refresh token; reusing a rotated one revokes the whole family', async () => {
    const first = await bff.login('olivia');
    const second = await bff.call('POST', '/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.user.username).toBe('olivia');

    const rows = await bff.ctx.db.selectFrom('refresh_tokens').selectAll().orderBy('created_at').execute();
    const rotated = rows.filter((row) => row.replaced_by !== null);
    expect(rotated.length).toBeGreaterThanOrEqual(1);
    // The database holds digests only.
    expect(rows.some((row) => row.token_hash === first.refresh_token)).toBe(false);

    const reuse = await bff.call('POST', '/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('unauthenticated');
    // The thief's (or the owner's) newer token died with the family.
    const afterReuse = await bff.call('POST', '/auth/refresh', { body: { refresh_token: second.body.refresh_token } });
    expect(afterReuse.status).toBe(401);

    const audit = await listAudit(bff.ctx.db, { action: 'auth.refresh_reuse', limit: 10 });
    expect(audit.items).toHaveLength(1);
  });

  it('logout revokes the session (204) and is quiet about unknown tokens', async () => {
    const session = await bff.login('olivia');
    // Used once before the sign-out, so its signature check is remembered (access-tokens.ts): the session check still ends it.
    expect((await bff.call('GET', '/auth/me', { token: session.access_token })).status).toBe(200);
    const out = await bff.call('POST', '/auth/logout', { body: { refresh_token: session.refresh_token } });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect((await bff.call('GET', '/auth/me', { token: session.access_token })).status).toBe(401);
    const refresh = await bff.call('POST', '/auth/refresh', { body: { refresh_token: session.refresh_token } });
    expect(refresh.status).toBe(401);
    expect((await bff.call('POST', '/auth/logout', { body: { refresh_token: 'never-issued' } })).status).toBe(204);
  });

  it('refuses an expired refresh token', async () => {
    const session = await bff.login('olivia');
    bff.clock.advance((bff.ctx.settings.refreshTokenTtlSeconds + 1) * 1000);
    try {
      expect((await bff.call('POST', '/auth/refresh', { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    } finally {
      bff.clock.advance(-(bff.ctx.settings.refreshTokenTtlSeconds + 1) * 1000);
    }
  });
});

describe('access tokens', () => {
  it('refuses missing, forged and expired access tokens with 401, and roleless users with 403', async () => {
    expect((await bff.call('GET', '/auth/me')).status).toBe(401);
    const session = await bff.login('olivia');
    const [header, payload] = session.access_token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    expect((await bff.call('GET', '/auth/me', { token: forged })).body.error.code).toBe('unauthenticated');
    bff.clock.advance((bff.ctx.settings.accessTokenTtlSeconds + 5) * 1000);
    try {
      expect((await bff.call('GET', '/auth/me', { token: session.access_token })).status).toBe(401);
    } finally {
      bff.clock.advance(-(bff.ctx.settings.accessTokenTtlSeconds + 5) * 1000);
    }
    const nora = await bff.login('nora');
    expect((await bff.call('GET', '/auth/me', { token: nora.access_token })).status).toBe(403);
  });

  it('stops accepting the token of a disabled user at once', async () => {
    const session = await bff.login('tomas');
    expect((await bff.call('GET', '/auth/me', { token: session.access_token })).status).toBe(200);
    await bff.ctx.db.updateTable('users').set({ disabled: 1 }).where('username', '=', 'tomas').execute();
    try {
      expect((await bff.call('GET', '/auth/me', { token: session.access_token })).status).toBe(401);
      expect((await bff.call('POST', '/auth/login', { body: { username: 'tomas', password: passwordOf('tomas') } })).status).toBe(401);
    } finally {
      await bff.ctx.db.updateTable('users').set({ disabled: 0 }).where('username', '=', 'tomas').execute();
    }
  });
});

describe('POST /auth/step-up', () => {
  it('needs a signed-in user and the password; returns a single-use token', async () => {
    expect((await bff.call('POST', '/auth/step-up', { body: { password: 'x' } })).status).toBe(401);
    const session = await bff.login('olivia');
    const wrong = await bff.call('POST', '/auth/step-up', { token: session.access_token, body: { password: 'not-it-long' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const ok = await bff.call('POST', '/auth/step-up', {
      token: session.access_token,
      body: { password: passwordOf('olivia'), purpose: 'rollout' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.expires_in).toBe(300);
    expect(ok.body.step_up_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(ok.body.auth_time)).toBeGreaterThan(0);
  });

  it('asks for the TOTP code when the user is enrolled, and checks it', async () => {
    const stored = await findUserByUsername(bff.ctx.db, 'tomas');
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await setTotpSecret(bff.ctx.db, stored!.user.id, secret);
    try {
      const session = await bff.login('tomas');
      const call = (body: object) => bff.call('POST', '/auth/step-up', { token: session.access_token, body });
      const missing = await call({ password: passwordOf('tomas') });
      expect(missing.status).toBe(401);
      expect(missing.body.error.details).toEqual({ totp_required: true });
      const bad = await call({ password: passwordOf('tomas'), totp: totpCode(secret, new Date(Date.now() - 10 * 60_000)) });
      expect(bad.status).toBe(401);
      const good = await call({ password: passwordOf('tomas'), totp: totpCode(secret, bff.clock.now()) });
      expect(good.status).toBe(200);
    } finally {
      await setTotpSecret(bff.ctx.db, stored!.user.id, null);
    }
  });
});
