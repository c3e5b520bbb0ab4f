// Sign-in hardening (issue 11, finding 19), each against a real BFF: TOTP codes
// are good once, sign-out ends the access token and the event stream, sessions
// have an absolute end, old password hashes are brought up to the current cost,
// new passwords have 12 characters, and X-Forwarded-For counts only from trusted proxies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, scryptSync } from 'node:crypto';
import { runCli } from '../cli.js';
import { MAX_STREAMS_PER_USER } from './events.js';
import { listAudit } from '../store/audit-log.js';
import { createUser, findUserByUsername, setTotpSecret } from '../store/users.js';
import { totpCode } from '../services/totp.js';
import { passwordOf, startTestBff, type TestBff } from '../testing/harness.js';

let bff: TestBff;

beforeAll(async () => {
  bff = await startTestBff({
    users: [
      { username: 'olivia', roles: ['operator'] },
      { username: 'tomas', roles: ['operator'] },
      { username: 'vera', roles: ['viewer'] },
      { username: 'dora', roles: ['viewer'] },
    ],
    settings: { streamRecheckSeconds: 1 },
    socket: true,
  });
});
afterAll(async () => bff?.stop());

/** Opens GET /admin/events and resolves when the server ends the stream. */
async function openStream(token: string): Promise<{ ended: Promise<'ended'>; abort: () => void }> {
  const controller = new AbortController();
  const response = await fetch(`${bff.url}/admin/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { done } = await reader.read();
        if (done) return 'ended' as const;
      }
    } catch {
      // Aborted by the test itself.
      return 'ended' as const;
    }
  })();
  return { ended, abort: () => controller.abort() };
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> =>
  Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms))]);

describe('TOTP', () => {
  it('refuses a code used a second time within its window', async () => {
    const stored = await findUserByUsername(bff.ctx.db, 'tomas');
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await setTotpSecret(bff.ctx.db, stored!.user.id, secret);
    try {
      const session = await bff.login('tomas');
      const stepUp = (totp: string) => bff.call('POST', '/auth/step-up', { token: session.access_token, body: { password: passwordOf('tomas'), totp } });
      const code = totpCode(secret, bff.clock.now());
      expect((await stepUp(code)).status).toBe(200);
      const replay = await stepUp(code);
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('invalid_credentials');
      const audit = await listAudit(bff.ctx.db, { actor: 'tomas', action: 'auth.step_up_failed', limit: 5 });
      expect(audit.items[0]?.details).toEqual({ reason: 'totp_reused' });
      // The next step's code is good (once).
      bff.clock.advance(30_000);
      try {
        expect((await stepUp(totpCode(secret, bff.clock.now()))).status).toBe(200);
      } finally {
        bff.clock.advance(-30_000);
      }
    } finally {
      await setTotpSecret(bff.ctx.db, stored!.user.id, null);
    }
  });
});

describe('sign-out and sessions', () => {
  it('sign-out makes the access token of that session 401 at once; other sessions live on', async () => {
    const session = await bff.login('olivia');
    const other = await bff.login('olivia');
    expect((await bff.call('GET', '/auth/me', { token: session.access_token })).status).toBe(200);
    expect((await bff.call('POST', '/auth/logout', { body: { refresh_token: session.refresh_token } })).status).toBe(204);
    const after = await bff.call('GET', '/auth/me', { token: session.access_token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
    expect((await bff.call('GET', '/auth/me', { token: other.access_token })).status).toBe(200);
  });

  it('a reused refresh token ends the access tokens of its session too', async () => {
    const first = await bff.login('olivia');
    const second = await bff.call('POST', '/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect((await bff.call('POST', '/auth/refresh', { body: { refresh_token: first.refresh_token } })).status).toBe(401);
    expect((await bff.call('GET', '/auth/me', { token: second.body.access_token })).status).toBe(401);
  });

  it('refresh tokens have an absolute lifetime: no refresh reaches past the session end (12 h by default)', async () => {
    expect(bff.ctx.settings.sessionMaxSeconds).toBe(12 * 3600);
    let tokens = await bff.login('olivia');
    const sessionEnd = Date.parse((await bff.ctx.db.selectFrom('sessions').select('expires_at').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).expires_at);
    let advanced = 0;
    try {
      // Every 5 hours, well inside the refresh token's idle lifetime.
      for (const hours of [5, 5]) {
        bff.clock.advance(hours * 3600_000);
        advanced += hours * 3600_000;
        const next = await bff.call('POST', '/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
        expect(next.status).toBe(200);
        tokens = next.body;
      }
      const stored = await bff.ctx.db.selectFrom('refresh_tokens').select('expires_at').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      expect(Date.parse(stored.expires_at)).toBeLessThanOrEqual(sessionEnd);
      bff.clock.advance(2 * 3600_000 + 1000);
      advanced += 2 * 3600_000 + 1000;
      expect((await bff.call('POST', '/auth/refresh', { body: { refresh_token: tokens.refresh_token } })).status).toBe(401);
      expect((await bff.call('GET', '/auth/me', { token: tokens.access_token })).status).toBe(401);
    } finally {
      bff.clock.advance(-advanced);
    }
  });

  it('an access token without a session (as issued before sessions existed) is refused', async () => {
    const { SignJWT } = await import('jose');
    const stored = await findUserByUsername(bff.ctx.db, 'olivia');
    const now = Math.floor(bff.clock.now().getTime() / 1000);
    const legacy = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(stored!.user.id)
      .setIssuer('modelops-bff')
      .setAudience('modelops-console')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(bff.ctx.settings.accessTokenSecret);
    expect((await bff.call('GET', '/auth/me', { token: legacy })).status).toBe(401);
  });
});

describe('the event stream', () => {
  it('ends when its session signs out', async () => {
    const session = await bff.login('vera');
    const stream = await openStream(session.access_token);
    try {
      await bff.call('POST', '/auth/logout', { body: { refresh_token: session.refresh_token } });
      expect(await within(stream.ended, 5000)).toBe('ended');
    } finally {
      stream.abort();
    }
  });

  it('ends when its user is disabled (noticed on the re-check interval)', async () => {
    const session = await bff.login('dora');
    const stream = await openStream(session.access_token);
    await bff.ctx.db.updateTable('users').set({ disabled: 1 }).where('username', '=', 'dora').execute();
    try {
      expect(await within(stream.ended, 5000)).toBe('ended');
    } finally {
      stream.abort();
      await bff.ctx.db.updateTable('users').set({ disabled: 0 }).where('username', '=', 'dora').execute();
    }
  });
});

describe('passwords', () => {
  it('rehashes an older, cheaper hash at sign-in, transparently', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('an-old-password-1', salt, 32, { N: 1024, r: 8, p: 1 });
    await createUser(bff.ctx.db, { username: 'oldie', displayName: 'Oldie', password: 'placeholder-password', roles: ['viewer'] }, bff.clock.now(), {
      cost: bff.ctx.settings.passwordCost,
    });
    await bff.ctx.db
      .updateTable('users')
      .set({ password_hash: `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}` })
      .where('username', '=', 'oldie')
      .execute();
    expect((await bff.call('POST', '/auth/login', { body: { username: 'oldie', password: 'an-old-password-1' } })).status).toBe(200);
    const stored = await findUserByUsername(bff.ctx.db, 'oldie');
    expect(stored!.passwordHash.startsWith(`scrypt$${bff.ctx.settings.passwordCost.N}$8$1$`)).toBe(true);
    expect((await bff.call('POST', '/auth/login', { body: { username: 'oldie', password: 'an-old-password-1' } })).status).toBe(200);
  });

  it('asks 12 characters of a new password (store and CLI)', async () => {
    await expect(
      createUser(bff.ctx.db, { username: 'shorty', displayName: 'S', password: 'eleven-char', roles: ['viewer'] }, bff.clock.now(), {
        cost: bff.ctx.settings.passwordCost,
      }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    const err: string[] = [];
    const io = { out: () => undefined, err: (l: string) => void err.push(l), readStdin: async () => '', env: { MODELOPS_PASSWORD: 'eleven-char' }, now: () => new Date() };
    expect(await runCli(['user', 'create', '--db', bff.dbFile, '--username', 'shorty', '--roles', 'viewer'], io)).toBe(2);
    expect(err.join('\n')).toContain('at least 12 characters');
  });
});

describe('the per-address /auth limit behind a reverse proxy', () => {
  const attempts = async (target: TestBff, forwardedFor: string, count: number): Promise<number[]> => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const answer = await target.call('POST', '/auth/login', {
        body: { username: 'nobody', password: 'not-a-password' },
        headers: { 'x-forwarded-for': forwardedFor },
      });
      statuses.push(answer.status);
    }
    return statuses;
  };

  it('counts X-Forwarded-For clients apart only when the peer is a trusted proxy', async () => {
    const trusted = await startTestBff({ users: [], settings: { authRateLimitPerMinute: 2, trustedProxies: ['127.0.0.1', '::1'] } });
    try {
      expect(await attempts(trusted, '203.0.113.7', 3)).toEqual([401, 401, 429]);
      // Another client behind the same proxy has its own budget.
      expect(await attempts(trusted, '203.0.113.8', 1)).toEqual([401]);
    } finally {
      await trusted.stop();
    }
    const direct = await startTestBff({ users: [], settings: { authRateLimitPerMinute: 2 } });
    try {
      // Without a trusted proxy the header is the client's own claim: ignored, one budget for the peer.
      expect(await attempts(direct, '203.0.113.7', 2)).toEqual([401, 401]);
      expect(await attempts(direct, '203.0.113.9', 1)).toEqual([429]);
    } finally {
      await direct.stop();
    }
  });
});

describe('event streams per user', () => {
  it(`holds at most ${MAX_STREAMS_PER_USER} open streams per user (429 beyond), and frees a slot when one closes`, async () => {
    const session = await bff.login('olivia');
    const streams = [];
    try {
      for (let i = 0; i < MAX_STREAMS_PER_USER; i += 1) streams.push(await openStream(session.access_token));
      const refused = await bff.call('GET', '/admin/events', { token: session.access_token });
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      // Another user is not affected.
      const other = await openStream((await bff.login('tomas')).access_token);
      streams.push(other);
      streams.shift()!.abort();
      // The server notices the closed socket; then a new stream fits.
      let reopened: Awaited<ReturnType<typeof openStream>> | undefined;
      for (let attempt = 0; attempt < 50 && !reopened; attempt += 1) {
        const probe = await fetch(`${bff.url}/admin/events`, { headers: { authorization: `Bearer ${session.access_token}` } });
        if (probe.status === 200) {
          await probe.body?.cancel();
          reopened = { ended: Promise.resolve('ended'), abort: () => undefined };
        } else {
          await probe.arrayBuffer();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(reopened).toBeDefined();
    } finally {
      for (const stream of streams) stream.abort();
    }
  });
});
