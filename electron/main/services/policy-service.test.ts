// Workstation policy: documented paths, precedence over the user's settings,
// locked settings, and invalid files reported with their name and problem.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/harness.js';
import { INVOKE_CHANNELS } from '../../../shared/ipc/contract.js';
import { BffUrl } from '../../../shared/settings/settings.js';
import { ClientError } from './client-error.js';
import type { ConfirmDialog } from './confirmations.js';
import { createMemoryLogger } from './logger.js';
import { effectiveSettings, loadPolicy, policyPath } from './policy-service.js';
import { SettingsService } from './settings-service.js';
import { SettingsStore } from './settings-store.js';

const dir = tempDir();
/** The files these tests write belong to whoever runs them (root in CI, a developer elsewhere). */
const mine = { trustedOwners: [0, process.getuid?.() ?? 0] };
const root = process.getuid?.() === 0;
afterAll(() => dir.remove());
let fileCounter = 0;
const writePolicy = (content: unknown) => {
  fileCounter += 1;
  const file = join(dir.path, `policy-${fileCounter}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('policy file location', () => {
  it('uses the documented path per OS; MODELOPS_POLICY_FILE only in an unpackaged build', () => {
    expect(policyPath('linux', {})).toBe('/etc/model-ops-console/policy.json');
    expect(policyPath('darwin', {})).toBe('/Library/Application Support/ModelOpsConsole/policy.json');
    expect(policyPath('linux', { MODELOPS_POLICY_FILE: '/tmp/p.json' }, { packaged: false })).toBe('/tmp/p.json');
  });

  it('an installed app cannot be pointed at another policy by the user: the override and %ProgramData% are ignored', () => {
    expect(policyPath('linux', { MODELOPS_POLICY_FILE: '/tmp/p.json' }, { packaged: true })).toBe('/etc/model-ops-console/policy.json');
    expect(policyPath('linux', { MODELOPS_POLICY_FILE: '/tmp/p.json' })).toBe('/etc/model-ops-console/policy.json');
    // ProgramData comes from the OS's known folder (adapters/known-folders.ts), never from the environment.
    expect(policyPath('win32', { ProgramData: 'D:\\mine', PROGRAMDATA: 'D:\\mine' }, { packaged: true, programDataDir: 'C:\\ProgramData' })).toBe(
      'C:\\ProgramData\\ModelOpsConsole\\policy.json',
    );
    expect(policyPath('win32', { ProgramData: 'D:\\mine' }, { packaged: true, programDataDir: null })).toBe('C:\\ProgramData\\ModelOpsConsole\\policy.json');
    expect(policyPath('win32', {}, { packaged: true, programDataDir: 'E:\\PD\\' })).toBe('E:\\PD\\ModelOpsConsole\\policy.json');
  });
});

describe('a policy file anyone but root could have written is refused (POSIX)', () => {
  const valid = { version: 1, settings: { theme: 'dark' } };

  it('writable by group or others -> invalid, and the message says why and what to do', async () => {
    const file = writePolicy(valid);
    chmodSync(file, 0o666);
    const others = await loadPolicy(file, { platform: 'linux', ...mine });
    expect(others.status).toMatchObject({ state: 'invalid', error: expect.stringMatching(/writable by its group.*mode 666.*chmod 644/) });
    expect(others.policy).toBeNull();
    chmodSync(file, 0o646);
    expect((await loadPolicy(file, { platform: 'linux', ...mine })).status.error).toMatch(/writable by other users \(mode 646\)/);
    chmodSync(file, 0o644);
    expect((await loadPolicy(file, { platform: 'linux', ...mine })).status.state).toBe('loaded');
  });

  it.skipIf(!root)('owned by another user -> invalid (a real chown to nobody, which needs root), unless that owner is trusted', async () => {
    const file = writePolicy(valid);
    chmodSync(file, 0o644);
    chownSync(file, 65534, 65534);
    expect((await loadPolicy(file, { platform: 'linux' })).status).toMatchObject({ state: 'invalid', error: expect.stringContaining('owned by user id 65534, not by root') });
    expect((await loadPolicy(file, { platform: 'linux', trustedOwners: [0, 65534] })).status.state).toBe('loaded');
  });

  it('a FIFO in its place does not hang the start', async () => {
    const fifo = join(dir.path, 'policy-fifo.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect((await loadPolicy(fifo, { platform: 'linux' })).status).toMatchObject({ state: 'invalid', error: expect.stringContaining('not a regular file') });
  });

  it('the settings screen shows the reason (app:settings:get carries it)', async () => {
    const file = writePolicy(valid);
    chmodSync(file, 0o666);
    const store = new SettingsStore(join(dir.path, 'settings-unsafe.json'), createMemoryLogger());
    const service = new SettingsService(store, await loadPolicy(file, { platform: 'linux', ...mine }), () => null);
    expect(service.view().policy).toMatchObject({ state: 'invalid', path: file, error: expect.stringContaining('writable by its group') });
  });
});

describe('loadPolicy', () => {
  it('a missing file means an unmanaged machine', async () => {
    const loaded = await loadPolicy(join(dir.path, 'absent.json'), mine);
    expect(loaded.status).toEqual({ path: join(dir.path, 'absent.json'), state: 'absent' });
    expect(loaded.policy).toBeNull();
  });

  it('loads a valid policy with its CA certificates', async () => {
    const pem = join(dir.path, 'corp-ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const file = writePolicy({
      version: 1,
      bff_url: 'https://bff.corp.example',
      ca_certificate_files: [pem],
      proxy: { url: 'http://proxy.corp.example:3128', bypass: ['.corp.example'] },
      locked_settings: ['notifications_enabled'],
    });
    const loaded = await loadPolicy(file, mine);
    expect(loaded.status.state).toBe('loaded');
    expect(loaded.caCertificates).toHaveLength(1);
    expect(loaded.policy?.proxy?.bypass).toEqual(['.corp.example']);
  });

  it.each([
    ['not JSON', '{ "version": 1, ', /not valid JSON/],
    ['a misspelt key', { version: 1, bff_ulr: 'https://x.example' }, /bff_ulr/],
    ['a URL with credentials', { version: 1, bff_url: 'https://me:pw@x.example' }, /bff_url: must be a plain/],
    ['an unknown setting locked', { version: 1, locked_settings: ['colour'] }, /locked_settings\.0/],
    ['a wrong version', { version: 2 }, /version/],
    ['a missing CA file', { version: 1, ca_certificate_files: ['/nonexistent/ca.pem'] }, /\/nonexistent\/ca\.pem cannot be read \(ENOENT\)/],
  ])('%s is invalid, and the message names the file and the problem', async (_name, content, problem) => {
    const file = writePolicy(content);
    const loaded = await loadPolicy(file, mine);
    expect(loaded.status.state).toBe('invalid');
    expect(loaded.status.error).toContain(file);
    expect(loaded.status.error).toMatch(problem);
    expect(loaded.policy).toBeNull();
  });

  it('an unreadable file is invalid, not absent', async () => {
    // A folder where the file should be: unreadable even for root (chmod would not stop root).
    const folder = join(dir.path, 'policy-folder.json');
    mkdirSync(folder);
    expect((await loadPolicy(folder, mine)).status).toMatchObject({ state: 'invalid', error: expect.stringContaining('not a regular file') });
  });
});

describe('precedence: policy locks > user > policy defaults > built-in defaults', () => {
  it('applies each layer where it should', () => {
    const policy = { version: 1 as const, settings: { theme: 'dark' as const, notifications_enabled: false }, locked_settings: ['notifications_enabled' as const] };
    expect(effectiveSettings({}, null)).toEqual({ settings: { bff_url: null, notifications_enabled: true, theme: 'system', run_in_background: 'approvers', launch_at_login: false }, locked: [] });
    // Policy values are defaults for unlocked settings...
    expect(effectiveSettings({}, policy).settings.theme).toBe('dark');
    // ...which the user may override; locked ones the user may not.
    const mixed = effectiveSettings({ theme: 'light', notifications_enabled: true }, policy);
    expect(mixed.settings).toMatchObject({ theme: 'light', notifications_enabled: false });
    expect(mixed.locked).toEqual(['notifications_enabled']);
  });

  it('a policy BFF URL locks the URL and so turns local mode off', () => {
    const effective = effectiveSettings({ bff_url: null }, { version: 1, bff_url: 'https://bff.corp.example' });
    expect(effective.settings.bff_url).toBe('https://bff.corp.example');
    expect(effective.locked).toEqual(['bff_url']);
  });

  it('the settings service refuses a locked change with setting_locked and reports locks and mode', async () => {
    const file = writePolicy({ version: 1, bff_url: 'https://bff.corp.example', locked_settings: ['theme'] });
    const loaded = await loadPolicy(file, mine);
    const store = new SettingsStore(join(dir.path, 'settings-locked.json'), createMemoryLogger());
    const service = new SettingsService(store, loaded, () => 'https://bff.corp.example');
    expect(service.view()).toMatchObject({ mode: 'remote', locked: ['bff_url', 'theme'], policy: { state: 'loaded', path: file } });
    expect(() => service.set({ theme: 'dark' })).toThrow(ClientError);
    const confirms: unknown[] = [];
    await expect(service.changeBff('https://elsewhere.example', async (dialog) => (confirms.push(dialog), true))).rejects.toMatchObject({
      code: 'setting_locked',
      message: expect.stringContaining(file),
    });
    expect(confirms).toEqual([]);
    expect(service.set({ notifications_enabled: false }).settings.notifications_enabled).toBe(false);
  });

  it('changing the BFF URL is confirmed in a native dialog naming the origin, and asks for a restart', async () => {
    const store = new SettingsStore(join(dir.path, 'settings-restart.json'), createMemoryLogger());
    const service = new SettingsService(store, await loadPolicy(join(dir.path, 'none.json'), mine), () => null);
    const shown: ConfirmDialog[] = [];
    const answers: boolean[] = [false];
    const confirm = async (dialog: ConfirmDialog) => (shown.push(dialog), answers.shift() ?? true);
    expect(service.view()).toMatchObject({ mode: 'local', restart_required: false });
    // Declined: nothing stored.
    await expect(service.changeBff('https://bff.example/api', confirm)).rejects.toMatchObject({ code: 'cancelled_by_user' });
    expect(shown[0]).toMatchObject({ kind: 'bff_change', message: expect.stringContaining('https://bff.example') });
    expect(service.view().settings.bff_url).toBeNull();
    expect(await service.changeBff('https://bff.example/api', confirm)).toMatchObject({ mode: 'local', restart_required: true });
    expect(service.view().settings.bff_url).toBe('https://bff.example/api');
    expect((await service.changeBff(null, confirm)).restart_required).toBe(false);
  });

  it('the renderer cannot repoint the console: app:settings:set refuses bff_url at the contract and in the service', () => {
    expect(INVOKE_CHANNELS['app:settings:set'].request.safeParse({ bff_url: 'https://evil.example' }).success).toBe(false);
    expect(INVOKE_CHANNELS['app:settings:set'].request.safeParse({ theme: 'dark' }).success).toBe(true);
    const store = new SettingsStore(join(dir.path, 'settings-renderer.json'), createMemoryLogger());
    const service = new SettingsService(store, { status: { path: '/none', state: 'absent' }, policy: null, caCertificates: [] }, () => null);
    expect(() => service.set({ bff_url: 'https://evil.example' } as never)).toThrow(expect.objectContaining({ code: 'invalid_ipc_payload' }));
    expect(service.view().settings.bff_url).toBeNull();
  });

  it('plain http is refused for another machine, in settings and in the policy; loopback may use it', async () => {
    const store = new SettingsStore(join(dir.path, 'settings-http.json'), createMemoryLogger());
    const service = new SettingsService(store, { status: { path: '/none', state: 'absent' }, policy: null, caCertificates: [] }, () => null);
    const yes = async () => true;
    expect(BffUrl.safeParse('http://bff.corp.example').success).toBe(false);
    expect(BffUrl.safeParse('http://10.0.0.5:8787').success).toBe(false);
    for (const loopback of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787', 'http://127.8.9.10']) expect(BffUrl.safeParse(loopback).success).toBe(true);
    await expect(service.changeBff('http://bff.corp.example', yes)).rejects.toMatchObject({ code: 'bff_not_allowed' });
    const policyFile = writePolicy({ version: 1, bff_url: 'http://bff.corp.example' });
    expect((await loadPolicy(policyFile, mine)).status).toMatchObject({ state: 'invalid', error: expect.stringContaining('must use https') });
  });

  it('the policy may limit the BFFs a user can choose (allowed_bff_origins)', async () => {
    const file = writePolicy({ version: 1, allowed_bff_origins: ['https://bff.corp.example', 'https://staging.corp.example:8443'] });
    const loaded = await loadPolicy(file, mine);
    expect(loaded.status.state).toBe('loaded');
    const store = new SettingsStore(join(dir.path, 'settings-allowed.json'), createMemoryLogger());
    const service = new SettingsService(store, loaded, () => null);
    const yes = async () => true;
    await expect(service.changeBff('https://evil.example', yes)).rejects.toMatchObject({ code: 'bff_not_allowed', message: expect.stringContaining(file) });
    expect((await service.changeBff('https://staging.corp.example:8443/modelops', yes)).settings.bff_url).toBe('https://staging.corp.example:8443/modelops');
    expect((await loadPolicy(writePolicy({ version: 1, allowed_bff_origins: ['https://x.example/path'] }), mine)).status.state).toBe('invalid');
  });
});

describe('a stored plain-http BFF URL from before https was required', () => {
  it('is dropped alone (local mode until the user picks an https URL); the rest of the file is kept', () => {
    const file = join(dir.path, 'settings-old-http.json');
    writeFileSync(file, JSON.stringify({ version: 1, settings: { bff_url: 'http://bff.corp.example', theme: 'dark' }, remembered_users: { local: 'olivia' } }));
    const logger = createMemoryLogger();
    const store = new SettingsStore(file, logger);
    expect(store.userSettings()).toEqual({ theme: 'dark' });
    expect(store.rememberedUser('local')).toBe('olivia');
  });
});
