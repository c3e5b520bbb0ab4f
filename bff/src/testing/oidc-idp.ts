// Test support: a real OpenID provider (oidc-provider, a certified OpenID
// Connect implementation) playing the company IdP, on an ephemeral loopback
// port. PKCE is required, access tokens for the BFF's audience are JWTs
// (resource indicators), people sign in through a plain HTML login form (the
// interaction) that a browser or `browse()` below submits, group membership
// can change between requests, and the signing key can rotate.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type InteractionDetails } from 'oidc-provider';

export const TEST_IDP_CLIENT_ID = 'modelops-console';
export const TEST_IDP_AUDIENCE = 'https://modelops-bff.test';
/** A second resource server the IdP also issues tokens for: its tokens must not open the BFF. */
export const OTHER_AUDIENCE = 'https://other-api.test';
/** The scope of the BFF's resource server. */
export const TEST_IDP_API_SCOPE = 'modelops';

export interface IdpUser {
  username: string;
  password: string;
  displayName: string;
  groups: string[];
  /** The IdP's stable subject: not the user name, so the BFF must key people by it. */
  sub: string;
}

export interface TestIdp {
  issuer: string;
  users: Map<string, IdpUser>;
  /** Changes a person's groups at the IdP; tokens issued from now on say so. */
  setGroups(username: string, groups: string[]): void;
  /** A new signing key, first in the JWKS (it signs from now on); the old one stays listed. */
  rotateKeys(): void;
  /** kid of the key that signs now. */
  currentKid(): string;
  /** How many times the JWKS was fetched (key rotation and its cooldown). */
  jwksFetches(): number;
  /**
   * A JWT signed with the IdP's current key and the claims given (defaults: this issuer, the
   * BFF's audience, issued now, 5 minutes): for checks a well-behaved IdP never provokes
   * (nbf in the future, a token for another client) — the signature itself is genuine.
   */
  signToken(claims: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

export const TEST_IDP_USERS: Array<Omit<IdpUser, 'sub'>> = [
  { username: 'oscar', password: 'idp-oscar-password', displayName: 'Oscar Operator', groups: ['ml-ops-operators'] },
  { username: 'amira', password: 'idp-amira-password', displayName: 'Amira Approver', groups: ['ml-ops-approvers'] },
];

/** The one-time code the login form accepts as a second factor (amr otp, acr mfa). */
export const TEST_IDP_OTP = '246810';

interface SigningKey {
  kid: string;
  jwk: Record<string, unknown>;
}

function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `k-${randomBytes(6).toString('hex')}`;
  return { kid, jwk: { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

/**
 * oidc-provider's storage, kept outside any one Provider instance so that a
 * key rotation (a new instance) keeps sessions, grants and refresh tokens.
 */
function sharedMemoryAdapter(): new (model: string) => object {
  const store = new Map<string, { payload: Payload; expiresAt: number }>();
  const read = (key: string): Payload | undefined => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return class SharedMemoryAdapter {
    constructor(readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Payload, expiresIn?: number) {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }
    async find(id: string) {
      return read(this.key(id));
    }
    async findByUid(uid: string) {
      for (const [key] of store) if (key.startsWith(`${this.model}:`) && read(key)?.uid === uid) return read(key);
      return undefined;
    }
    async findByUserCode(userCode: string) {
      for (const [key] of store) if (key.startsWith(`${this.model}:`) && read(key)?.userCode === userCode) return read(key);
      return undefined;
    }
    async consume(id: string) {
      const payload = read(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    }
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>
<h1>Company sign-in</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>User name <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<label>One-time code (optional) <input name="otp" inputmode="numeric"></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestIdp(
  options: { users?: Array<Omit<IdpUser, 'sub'>>; accessTokenTtlSeconds?: number } = {},
): Promise<TestIdp> {
  const users = new Map<string, IdpUser>(
    (options.users ?? TEST_IDP_USERS).map((user) => [user.username, { ...user, groups: [...user.groups], sub: randomUUID() }]),
  );
  const bySub = (sub: string) => [...users.values()].find((user) => user.sub === sub);
  const keys: SigningKey[] = [newSigningKey()];
  const cookieKeys = [randomBytes(32).toString('hex')];
  const adapter = sharedMemoryAdapter();
  let provider: Provider | undefined;
  let jwksFetchCount = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function build(): Provider {
    const resourceServers = new Set([TEST_IDP_AUDIENCE, OTHER_AUDIENCE]);
    return new Provider(issuer, {
      adapter,
      clients: [
        {
          client_id: TEST_IDP_CLIENT_ID,
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          // Native loopback redirect: any port on 127.0.0.1 (RFC 8252 7.3).
          redirect_uris: ['http://127.0.0.1/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          require_auth_time: true,
        },
      ],
      pkce: { required: () => true },
      jwks: { keys: keys.map((key) => key.jwk) },
      cookies: { keys: cookieKeys },
      acrValues: ['pwd', 'mfa'],
      claims: { acr: null, amr: null, auth_time: null, iss: null, sid: null, openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
      scopes: ['openid', 'offline_access', 'profile', 'groups'],
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => TEST_IDP_AUDIENCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx: unknown, resource: string) => {
            if (!resourceServers.has(resource)) throw new errors.InvalidTarget();
            return {
              scope: TEST_IDP_API_SCOPE,
              audience: resource,
              accessTokenTTL: options.accessTokenTtlSeconds ?? 300,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256' } },
            };
          },
        },
      },
      // Refresh tokens for the console without the offline_access consent dance.
      issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
      // The groups claim and the user name in every access token, read when the token is issued.
      extraTokenClaims: async (_ctx: unknown, token: { accountId?: string; kind?: string }) => {
        if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
        const user = bySub(token.accountId);
        return user ? { groups: [...user.groups], preferred_username: user.username, name: user.displayName } : undefined;
      },
      findAccount: async (_ctx: unknown, sub: string) => {
        const user = bySub(sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          claims: async () => ({ sub, preferred_username: user.username, name: user.displayName, groups: [...user.groups] }),
        };
      },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      ttl: {
        AccessToken: options.accessTokenTtlSeconds ?? 300,
        AuthorizationCode: 60,
        // Longer than the BFF's 5-minute step-up window, so that window is what a test of it meets.
        IdToken: 3600,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
        RefreshToken: 3600,
      },
      renderError: async (ctx: { type: string; body: string }, out: Record<string, unknown>) => {
        ctx.type = 'text/plain';
        ctx.body = `IdP error: ${String(out.error)} ${String(out.error_description ?? '')}`;
      },
    });
  }
  provider = build();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const current = provider!;
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/jwks') jwksFetchCount += 1;
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
    if (!interaction) {
      current.callback()(req, res);
      return;
    }
    const details = await current.interactionDetails(req, res);
    if (details.prompt.name === 'consent') {
      // A first-party client: consent is granted without a screen (oidc-provider always asks it of native clients).
      await current.interactionFinished(req, res, { consent: { grantId: await grantAll(current, details) } }, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method === 'GET' && !interaction[2]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(details.uid));
      return;
    }
    if (req.method !== 'POST' || !interaction[2]) {
      res.writeHead(405).end();
      return;
    }
    const form = await readForm(req);
    const user = users.get(form.get('username') ?? '');
    if (!user || user.password !== form.get('password')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(details.uid, 'Wrong user name or password.'));
      return;
    }
    const otp = form.get('otp') ?? '';
    if (otp !== '' && otp !== TEST_IDP_OTP) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(details.uid, 'Wrong one-time code.'));
      return;
    }
    const mfa = otp === TEST_IDP_OTP;
    await current.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub, acr: mfa ? 'mfa' : 'pwd', amr: mfa ? ['pwd', 'otp'] : ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    users,
    setGroups(username, groups) {
      const user = users.get(username);
      if (!user) throw new Error(`no IdP user ${username}`);
      user.groups = [...groups];
    },
    rotateKeys() {
      keys.unshift(newSigningKey());
      // oidc-provider reads its keys at construction; sessions, grants and refresh tokens
      // live in the shared adapter and cookies keep their keys, so sign-ins carry on.
      provider = build();
    },
    currentKid: () => keys[0]!.kid,
    signToken: async (claims) => {
      const { SignJWT, importJWK } = await import('jose');
      const key = keys[0]!;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, aud: TEST_IDP_AUDIENCE, iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
        .sign(await importJWK(key.jwk, 'RS256'));
    },
    jwksFetches: () => jwksFetchCount,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Grants what the consent prompt says is missing. */
async function grantAll(provider: Provider, details: InteractionDetails): Promise<string> {
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ clientId: String(details.params.client_id), accountId: details.session!.accountId! });
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  return grant.save();
}

export interface BrowseCredentials {
  username: string;
  password: string;
  otp?: string;
}

/**
 * Plays the system browser with plain HTTP: follows the authorization URL's
 * redirects with a cookie jar, submits the IdP's login form, and stops at the
 * first redirect that leaves the IdP (the client's redirect URI), which it
 * returns without requesting it.
 */
export async function browse(authorizationUrl: string | URL, credentials: BrowseCredentials): Promise<URL> {
  const start = new URL(authorizationUrl);
  const jar = new Map<string, string>();
  let request: { url: URL; method: 'GET' | 'POST'; body?: string } = { url: start, method: 'GET' };
  let submitted = false;
  for (let hop = 0; hop < 20; hop += 1) {
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (request.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(request.url, { method: request.method, headers, body: request.body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, request.url);
      if (next.origin !== start.origin) return next;
      request = { url: next, method: 'GET' };
      continue;
    }
    const html = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action) throw new Error(`the IdP answered ${response.status}: ${html.slice(0, 300)}`);
    if (submitted) throw new Error(`the IdP refused the sign-in: ${/role="alert">([^<]*)/.exec(html)?.[1] ?? 'no reason given'}`);
    submitted = true;
    const body = new URLSearchParams({ username: credentials.username, password: credentials.password, otp: credentials.otp ?? '' });
    request = { url: new URL(action.replace(/&#47;/g, '/'), request.url), method: 'POST', body: body.toString() };
  }
  throw new Error('too many redirects at the IdP');
}

export interface IdpSignIn {
  accessToken: string;
  idToken: string;
  refreshToken: string | undefined;
  nonce: string;
  /** A refresh grant at the IdP (the refresh token rotates): the next tokens. */
  refresh(): Promise<IdpSignIn>;
}

/**
 * A whole authorization-code sign-in with PKCE as the console's client, the
 * "browser" being `browse()`: what a test needs to hold real IdP tokens.
 * `maxAge: 0` is the step-up form; `resource` picks the access token's audience.
 */
export async function signInAtIdp(
  idp: Pick<TestIdp, 'issuer' | 'users'>,
  username: string,
  options: { resource?: string; maxAge?: number; otp?: string; acrValues?: string } = {},
): Promise<IdpSignIn> {
  const oidc = await import('openid-client');
  const config = await oidc.discovery(new URL(idp.issuer), TEST_IDP_CLIENT_ID, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  const user = idp.users.get(username);
  if (!user) throw new Error(`no IdP user ${username}`);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const resource = options.resource ?? TEST_IDP_AUDIENCE;
  const redirectUri = 'http://127.0.0.1:9/callback';
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: `openid profile ${TEST_IDP_API_SCOPE}`,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    resource,
    ...(options.maxAge !== undefined ? { max_age: String(options.maxAge) } : {}),
    ...(options.acrValues ? { acr_values: options.acrValues } : {}),
  });
  const callback = await browse(url, { username, password: user.password, ...(options.otp ? { otp: options.otp } : {}) });
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }, { resource });
  const result = (set: { access_token: string; id_token?: string; refresh_token?: string }, refreshToken?: string): IdpSignIn => {
    const current = set.refresh_token ?? refreshToken;
    return {
      accessToken: set.access_token,
      idToken: set.id_token ?? '',
      refreshToken: current,
      nonce,
      refresh: async () => {
        if (!current) throw new Error('no refresh token');
        return result(await oidc.refreshTokenGrant(config, current, { resource }), current);
      },
    };
  };
  return result(tokens);
}
