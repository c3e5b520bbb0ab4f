// Company sign-in against a real OpenID provider (oidc-provider in-process):
// the BFF as a resource server (groups -> roles on every request, key
// rotation, every forged or misdirected token refused) and step-up by a fresh
// authentication at the IdP, through the two-person rule.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcSettings } from '../services/oidc/settings.js';
import { startTestBff, type TestBff } from '../testing/harness.js';
import {
  OTHER_AUDIENCE,
  TEST_IDP_AUDIENCE,
  TEST_IDP_CLIENT_ID,
  TEST_IDP_OTP,
  TEST_IDP_USERS,
  signInAtIdp,
  startTestIdp,
  type TestIdp,
} from '../testing/oidc-idp.js';

let idp: TestIdp;
let bff: TestBff;

beforeAll(async () => {
  idp = await startTestIdp({
    // Outlives the 6 minutes the stale-authentication test moves the BFF's clock by.
    accessTokenTtlSeconds: 900,
    users: [...TEST_IDP_USERS, { username: 'ada', password: 'idp-ada-password', displayName: 'Another Ada', groups: ['ml-ops-operators'] }],
  });
  bff = await startTestBff({
    seedDemo: true,
    users: [],
    settings: {
      oidc: OidcSettings.parse({
        issuer: idp.issuer,
        clientId: TEST_IDP_CLIENT_ID,
        audience: TEST_IDP_AUDIENCE,
        resource: TEST_IDP_AUDIENCE,
        roleMap: { 'ml-ops-operators': ['operator'], 'ml-ops-approvers': ['approver'] },
        providerName: 'Test IdP',
        // Each unknown kid refetches at once, so the rotation test needs no waiting.
        jwksCooldownSeconds: 0,
      }),
    },
  });
}, 60_000);
afterAll(async () => {
  await bff?.stop();
  await idp?.stop();
});

const me = (token: string) => bff.call('GET', '/auth/me', { token });

async function stepUp(username: string, accessToken: string, purpose: string, options: { otp?: string; acrValues?: string } = {}) {
  const fresh = await signInAtIdp(idp, username, { maxAge: 0, ...options });
  return bff.call('POST', '/auth/step-up', { token: accessToken, body: { id_token: fresh.idToken, nonce: fresh.nonce, purpose } });
}

/** Moves the BFF's clock for one check and back. */
async function withClockMoved<T>(ms: number, check: () => Promise<T>): Promise<T> {
  bff.clock.advance(ms);
  try {
    return await check();
  } finally {
    bff.clock.advance(-ms);
  }
}

describe('GET /auth/config', () => {
  it('tells the console, signed out, that this BFF signs in at the IdP and not with passwords', async () => {
    const config = await bff.call('GET', '/auth/config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      password: false,
      oidc: {
        issuer: idp.issuer,
        client_id: TEST_IDP_CLIENT_ID,
        scopes: ['openid', 'profile', 'offline_access'],
        resource: TEST_IDP_AUDIENCE,
        provider_name: 'Test IdP',
        acr_values: [],
      },
    });
    const login = await bff.call('POST', '/auth/login', { body: { username: 'olivia', password: 'demo-olivia' } });
    expect(login.status).toBe(403);
    expect(login.body.error.message).toContain('Test IdP');
  });
});

describe('IdP access tokens', () => {
  it('maps groups to roles and records the IdP identity with the user name', async () => {
    const oscar = await signInAtIdp(idp, 'oscar');
    const amira = await signInAtIdp(idp, 'amira');
    expect((await me(oscar.accessToken)).body.user).toMatchObject({ username: 'oscar', display_name: 'Oscar Operator', roles: ['operator'] });
    expect((await me(amira.accessToken)).body.user).toMatchObject({ username: 'amira', roles: ['approver'] });
    // An operator may not decide; a signed-in approver may read the queue.
    expect((await bff.call('GET', '/admin/approvals', { token: amira.accessToken })).status).toBe(200);

    const linked = await bff.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.idp_linked').where('actor', '=', 'oscar').execute();
    expect(linked).toHaveLength(1);
    expect(JSON.parse(linked[0]!.details)).toEqual({ issuer: idp.issuer, subject: idp.users.get('oscar')!.sub, roles: ['operator'] });
    // The users row is bound to the subject, and has no password that could sign in.
    const row = await bff.ctx.db.selectFrom('users').selectAll().where('username', '=', 'oscar').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ idp_issuer: idp.issuer, idp_subject: idp.users.get('oscar')!.sub, password_hash: '!' });
  });

  it('refuses a person whose IdP user name belongs to a local account', async () => {
    const ada = await signInAtIdp(idp, 'ada');
    const answer = await me(ada.accessToken);
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain('already belongs to another account');
  });

  it('refuses a token for another audience, an ID token, an expired token, another key, alg none and HS256', async () => {
    const oscar = await signInAtIdp(idp, 'oscar');
    expect((await me(oscar.accessToken)).status).toBe(200);

    const otherAudience = await signInAtIdp(idp, 'oscar', { resource: OTHER_AUDIENCE });
    expect(decodeJwt(otherAudience.accessToken).aud).toBe(OTHER_AUDIENCE);
    expect((await me(otherAudience.accessToken)).status).toBe(401);
    // The ID token's audience is the console's client, not this BFF.
    expect((await me(oscar.idToken)).status).toBe(401);

    // Past exp (900 s) plus the 30 s clock tolerance.
    expect((await withClockMoved(931_000, () => me(oscar.accessToken))).status).toBe(401);

    const claims = decodeJwt(oscar.accessToken);
    const header = decodeProtectedHeader(oscar.accessToken);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid!, typ: 'at+jwt' }).sign(privateKey);
    expect((await me(forged)).status).toBe(401);

    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${oscar.accessToken.split('.')[1]}.`;
    expect((await me(unsigned)).status).toBe(401);

    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: header.kid! }).sign(randomBytes(32));
    expect((await me(hmac)).status).toBe(401);
  });

  it('refuses tokens the IdP\'s own key signed that are not yet valid (nbf), for another client (azp), or without a subject', async () => {
    const oscar = idp.users.get('oscar')!;
    const claims = { sub: oscar.sub, preferred_username: 'oscar', groups: ['ml-ops-operators'], client_id: TEST_IDP_CLIENT_ID };
    // The control: the same minting with nothing wrong passes, so each refusal below is about its one claim.
    expect((await me(await idp.signToken(claims))).status).toBe(200);
    const nowSeconds = Math.floor(Date.now() / 1000);
    // Not before ten minutes from now: beyond the 30 s clock tolerance.
    expect((await me(await idp.signToken({ ...claims, nbf: nowSeconds + 600 }))).status).toBe(401);
    expect((await me(await idp.signToken({ ...claims, client_id: 'another-app' }))).status).toBe(401);
    expect((await me(await idp.signToken({ ...claims, azp: 'another-app' }))).status).toBe(401);
    const { sub: _sub, ...withoutSubject } = claims;
    expect((await me(await idp.signToken(withoutSubject))).status).toBe(401);
    // Issued before the BFF's clock by more than the token's life: expired.
    expect((await me(await idp.signToken({ ...claims, iat: nowSeconds - 900, exp: nowSeconds - 600 }))).status).toBe(401);
  });

  it('picks up a rotated signing key at the first token that names it', async () => {
    const before = await signInAtIdp(idp, 'oscar');
    expect((await me(before.accessToken)).status).toBe(200);
    const fetchesBefore = idp.jwksFetches();

    idp.rotateKeys();
    const after = await before.refresh();
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(idp.currentKid());
    expect((await me(after.accessToken)).status).toBe(200);
    expect(idp.jwksFetches()).toBe(fetchesBefore + 1);
    // The old key stays published for a while: tokens it signed still work.
    expect((await me(before.accessToken)).status).toBe(200);
  });
});

describe('step-up by a fresh authentication at the IdP, through the two-person rule', () => {
  it('requests with a fresh IdP step-up; a person removed from the approvers group cannot approve at the next request', async () => {
    const oscar = await signInAtIdp(idp, 'oscar');
    let amira = await signInAtIdp(idp, 'amira');

    const detail = await bff.call('GET', '/admin/models/ltr-ranker', { token: oscar.accessToken });
    expect(detail.status).toBe(200);
    const candidate = (detail.body.versions as { version: string; status: string }[]).find((v) => v.status === 'candidate')!.version;

    const requestStepUp = await stepUp('oscar', oscar.accessToken, 'rollout');
    expect(requestStepUp.status, requestStepUp.text).toBe(200);
    const authTime = requestStepUp.body.auth_time as string;
    const rollout = await bff.call('POST', '/admin/models/ltr-ranker/rollout', {
      token: oscar.accessToken,
      body: { target_version: candidate, strategy: 'canary', canary_pct: 5, justification: 'ranker refresh via IdP', gate_override: true },
      headers: { 'x-step-up-token': requestStepUp.body.step_up_token, 'idempotency-key': 'oidc-rollout-0001' },
    });
    expect(rollout.status, rollout.text).toBe(202);
    expect(rollout.body.request.requester_auth_time).toBe(authTime);
    const request = rollout.body.request as { id: string; intent_digest: string };

    // The IdP drops Amira from the approvers: her next token says so, and the BFF believes it at once.
    idp.setGroups('amira', []);
    amira = await amira.refresh();
    expect((await me(amira.accessToken)).status).toBe(403);
    const refused = await bff.call('POST', `/admin/approvals/${request.id}/approve`, {
      token: amira.accessToken,
      body: { intent_digest: request.intent_digest },
      headers: { 'x-step-up-token': 'irrelevant', 'idempotency-key': 'oidc-approve-0001' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');

    idp.setGroups('amira', ['ml-ops-approvers']);
    const back = await amira.refresh();
    const approveStepUp = await stepUp('amira', back.accessToken, 'approve');
    expect(approveStepUp.status, approveStepUp.text).toBe(200);
    const approved = await bff.call('POST', `/admin/approvals/${request.id}/approve`, {
      token: back.accessToken,
      body: { intent_digest: request.intent_digest, comment: 'approved after a fresh IdP sign-in' },
      headers: { 'x-step-up-token': approveStepUp.body.step_up_token, 'idempotency-key': 'oidc-approve-0002' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.request.status).toBe('dispatched');

    const changes = await bff.ctx.db.selectFrom('audit_log').select(['details']).where('action', '=', 'user.idp_roles_changed').where('actor', '=', 'amira').execute();
    expect(changes.map((row) => JSON.parse(row.details) as { from: string[]; to: string[] }).map(({ from, to }) => [from, to])).toEqual([
      [['approver'], []],
      [[], ['approver']],
    ]);
    const stepUps = await bff.ctx.db.selectFrom('audit_log').select(['details']).where('action', '=', 'auth.step_up').where('actor', '=', 'oscar').execute();
    expect(JSON.parse(stepUps[0]!.details)).toMatchObject({ method: 'oidc', issuer: idp.issuer, subject: idp.users.get('oscar')!.sub, auth_time: authTime });
    expect((await bff.call('GET', '/admin/audit/verify', { token: back.accessToken })).body).toMatchObject({ ok: true });
  });

  it('refuses an authentication older than 5 minutes with 401 step_up_required', async () => {
    const oscar = await signInAtIdp(idp, 'oscar');
    const fresh = await signInAtIdp(idp, 'oscar', { maxAge: 0 });
    const answer = await withClockMoved(6 * 60_000, () =>
      bff.call('POST', '/auth/step-up', { token: oscar.accessToken, body: { id_token: fresh.idToken, nonce: fresh.nonce, purpose: 'rollout' } }),
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'step_up_required', details: { reason: 'auth_time_too_old' } });
  });

  it('refuses a wrong nonce, a replayed ID token, another person\'s ID token and a password', async () => {
    const oscar = await signInAtIdp(idp, 'oscar');
    const fresh = await signInAtIdp(idp, 'oscar', { maxAge: 0 });
    const post = (body: object) => bff.call('POST', '/auth/step-up', { token: oscar.accessToken, body });

    const wrongNonce = await post({ id_token: fresh.idToken, nonce: 'n'.repeat(43), purpose: 'rollout' });
    expect(wrongNonce.status).toBe(401);
    expect(wrongNonce.body.error.code).toBe('invalid_credentials');

    expect((await post({ id_token: fresh.idToken, nonce: fresh.nonce, purpose: 'rollout' })).status).toBe(200);
    const replay = await post({ id_token: fresh.idToken, nonce: fresh.nonce, purpose: 'rollout' });
    expect(replay.status).toBe(401);

    const amiras = await signInAtIdp(idp, 'amira', { maxAge: 0 });
    expect((await post({ id_token: amiras.idToken, nonce: amiras.nonce })).status).toBe(401);
    // An access token is not an ID token (its audience is the BFF).
    expect((await post({ id_token: oscar.accessToken, nonce: oscar.nonce })).status).toBe(401);
    // IdP people have no password here.
    expect((await post({ password: 'anything-at-all' })).body.error.code).toBe('invalid_request');

    const failures = await bff.ctx.db.selectFrom('audit_log').select(['details']).where('action', '=', 'auth.step_up_failed').where('actor', '=', 'oscar').execute();
    expect(failures.map((row) => (JSON.parse(row.details) as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['nonce_mismatch', 'nonce_reused', 'other_subject', 'id_token_invalid']),
    );
  });

  it('demands the configured acr: a password-only sign-in is too weak, one with a second factor passes', async () => {
    const oscar = await signInAtIdp(idp, 'oscar');
    const settings = bff.ctx.oidc!.settings;
    settings.acrValues = ['mfa'];
    try {
      // The console asks for acr_values=mfa (from /auth/config); the IdP may still answer with less.
      const weak = await stepUp('oscar', oscar.accessToken, 'rollout', { acrValues: 'mfa' });
      expect(weak.status).toBe(401);
      expect(weak.body.error).toMatchObject({ code: 'step_up_required', details: { reason: 'authentication_too_weak' } });
      const strong = await stepUp('oscar', oscar.accessToken, 'rollout', { acrValues: 'mfa', otp: TEST_IDP_OTP });
      expect(strong.status, strong.text).toBe(200);
      expect((await bff.call('GET', '/auth/config')).body.oidc.acr_values).toEqual(['mfa']);
    } finally {
      settings.acrValues = [];
    }
  });
});
