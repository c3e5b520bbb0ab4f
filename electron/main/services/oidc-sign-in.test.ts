// Company sign-in from the main process against a real OpenID provider
// (oidc-provider) and a real BFF: the "system browser" port is played by an
// HTTP client that submits the IdP's login form and then requests the loopback
// callback, as a browser would. Keychain tests run on gnome-keyring
// (scripts/with-keyring.sh) and are skipped without it.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalBff, type LocalBff } from '../local-mode/start-local-bff.js';
import { probeKeychain, tempDir } from '../test-support/harness.js';
import { startIdpProcess, type IdpProcess } from '../test-support/idp.js';
import { BffClient } from './bff-client.js';
import { isClientError } from './client-error.js';
import { keychainEntry, type CredentialVault } from './credential-vault.js';
import { createMemoryLogger } from './logger.js';
import { OidcSignIn, type BrowserOpener } from './oidc-sign-in.js';
import { SessionService } from './session-service.js';
import { SettingsStore } from './settings-store.js';

const keychain = await probeKeychain();

let idp: IdpProcess;
let bff: LocalBff;
const dir = tempDir();

beforeAll(async () => {
  idp = await startIdpProcess();
  bff = await startLocalBff({
    dbFile: `${dir.path}/bff.sqlite`,
    seedDemo: true,
    settings: { oidc: oidcSettings() },
  });
}, 60_000);

/** What BFF_OIDC_* would give (bff/src/services/oidc/settings.ts), spelt out: this suite may not import bff/. */
function oidcSettings(acrValues: string[] = []): NonNullable<NonNullable<Parameters<typeof startLocalBff>[0]['settings']>['oidc']> {
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    audience: idp.audience,
    resource: idp.audience,
    scopes: ['openid', 'profile', idp.apiScope],
    roleMap: { 'ml-ops-operators': ['operator'], 'ml-ops-approvers': ['approver'] },
    providerName: 'Test IdP',
    groupsClaim: 'groups',
    usernameClaim: 'preferred_username',
    acrValues,
    amrValues: [],
    algorithms: ['RS256'],
    allowPassword: false,
    jwksCooldownSeconds: 30,
    jwksMaxAgeSeconds: 600,
    clockToleranceSeconds: 30,
  };
}

afterAll(async () => {
  await bff?.close();
  await idp?.stop();
  dir.remove();
});

/** The system browser: the IdP's login form submitted as `username`, then the redirect followed to the console's loopback listener. */
function browserAs(username: string, tamper: (callback: URL) => URL = (url) => url): BrowserOpener & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    async open(url) {
      opened.push(url);
      const callback = tamper(await idp.browse(url, username));
      const answer = await fetch(callback);
      await answer.text();
    },
  };
}

function consoleWith(vault: CredentialVault, browser: BrowserOpener, options: { fixedIssuer?: string; origin?: string; bffUrl?: string } = {}) {
  const logger = createMemoryLogger();
  const client = new BffClient({ baseUrl: options.bffUrl ?? bff.url, logger, retryDelayMs: () => 1 });
  const origin = options.origin ?? `oidc-${process.pid}`;
  const settingsFile = `${dir.path}/settings-${origin.replace(/\W/g, '_')}.json`;
  const store = new SettingsStore(settingsFile, logger);
  const oidc = new OidcSignIn({ browser, logger, timeoutMs: 10_000, ...(options.fixedIssuer ? { fixedIssuer: options.fixedIssuer } : {}) });
  const session = new SessionService({ client, vault, remembered: store, sessionOrigin: origin, logger, oidc });
  return { session, client, logger, settingsFile };
}

describe.skipIf(!keychain.vault)(`company sign-in on the OS keychain${keychain.vault ? '' : ` — skipped: ${keychain.reason}`}`, () => {
  it('signs in through the browser and the loopback redirect, keeps the refresh token in the keychain only, restores, steps up at the IdP, signs out', async () => {
    const vault = keychain.vault!;
    const origin = `http://oidc-keychain-${process.pid}.test`;
    const browser = browserAs('oscar');
    const first = consoleWith(vault, browser, { origin });
    expect(await first.session.signInMethods()).toEqual({ local_sign_in: false, idp: { provider_name: 'Test IdP' } });

    const state = await first.session.signInWithIdp(true);
    expect(state).toMatchObject({ status: 'signed_in', remembered: true, idp: true, user: { username: 'oscar', roles: ['operator'] } });
    const opened = new URL(browser.opened[0]!);
    expect(opened.origin).toBe(idp.issuer);
    expect(opened.searchParams.get('code_challenge_method')).toBe('S256');
    expect(opened.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(opened.searchParams.get('state')).toBeTruthy();
    expect(opened.searchParams.get('nonce')).toBeTruthy();

    const entry = keychainEntry(origin, 'oscar');
    const saved = await vault.get(entry.service, entry.account);
    expect(saved).toMatch(/^oidc:.{20,}$/);
    const refreshToken = saved!.slice('oidc:'.length);
    // Nowhere else: not in the settings file, not in the log.
    expect(await readFile(first.settingsFile, 'utf8')).not.toContain(refreshToken);
    expect(JSON.stringify(first.logger.lines)).not.toContain(refreshToken);

    // A restart: restored from the keychain through the IdP's refresh grant (the IdP rotates the token).
    const second = consoleWith(vault, browserAs('oscar'), { origin });
    expect(await second.session.restore()).toMatchObject({ status: 'signed_in', idp: true, user: { username: 'oscar' } });
    expect(await vault.get(entry.service, entry.account)).not.toBe(saved);

    // Step-up: a fresh authorization with max_age=0, traded at the BFF for a step-up token.
    const stepUpBrowser = browserAs('oscar');
    const stepUpConsole = consoleWith(vault, stepUpBrowser, { origin });
    await stepUpConsole.session.restore();
    const token = await stepUpConsole.session.withStepUp({ idp: true }, 'rollout', async (stepUpToken) => stepUpToken);
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(new URL(stepUpBrowser.opened[0]!).searchParams.get('max_age')).toBe('0');

    expect(await stepUpConsole.session.signOut()).toMatchObject({ status: 'signed_out', remembered_user: null });
    expect(await vault.get(entry.service, entry.account)).toBeNull();
  });
});

describe('the loopback redirect', () => {
  const noKeychain: CredentialVault = {
    get: async () => null,
    set: async () => {
      throw new Error('not used');
    },
    delete: async () => false,
  };

  it('refuses an answer with another state, and stops listening after the one request', async () => {
    let callbackUrl: URL | undefined;
    const browser = browserAs('amira', (url) => {
      callbackUrl = new URL(url);
      callbackUrl.searchParams.set('state', 'someone-elses-state');
      return callbackUrl;
    });
    const { session } = consoleWith(noKeychain, browser);
    const failure = await session.signInWithIdp(false).catch((error: unknown) => error);
    expect(isClientError(failure, 'sign_in_failed')).toBe(true);
    expect((failure as Error).message).toContain('state');
    await expect(fetch(callbackUrl!)).rejects.toThrow();
    expect(session.state().status).toBe('signed_out');
  });

  const authConfig = async () => ((await (await fetch(`${bff.url}/auth/config`)).json()) as { oidc: Parameters<OidcSignIn['signIn']>[0] }).oidc;

  it('gives up when the browser never comes back: a clear message, the listener closed', async () => {
    const logger = createMemoryLogger();
    const opened: string[] = [];
    const oidc = new OidcSignIn({ browser: { open: async (url) => void opened.push(url) }, logger, timeoutMs: 300 });
    const failure = await oidc.signIn(await authConfig()).catch((error: unknown) => error);
    expect(isClientError(failure, 'sign_in_failed')).toBe(true);
    expect((failure as Error).message).toBe('The browser did not come back from the identity provider within 1 second; sign in again.');
    expect((failure as { details?: unknown }).details).toEqual({ reason: 'timeout' });
    expect(oidc.waiting).toBe(false);
    await expect(fetch(new URL(opened[0]!).searchParams.get('redirect_uri')!)).rejects.toThrow();
  });

  it('cancels a sign-in waiting on the browser: cancelled_by_user, the listener closed, the attempt forgotten', async () => {
    const opened: string[] = [];
    const oidc = new OidcSignIn({ browser: { open: async (url) => void opened.push(url) }, logger: createMemoryLogger(), timeoutMs: 60_000 });
    expect(oidc.cancel()).toBe(false);
    const signIn = oidc.signIn(await authConfig()).catch((error: unknown) => error);
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    expect(oidc.waiting).toBe(true);
    expect(oidc.cancel()).toBe(true);
    const failure = await signIn;
    expect(isClientError(failure, 'cancelled_by_user')).toBe(true);
    expect(oidc.waiting).toBe(false);
    expect(oidc.cancel()).toBe(false);
    // The person finishes at the IdP anyway: the redirect finds nobody listening, nothing signs in.
    const callback = await idp.browse(opened[0]!, 'oscar');
    expect(callback.origin).toBe(new URL(new URL(opened[0]!).searchParams.get('redirect_uri')!).origin);
    await expect(fetch(callback)).rejects.toThrow();
  });

  it('cancels a step-up waiting on the browser through the session: nothing asked of the BFF, still signed in', async () => {
    let waitingBrowser: string | undefined;
    const browser = browserAs('amira');
    const { session } = consoleWith(noKeychain, {
      open: async (url) => {
        // Sign-in goes through; the step-up's browser never comes back until cancelled.
        if (new URL(url).searchParams.get('max_age') === '0') waitingBrowser = url;
        else await browser.open(url);
      },
    });
    await session.signInWithIdp(false);
    let acted = false;
    const stepUp = session.withStepUp({ idp: true }, 'approve', async () => {
      acted = true;
    }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(waitingBrowser).toBeDefined());
    expect(session.cancelIdp()).toBe(true);
    expect(isClientError(await stepUp, 'cancelled_by_user')).toBe(true);
    expect(acted).toBe(false);
    expect(session.state()).toMatchObject({ status: 'signed_in', user: { username: 'amira' } });
  });

  it('a new sign-in replaces one still waiting', async () => {
    const opened: string[] = [];
    const oidc = new OidcSignIn({ browser: { open: async (url) => void opened.push(url) }, logger: createMemoryLogger(), timeoutMs: 60_000 });
    const config = await authConfig();
    const first = oidc.signIn(config).catch((error: unknown) => error);
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    const second = oidc.signIn(config).catch((error: unknown) => error);
    expect(isClientError(await first, 'cancelled_by_user')).toBe(true);
    await vi.waitFor(() => expect(opened).toHaveLength(2));
    oidc.cancel();
    expect(isClientError(await second, 'cancelled_by_user')).toBe(true);
  });

  it('refuses an issuer other than the one the workstation policy fixes, before opening the browser', async () => {
    const browser = browserAs('amira');
    const { session } = consoleWith(noKeychain, browser, { fixedIssuer: 'https://login.corp.example/realms/corp' });
    const failure = await session.signInWithIdp(false).catch((error: unknown) => error);
    expect(isClientError(failure, 'issuer_not_allowed')).toBe(true);
    expect(browser.opened).toEqual([]);
  });

  it('a step-up\'s fresh sign-in carries the IdP\'s newest groups: the session\'s roles follow; no role left ends the session', async () => {
    const { session } = consoleWith(noKeychain, browserAs('amira'));
    const changed: string[][] = [];
    session.onUserChanged((user) => changed.push(user.roles));
    const expired: string[] = [];
    session.onExpired((message) => expired.push(message));
    await session.signInWithIdp(false);
    try {
      // Moved to the operators at the IdP: the step-up's new tokens say so, before anything is spent.
      await idp.setGroups('amira', ['ml-ops-operators']);
      const rolesWhenActing = await session.withStepUp({ idp: true }, 'rollout', async () => session.user?.roles);
      expect(rolesWhenActing).toEqual(['operator']);
      expect(changed).toEqual([['operator']]);
      expect((await session.me()).roles).toEqual(['operator']);

      // Out of every mapped group: the BFF refuses her, the console ends the session and says why.
      await idp.setGroups('amira', []);
      const failure = await session.withStepUp({ idp: true }, 'approve', async () => 'spent').catch((error: unknown) => error);
      expect(isClientError(failure, 'forbidden')).toBe(true);
      expect(session.state().status).toBe('signed_out');
      expect(expired).toEqual(['Your identity provider no longer gives you access to the console.']);
    } finally {
      await idp.setGroups('amira', ['ml-ops-approvers']);
    }
  });

  it('someone else signing in at the browser for a step-up changes nothing: refused, the session and its roles as they were', async () => {
    const asAmira = browserAs('amira');
    const asOscar = browserAs('oscar');
    const { session } = consoleWith(noKeychain, {
      open: (url) => (new URL(url).searchParams.get('max_age') === '0' ? asOscar.open(url) : asAmira.open(url)),
    });
    await session.signInWithIdp(false);
    let acted = false;
    const failure = await session
      .withStepUp({ idp: true }, 'approve', async () => {
        acted = true;
      })
      .catch((error: unknown) => error);
    expect(isClientError(failure, 'step_up_required')).toBe(true);
    expect((failure as Error).message).toBe('You signed in at your identity provider as someone else. Confirm again and sign in as amira.');
    expect(acted).toBe(false);
    expect(session.state()).toMatchObject({ status: 'signed_in', user: { username: 'amira', roles: ['approver'] } });
    expect((await session.me()).username).toBe('amira');
  });

  it('signs in an approver whose roles come from the IdP groups', async () => {
    const { session } = consoleWith(noKeychain, browserAs('amira'));
    expect(await session.signInWithIdp(false)).toMatchObject({ status: 'signed_in', remembered: false, user: { username: 'amira', roles: ['approver'] } });
    expect((await session.me()).roles).toEqual(['approver']);
  });
});

describe('a step-up the BFF finds too weak', () => {
  let strictBff: LocalBff;
  beforeAll(async () => {
    // This BFF demands acr "mfa" at step-up; the IdP's password-only sign-in gives "pwd".
    strictBff = await startLocalBff({ dbFile: `${dir.path}/strict.sqlite`, seedDemo: false, settings: { oidc: oidcSettings(['mfa']) } });
  }, 60_000);
  afterAll(async () => {
    await strictBff?.close();
  });

  it('answers 401 step_up_required; the console says why and that confirming again signs in once more', async () => {
    const noKeychain: CredentialVault = { get: async () => null, set: async () => undefined, delete: async () => false };
    const browser = browserAs('oscar');
    const { session } = consoleWith(noKeychain, browser, { bffUrl: strictBff.url });
    await session.signInWithIdp(false);
    const failure = await session.withStepUp({ idp: true }, 'rollout', async () => 'spent').catch((error: unknown) => error);
    expect(isClientError(failure, 'step_up_required')).toBe(true);
    expect(failure).toMatchObject({ status: 401, details: { reason: 'authentication_too_weak', acr_values: ['mfa'] } });
    expect((failure as Error).message).toMatch(/^The BFF needs a stronger sign-in at your identity provider .*Confirm again to sign in once more\.$/);
    // The step-up asked the IdP for that level (acr_values from /auth/config) with a fresh login.
    const stepUpUrl = new URL(browser.opened[1]!);
    expect([stepUpUrl.searchParams.get('max_age'), stepUpUrl.searchParams.get('acr_values')]).toEqual(['0', 'mfa']);
    expect(session.state().status).toBe('signed_in');
  });
});
