// Workstation policy: documented paths, precedence over the user's settings,
// locked settings, and invalid files reported with their name and problem.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/harness.js';
import { ClientError } from './client-error.js';
import { createMemoryLogger } from './logger.js';
import { effectiveSettings, loadPolicy, policyPath } from './policy-service.js';
import { SettingsService } from './settings-service.js';
import { SettingsStore } from './settings-store.js';

const dir = tempDir();
afterAll(() => dir.remove());
let fileCounter = 0;
const writePolicy = (content: unknown) => {
  fileCounter += 1;
  const file = join(dir.path, `policy-${fileCounter}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('policy file location', () => {
  it('uses the documented path per OS, and MODELOPS_POLICY_FILE first', () => {
    expect(policyPath('linux', {})).toBe('/etc/model-ops-console/policy.json');
    expect(policyPath('darwin', {})).toBe('/Library/Application Support/ModelOpsConsole/policy.json');
    expect(policyPath('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\ModelOpsConsole\\policy.json');
    expect(policyPath('linux', { MODELOPS_POLICY_FILE: '/tmp/p.json' })).toBe('/tmp/p.json');
  });
});

describe('loadPolicy', () => {
  it('a missing file means an unmanaged machine', async () => {
    const loaded = await loadPolicy(join(dir.path, 'absent.json'));
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
    const loaded = await loadPolicy(file);
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
    const loaded = await loadPolicy(file);
    expect(loaded.status.state).toBe('invalid');
    expect(loaded.status.error).toContain(file);
    expect(loaded.status.error).toMatch(problem);
    expect(loaded.policy).toBeNull();
  });

  it('an unreadable file is invalid, not absent', async () => {
    // A folder where the file should be: unreadable even for root (chmod would not stop root).
    const folder = join(dir.path, 'policy-folder.json');
    mkdirSync(folder);
    expect((await loadPolicy(folder)).status).toMatchObject({ state: 'invalid', error: expect.stringContaining('EISDIR') });
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
    const loaded = await loadPolicy(file);
    const store = new SettingsStore(join(dir.path, 'settings-locked.json'), createMemoryLogger());
    const service = new SettingsService(store, loaded, () => 'https://bff.corp.example');
    expect(service.view()).toMatchObject({ mode: 'remote', locked: ['bff_url', 'theme'], policy: { state: 'loaded', path: file } });
    expect(() => service.set({ theme: 'dark' })).toThrow(ClientError);
    try {
      service.set({ bff_url: 'https://elsewhere.example' });
    } catch (error) {
      expect((error as ClientError).code).toBe('setting_locked');
      expect((error as ClientError).message).toContain(file);
    }
    expect(service.set({ notifications_enabled: false }).settings.notifications_enabled).toBe(false);
  });

  it('changing the BFF URL asks for a restart', async () => {
    const store = new SettingsStore(join(dir.path, 'settings-restart.json'), createMemoryLogger());
    const service = new SettingsService(store, await loadPolicy(join(dir.path, 'none.json')), () => null);
    expect(service.view()).toMatchObject({ mode: 'local', restart_required: false });
    expect(service.set({ bff_url: 'https://bff.example' })).toMatchObject({ mode: 'local', restart_required: true });
    expect(service.set({ bff_url: null }).restart_required).toBe(false);
  });
});
