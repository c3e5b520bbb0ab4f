// SessionService against the real BFF: keychain-backed "stay signed in",
// restore, sign-out revocation, 401 -> one refresh -> sign-in prompt, step-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelListResponse } from '../../../shared/api/index.js';
import { memoryVault, probeKeychain, startDemoBff, tempDir, type DemoBff } from '../test-support/harness.js';
import { BffClient } from './bff-client.js';
import { ClientError } from './client-error.js';
import { keychainEntry, type CredentialVault } from './credential-vault.js';
import { createMemoryLogger } from './logger.js';
import { SessionService } from './session-service.js';
import { SettingsStore } from './settings-store.js';

const keychain = await probeKeychain();

let bff: DemoBff;
const dir = tempDir();
beforeAll(async () => {
  bff = await startDemoBff();
});
afterAll(async () => {
  await bff.stop();
  dir.remove();
});

/** A console as after a restart: new client, new session service, same settings file and keychain. */
function consoleSession(vault: CredentialVault, origin = `test-${process.pid}`) {
  const logger = createMemoryLogger();
  const requests: string[] = [];
  const client = new BffClient({ baseUrl: bff.url, logger, retryDelayMs: () => 1 });
  const original = client.request.bind(client);
  // Observe which endpoints are hit (refresh counting); the request itself is the real one.
  client.request = ((request) => {
    requests.push(`${request.method} ${request.path}`);
    return original(request);
  }) as typeof client.request;
  const store = new SettingsStore(`${dir.path}/settings-${origin}.json`, logger);
  const session = new SessionService({ client, vault, remembered: store, sessionOrigin: origin, logger });
  return { session, client, requests, store, logger, origin };
}

const listModels = (c: ReturnType<typeof consoleSession>) =>
  c.session.authorized((accessToken) => c.client.request({ method: 'GET', path: '/admin/models', accessToken, response: ModelListResponse }));

describe.skipIf(!keychain.vault)(`sessions on the OS keychain${keychain.vault ? '' : ` — skipped: ${keychain.reason}`}`, () => {
  it('stay signed in: refresh token in the keychain, restored after a restart, deleted and revoked at sign-out', async () => {
    const vault = keychain.vault!;
    const origin = `http://keychain-${process.pid}.test`;
    const entry = keychainEntry(origin, 'olivia');
    const first = consoleSession(vault, origin);
    const state = await first.session.signIn('olivia', 'demo-olivia', true);
    expect(state).toMatchObject({ status: 'signed_in', remembered: true, user: { username: 'olivia' } });
    const saved = await vault.get(entry.service, entry.account);
    expect(saved).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    // Restart: nothing in memory, the keychain and the remembered user name remain.
    const second = consoleSession(vault, origin);
    expect(second.session.state()).toEqual({ status: 'signed_out', remembered_user: 'olivia' });
    expect(await second.session.restore()).toMatchObject({ status: 'signed_in', remembered: true });
    // The BFF rotates refresh tokens: the keychain holds the new one.
    const rotated = await vault.get(entry.service, entry.account);
    expect(rotated).not.toBe(saved);
    expect((await listModels(second)).items.length).toBeGreaterThan(0);

    expect(await second.session.signOut()).toEqual({ status: 'signed_out', remembered_user: null });
    expect(await vault.get(entry.service, entry.account)).toBeNull();
    // Revoked at the BFF too: the token that was in the keychain no longer works.
    const refused = await second.client.request({ method: 'POST', path: '/auth/refresh', body: { refresh_token: rotated }, response: z.unknown() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).status).toBe(401);
  });

  it('not staying signed in leaves nothing in the keychain, and clears an earlier saved sign-in', async () => {
    const vault = keychain.vault!;
    const origin = `http://keychain-off-${process.pid}.test`;
    const entry = keychainEntry(origin, 'arjun');
    const c = consoleSession(vault, origin);
    await c.session.signIn('arjun', 'demo-arjun', true);
    expect(await vault.get(entry.service, entry.account)).not.toBeNull();
    await c.session.signOut();
    const d = consoleSession(vault, origin);
    await d.session.signIn('arjun', 'demo-arjun', true);
    await d.session.signIn('arjun', 'demo-arjun', false);
    expect(await vault.get(entry.service, entry.account)).toBeNull();
    expect(d.session.state()).toMatchObject({ status: 'signed_in', remembered: false });
    await d.session.signOut();
  });
});

describe('refresh rules (real BFF, clock moved)', () => {
  it('401 -> exactly one refresh -> the call is repeated and succeeds', async () => {
    const c = consoleSession(memoryVault(), 'refresh-ok');
    await c.session.signIn('olivia', 'demo-olivia', false);
    // The BFF's clock moves past the 15-minute access token; the console's own clock does not.
    bff.clock.advance(20 * 60_000);
    c.requests.length = 0;
    const [a, b] = await Promise.all([listModels(c), listModels(c)]);
    expect(a.items.length).toBe(b.items.length);
    expect(c.requests.filter((r) => r === 'POST /auth/refresh')).toHaveLength(1);
    expect(c.requests.filter((r) => r === 'GET /admin/models')).toHaveLength(4);
    await c.session.signOut();
  });

  it('a refresh the BFF refuses ends the session: session_expired, the sign-in prompt, keychain entry gone', async () => {
    const vault = memoryVault();
    const c = consoleSession(vault, 'refresh-refused');
    await c.session.signIn('olivia', 'demo-olivia', true);
    expect(vault.entries.size).toBe(1);
    const prompts: string[] = [];
    c.session.onExpired((message) => prompts.push(message));
    bff.clock.advance(31 * 24 * 3600_000); // past the refresh token too
    const error = await listModels(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('session_expired');
    expect(prompts).toHaveLength(1);
    expect(c.session.state().status).toBe('signed_out');
    expect(vault.entries.size).toBe(0);
    expect(c.requests.filter((r) => r === 'POST /auth/refresh')).toHaveLength(1);
  });

  it('a restore with a refused token deletes it and stays signed out; an unreachable BFF keeps it', async () => {
    const vault = memoryVault();
    const origin = 'restore-refused';
    const c = consoleSession(vault, origin);
    c.store.setRememberedUser(origin, 'olivia');
    const entry = keychainEntry(origin, 'olivia');
    await vault.set(entry.service, entry.account, 'not-a-token-the-bff-issued');
    expect(await c.session.restore()).toEqual({ status: 'signed_out', remembered_user: null });
    expect(vault.entries.size).toBe(0);

    const logger = createMemoryLogger();
    const offline = new SessionService({
      client: new BffClient({ baseUrl: 'http://127.0.0.1:9', logger, retryLimit: 0 }),
      vault,
      remembered: c.store,
      sessionOrigin: origin,
      logger,
    });
    c.store.setRememberedUser(origin, 'olivia');
    await vault.set(entry.service, entry.account, 'kept-while-offline');
    await expect(offline.restore()).rejects.toMatchObject({ code: 'network_unreachable' });
    expect(await vault.get(entry.service, entry.account)).toBe('kept-while-offline');
  });

  it('calls without a session answer not_signed_in', async () => {
    const c = consoleSession(memoryVault(), 'nobody');
    await expect(listModels(c)).rejects.toMatchObject({ code: 'not_signed_in' });
  });
});

describe('signing in over a live session', () => {
  it('revokes the previous session at the BFF first', async () => {
    const c = consoleSession(memoryVault(), 'switch-user');
    await c.session.signIn('olivia', 'demo-olivia', false);
    c.requests.length = 0;
    expect(await c.session.signIn('arjun', 'demo-arjun', false)).toMatchObject({ status: 'signed_in', user: { username: 'arjun' } });
    expect(c.requests).toEqual(['POST /auth/login', 'POST /auth/logout']);
    await c.session.signOut();
  });
});
