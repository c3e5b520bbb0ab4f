// The desktop behaviour as data and plain services: the application menu per
// platform, the context menu, close-to-tray and launch-at-login decisions from
// settings + workstation policy, the one-time close explanation, notification
// grouping and the Linux autostart entry.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkstationPolicy } from '../../../shared/settings/policy.js';
import { tempDir } from '../test-support/harness.js';
import { acceleratorsOf, appMenuTemplate, contextMenuTemplate, type MenuItemSpec } from './app-menu.js';
import type { NativeNotification } from './approval-notifier.js';
import { closeDecision, firstCloseNotice, LOGIN_ITEM_ARG, loginItemState, startHidden } from './background-presence.js';
import type { Scheduler } from './event-stream.js';
import { applyLinuxAutostart, AUTOSTART_FILE_NAME, autostartDir } from './linux-autostart.js';
import { createMemoryLogger } from './logger.js';
import { NotificationGrouper } from './notification-grouper.js';
import { effectiveSettings } from './policy-service.js';
import { SettingsStore } from './settings-store.js';

const PLATFORMS = ['linux', 'win32', 'darwin'] as const;

const flatten = (items: readonly MenuItemSpec[]): MenuItemSpec[] => items.flatMap((item) => ('submenu' in item ? [item, ...flatten(item.submenu)] : [item]));
const roles = (items: readonly MenuItemSpec[]) => flatten(items).flatMap((item) => ('role' in item && item.role && !('submenu' in item) ? [item.role] : []));
const commands = (items: readonly MenuItemSpec[]) => flatten(items).flatMap((item) => ('command' in item ? [item] : []));
const menu = (items: readonly MenuItemSpec[], label: string) => {
  const found = items.find((item) => 'submenu' in item && item.label.replace('&', '') === label);
  if (!found || !('submenu' in found)) throw new Error(`no ${label} menu`);
  return found.submenu;
};

describe('application menu template', () => {
  for (const platform of PLATFORMS) {
    describe(platform, () => {
      const template = appMenuTemplate({ platform, appName: 'Model Ops Console', signedIn: true });

      it('has the platform-standard menus and roles, and no reload', () => {
        const labels = template.map((item) => ('label' in item ? (item.label ?? '').replace('&', '') : ''));
        expect(labels).toEqual(platform === 'darwin' ? ['Model Ops Console', 'File', 'Edit', 'View', 'Window', 'Help'] : ['File', 'Edit', 'View', 'Window', 'Help']);
        expect(roles(menu(template, 'Edit'))).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
        expect(roles(menu(template, 'View'))).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
        expect(roles(template)).not.toContain('reload');
        expect(roles(template)).not.toContain('forceReload');
        expect(roles(menu(template, 'Window'))).toContain('minimize');
        if (platform === 'darwin') expect(roles(template.slice(0, 1))).toEqual(['services', 'hide', 'hideOthers', 'unhide', 'quit']);
        else expect(roles(menu(template, 'File'))).toContain('quit');
      });

      it('File and Help carry the console commands', () => {
        const file = commands(menu(template, 'File')).map((item) => [item.command, item.accelerator]);
        expect(file).toEqual(expect.arrayContaining([['open-report', 'CmdOrCtrl+O'], ['export-report', 'CmdOrCtrl+E'], ['sign-out', undefined]]));
        const help = commands(menu(template, 'Help')).map((item) => item.command);
        expect(help).toEqual(expect.arrayContaining(['keyboard-shortcuts', 'open-logs-folder']));
        // About names the version and BFF (desktop-shell about()); on macOS it lives in the app menu.
        expect(commands(template).map((item) => item.command)).toContain('about');
      });

      it('has no accelerator twice, counting the ones Electron gives its roles', () => {
        const all = acceleratorsOf(template, platform);
        expect(all.length).toBeGreaterThan(10);
        expect(all.filter((accelerator, index) => all.indexOf(accelerator) !== index)).toEqual([]);
      });
    });
  }

  it('disables Export and Sign Out without a session', () => {
    const signedOut = commands(appMenuTemplate({ platform: 'linux', appName: 'X', signedIn: false }));
    expect(signedOut.filter((item) => item.enabled === false).map((item) => item.command).sort()).toEqual(['export-report', 'sign-out']);
    expect(signedOut.find((item) => item.command === 'open-report')?.enabled).not.toBe(false);
  });
});

describe('context menu', () => {
  const flags = { canUndo: true, canRedo: false, canCut: true, canCopy: true, canPaste: true, canSelectAll: true };
  it('offers cut, copy, paste and select all in a text field', () => {
    const items = contextMenuTemplate({ isEditable: true, selectionText: '', editFlags: flags });
    expect(items.flatMap((item) => ('role' in item ? [`${item.role}:${item.enabled}`] : []))).toEqual([
      'undo:true',
      'redo:false',
      'cut:true',
      'copy:true',
      'paste:true',
      'selectAll:true',
    ]);
  });
  it('offers copy for selected text elsewhere, and nothing otherwise', () => {
    expect(contextMenuTemplate({ isEditable: false, selectionText: 'ltr-ranker', editFlags: flags })).toEqual([{ role: 'copy', enabled: true }]);
    expect(contextMenuTemplate({ isEditable: false, selectionText: ' ', editFlags: flags })).toEqual([]);
  });
});

describe('close to tray and launch at login, from settings and policy', () => {
  const policy = (fields: Partial<WorkstationPolicy>): WorkstationPolicy => ({ version: 1, ...fields });

  it('keeps approvers in the tray by default, quits for others', () => {
    const { settings } = effectiveSettings({}, null);
    expect(closeDecision(settings, ['approver'])).toBe('hide');
    expect(closeDecision(settings, ['operator', 'approver'])).toBe('hide');
    expect(closeDecision(settings, ['operator'])).toBe('quit');
    expect(closeDecision(settings, null)).toBe('quit');
  });

  it('follows the user, unless the policy locks it', () => {
    expect(closeDecision(effectiveSettings({ run_in_background: 'always' }, null).settings, ['operator'])).toBe('hide');
    expect(closeDecision(effectiveSettings({ run_in_background: 'never' }, null).settings, ['approver'])).toBe('quit');
    // A policy default yields to the user's own choice; a lock does not.
    const defaulted = policy({ settings: { run_in_background: 'always' } });
    expect(closeDecision(effectiveSettings({ run_in_background: 'never' }, defaulted).settings, ['operator'])).toBe('quit');
    const lockedOn = policy({ settings: { run_in_background: 'always' }, locked_settings: ['run_in_background'] });
    expect(closeDecision(effectiveSettings({ run_in_background: 'never' }, lockedOn).settings, ['operator'])).toBe('hide');
  });

  it('registers the login item as the setting or the policy lock says', () => {
    expect(loginItemState(effectiveSettings({}, null).settings)).toEqual({ openAtLogin: false, args: [] });
    expect(loginItemState(effectiveSettings({ launch_at_login: true }, null).settings)).toEqual({ openAtLogin: true, args: [LOGIN_ITEM_ARG] });
    const forcedOn = policy({ settings: { launch_at_login: true }, locked_settings: ['launch_at_login'] });
    expect(loginItemState(effectiveSettings({ launch_at_login: false }, forcedOn).settings).openAtLogin).toBe(true);
    const forcedOff = policy({ settings: { launch_at_login: false }, locked_settings: ['launch_at_login'] });
    expect(loginItemState(effectiveSettings({ launch_at_login: true }, forcedOff).settings).openAtLogin).toBe(false);
  });

  it('starts hidden when launched at login, unless background running is off', () => {
    const on = effectiveSettings({}, null).settings;
    expect(startHidden(['/opt/moc/moc', LOGIN_ITEM_ARG], false, on)).toBe(true);
    expect(startHidden(['/opt/moc/moc'], true, on)).toBe(true);
    expect(startHidden(['/opt/moc/moc'], false, on)).toBe(false);
    expect(startHidden([LOGIN_ITEM_ARG], true, { run_in_background: 'never' })).toBe(false);
  });

  it('explains the first close once per data folder, in the platform’s words', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'settings.json');
      const store = new SettingsStore(file, createMemoryLogger());
      expect(store.noticeShown('first_close')).toBe(false);
      store.markNoticeShown('first_close');
      expect(new SettingsStore(file, createMemoryLogger()).noticeShown('first_close')).toBe(true);
    } finally {
      dir.remove();
    }
    expect(firstCloseNotice('darwin', 'Model Ops Console').body).toContain('menu bar');
    expect(firstCloseNotice('win32', 'Model Ops Console').body).toContain('notification area');
    expect(firstCloseNotice('linux', 'Model Ops Console').body).toMatch(/system tray.*Quit Model Ops Console/);
  });
});

/** A scheduler whose timers run when the test says. */
function manualScheduler(): Scheduler & { runAll(): void; pending(): number } {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (run) => (timers.set(++next, run), next),
    clearTimeout: (handle) => void timers.delete(handle as number),
    runAll: () => {
      const due = [...timers.values()];
      timers.clear();
      for (const run of due) run();
    },
    pending: () => timers.size,
  };
}

describe('notification grouping', () => {
  const request = (id: string, subject: string): NativeNotification => ({
    title: `Approval requested: ${subject}`,
    body: '…',
    onClick: () => undefined,
    group: 'approval-request',
    requestId: id,
    subject,
  });

  it('turns a burst of requests into one notification that opens the first', () => {
    const shown: NativeNotification[] = [];
    const opened: (string | null)[] = [];
    const scheduler = manualScheduler();
    const grouper = new NotificationGrouper({ show: (n) => shown.push(n), openRequest: (id) => opened.push(id), scheduler });
    grouper.add(request('req_a', 'Start canary bert-sentiment 1.1.0'));
    grouper.add(request('req_b', 'Start canary e5-base-v2 1.1.0'));
    grouper.add(request('req_c', 'Advance ltr-ranker 2.1.0'));
    grouper.add(request('req_d', 'Promote cross-encoder-reranker 1.1.0'));
    expect(shown).toEqual([]);
    scheduler.runAll();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe('4 requests wait for you');
    expect(shown[0]!.body).toBe('Start canary bert-sentiment 1.1.0; Start canary e5-base-v2 1.1.0; Advance ltr-ranker 2.1.0; and 1 more.');
    shown[0]!.onClick();
    expect(opened).toEqual(['req_a']);
  });

  it('shows a lone request as it is, and everything else at once', () => {
    const shown: NativeNotification[] = [];
    const scheduler = manualScheduler();
    const grouper = new NotificationGrouper({ show: (n) => shown.push(n), openRequest: () => undefined, scheduler });
    const lone = request('req_a', 'Start canary bert-sentiment 1.1.0');
    grouper.add(lone);
    grouper.add({ title: 'Your request was approved', body: '…', onClick: () => undefined });
    expect(shown.map((n) => n.title)).toEqual(['Your request was approved']);
    scheduler.runAll();
    expect(shown[1]).toBe(lone);
    grouper.add(request('req_b', 'x'));
    grouper.clear();
    expect(scheduler.pending()).toBe(0);
    scheduler.runAll();
    expect(shown).toHaveLength(2);
  });
});

describe('Linux autostart entry', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  it('writes the XDG autostart file with the login argument, and removes it', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const autostart = autostartDir({ XDG_CONFIG_HOME: join(dir.path, 'config') }, '/home/nobody');
    expect(autostart).toBe(join(dir.path, 'config', 'autostart'));
    expect(autostartDir({}, '/home/nobody')).toBe('/home/nobody/.config/autostart');
    await applyLinuxAutostart(autostart, true, 'Model Ops Console', ['/opt/Model Ops Console/model-ops-console', LOGIN_ITEM_ARG]);
    const entry = readFileSync(join(autostart, AUTOSTART_FILE_NAME), 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain(`Exec="/opt/Model Ops Console/model-ops-console" "${LOGIN_ITEM_ARG}"`);
    await applyLinuxAutostart(autostart, false, 'Model Ops Console', []);
    expect(existsSync(join(autostart, AUTOSTART_FILE_NAME))).toBe(false);
  });
});
