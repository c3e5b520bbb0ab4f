// Company sign-in from the main process against a real OpenID provider
// (oidc-provider) and a real BFF: the "system browser" port is played by an
// HTTP client that submits the IdP's login form and then requests the loopback
// callback, as a browser would. Keychain tests run on gnome-keyring
// (scripts/with-keyring.sh) and are skipped without it.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalBff, type LocalBff } from '../local-mode/start-local-bff.js';
import { probeKeychain, tempDir } from '../test-support/harness.js';
import { IDP_API_SCOPE, IDP_AUDIENCE, IDP_CLIENT_ID, startIdpProcess, submitIdpLogin, type IdpProcess } from '../test-support/idp.js';
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
    settings: {
      // What BFF_OIDC_* would give (bff/src/services/oidc/settings.ts), spelt out: this suite may not import bff/.
      oidc: {
        issuer: idp.issuer,
        clientId: IDP_CLIENT_ID,
        audience: IDP_AUDIENCE,
        resource: IDP_AUDIENCE,
        scopes: ['openid', 'profile', IDP_API_SCOPE],
        roleMap: { 'ml-ops-operators': ['operator'], 'ml-ops-approvers': ['approver'] },
        providerName: 'Test IdP',
        groupsClaim: 'groups',
        usernameClaim: 'preferred_username',
        acrValues: [],
        amrValues: [],
        algorithms: ['RS256'],
        allowPassword: false,
        jwksCooldownSeconds: 30,
        jwksMaxAgeSeconds: 600,
        clockToleranceSeconds: 30,
      },
    },
  });
}, 60_000);
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
      const user = idp.users.get(username)!;
      const callback = tamper(await submitIdpLogin(url, { username, password: user.password }));
      const answer = await fetch(callback);
      await answer.text();
    },
  };
}

function consoleWith(vault: CredentialVault, browser: BrowserOpener, options: { fixedIssuer?: string; origin?: string } = {}) {
  const logger = createMemoryLogger();
  const client = new BffClient({ baseUrl: bff.url, logger, retryDelayMs: () => 1 });
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

  it('gives up when the browser never comes back', async () => {
    const logger = createMemoryLogger();
    const oidc = new OidcSignIn({ browser: { open: async () => undefined }, logger, timeoutMs: 300 });
    const config = (await (await fetch(`${bff.url}/auth/config`)).json()) as { oidc: Parameters<OidcSignIn['signIn']>[0] };
    const failure = await oidc.signIn(config.oidc).catch((error: unknown) => error);
    expect(isClientError(failure, 'sign_in_failed')).toBe(true);
    expect((failure as Error).message).toContain('did not come back');
  });

  it('refuses an issuer other than the one the workstation policy fixes, before opening the browser', async () => {
    const browser = browserAs('amira');
    const { session } = consoleWith(noKeychain, browser, { fixedIssuer: 'https://login.corp.example/realms/corp' });
    const failure = await session.signInWithIdp(false).catch((error: unknown) => error);
    expect(isClientError(failure, 'issuer_not_allowed')).toBe(true);
    expect(browser.opened).toEqual([]);
  });

  it('signs in an approver whose roles come from the IdP groups', async () => {
    const { session } = consoleWith(noKeychain, browserAs('amira'));
    expect(await session.signInWithIdp(false)).toMatchObject({ status: 'signed_in', remembered: false, user: { username: 'amira', roles: ['approver'] } });
    expect((await session.me()).roles).toEqual(['approver']);
  });
});
