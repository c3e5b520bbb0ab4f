// One seat in the real app: Electron launched by Playwright on the built app
// (package.json "main" -> out/main), its own data folder, native notifications
// recorded in the main process instead of shown, so the test can click them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import { createKeytarVault } from '../../electron/main/services/credential-vault.js';
import { forgetSavedSignIns, watchProblems, writeUserSettings, type ConsoleSeat, type SeatOptions } from './console-seat.js';
import type { FileDialogRequest, RecordedConfirmation } from './recording-adapters.js';
import { REPO_ROOT } from './paths.js';

/** package.json "name": Electron's app name, and so the last part of its userData path. */
const APP_NAME = 'model-ops-console';

/** Why the electron project cannot run on this machine beyond a missing binary, or null. */
export function electronDisplayProblem(): string | null {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return null;
  return 'no display for Electron windows: run the electron project under `xvfb-run -a npm run test:e2e`';
}

export class ElectronSeat implements ConsoleSeat {
  readonly #problems: string[] = [];

  private constructor(
    readonly label: string,
    readonly dataDir: string,
    readonly app: ElectronApplication,
    readonly page: Page,
  ) {}

  static async open(options: SeatOptions): Promise<ElectronSeat> {
    // The real app opens the OS's browser (shell.openExternal), which Playwright cannot drive.
    if (options.systemBrowser) throw new Error('company sign-in journeys run in the Chromium harness only');
    // <config home>/<package name>: where app.getPath('userData') points on Linux for this
    // XDG_CONFIG_HOME, and named by --user-data-dir as well, so either way it is this folder.
    let dataDir = options.dataDir;
    if (!dataDir) {
      dataDir = join(mkdtempSync(join(tmpdir(), 'moc-e2e-electron-')), APP_NAME);
      writeUserSettings(dataDir, options.bffUrl);
    }
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const app = await _electron.launch({
      // The app as `npm start` runs it; its own user-data folder, so each seat has its own
      // settings, single-instance lock and remembered user.
      args: [REPO_ROOT, `--user-data-dir=${dataDir}`, ...(asRoot ? ['--no-sandbox'] : [])],
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: dirname(dataDir), MODELOPS_POLICY_FILE: join(dataDir, 'no-policy.json') } as Record<string, string>,
    });
    // Notifications: recorded, never shown; each keeps the 'click' listener the adapter attached.
    await app.evaluate(({ Notification }) => {
      const recorded: unknown[] = [];
      (globalThis as Record<string, unknown>).__e2eNotifications = recorded;
      Object.defineProperty(Notification, 'isSupported', { value: () => true, configurable: true });
      Notification.prototype.show = function show(this: unknown) {
        recorded.push(this);
      };
    });
    // The main process's own confirmations (adapters/dialog.ts createConfirm): recorded and answered
    // from a queue (none queued: the confirm button), like the Chromium harness's RecordingDialog.
    await app.evaluate(({ dialog }) => {
      const state = { answers: [] as boolean[], shown: [] as { title: string; message: string; detail: string; confirmLabel: string }[] };
      (globalThis as Record<string, unknown>).__e2eConfirmations = state;
      dialog.showMessageBox = (async (...args: unknown[]) => {
        const options = (args.at(-1) ?? {}) as { title?: string; message?: string; detail?: string; buttons?: string[] };
        state.shown.push({ title: options.title ?? '', message: options.message ?? '', detail: options.detail ?? '', confirmLabel: options.buttons?.[1] ?? '' });
        return { response: (state.answers.shift() ?? true) ? 1 : 0, checkboxChecked: false };
      }) as typeof dialog.showMessageBox;
    });
    const page = await app.firstWindow();
    const seat = new ElectronSeat(options.label, dataDir, app, page);
    watchProblems(page, seat.#problems);
    await page.waitForLoadState('load');
    return seat;
  }

  notifications(): Promise<{ title: string; body: string }[]> {
    return this.app.evaluate(() =>
      ((globalThis as Record<string, unknown>).__e2eNotifications as { title: string; body: string }[]).map(({ title, body }) => ({ title, body })),
    );
  }

  async clickNotification(title: RegExp): Promise<void> {
    const clicked = await this.app.evaluate(
      (_electron, [source, flags]) => {
        const pattern = new RegExp(source, flags);
        const recorded = (globalThis as Record<string, unknown>).__e2eNotifications as { title: string; emit(event: string): void }[];
        const notification = recorded.filter((n) => pattern.test(n.title)).at(-1);
        // The OS's click, as Electron delivers it to the listener the notification adapter attached.
        notification?.emit('click');
        return notification !== undefined;
      },
      [title.source, title.flags] as const,
    );
    if (!clicked) throw new Error(`${this.label}: no notification titled ${title}`);
  }

  async answerFileDialog(kind: 'save' | 'open', path: string | null): Promise<void> {
    // Electron's dialog module, replaced in the main process (as electron-playwright-helpers' stubDialog does):
    // the adapter's calls get the queued answers and are recorded like the Chromium harness's RecordingDialog.
    await this.app.evaluate(
      ({ dialog }, [which, answer]) => {
        type Options = { title?: string; defaultPath?: string; filters?: { extensions: string[] }[] };
        type State = { save: (string | null)[]; open: (string | null)[]; requests: unknown[] };
        const scope = globalThis as Record<string, unknown>;
        let state = scope.__e2eDialogs as State | undefined;
        if (!state) {
          const fresh: State = { save: [], open: [], requests: [] };
          state = fresh;
          scope.__e2eDialogs = fresh;
          const optionsOf = (args: unknown[]) => (args.at(-1) ?? {}) as Options;
          dialog.showSaveDialog = (async (...args: unknown[]) => {
            const options = optionsOf(args);
            const defaultName = (options.defaultPath ?? '').split(/[\\/]/).pop() ?? '';
            const format = options.filters?.[0]?.extensions.includes('html') ? 'html' : 'json';
            fresh.requests.push({ kind: 'save', title: options.title ?? '', defaultName, format });
            const chosen = fresh.save.shift() ?? null;
            return chosen === null ? { canceled: true, filePath: '' } : { canceled: false, filePath: chosen };
          }) as typeof dialog.showSaveDialog;
          dialog.showOpenDialog = (async (...args: unknown[]) => {
            fresh.requests.push({ kind: 'open', title: optionsOf(args).title ?? '' });
            const chosen = fresh.open.shift() ?? null;
            return chosen === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [chosen] };
          }) as typeof dialog.showOpenDialog;
        }
        state[which].push(answer);
      },
      [kind, path] as const,
    );
  }

  async answerConfirmation(confirmed: boolean): Promise<void> {
    await this.app.evaluate((_electron, answer) => {
      ((globalThis as Record<string, unknown>).__e2eConfirmations as { answers: boolean[] }).answers.push(answer);
    }, confirmed);
  }

  confirmations(): Promise<RecordedConfirmation[]> {
    return this.app.evaluate(() => ((globalThis as Record<string, unknown>).__e2eConfirmations as { shown: RecordedConfirmation[] }).shown);
  }

  fileDialogRequests(): Promise<FileDialogRequest[]> {
    return this.app.evaluate(() => (((globalThis as Record<string, unknown>).__e2eDialogs as { requests: FileDialogRequest[] } | undefined)?.requests ?? []));
  }

  async closeWindow(): Promise<'hide' | 'quit'> {
    // The real close button: adapters/window-close.ts hides the window or lets the app quit.
    const quit = this.app.waitForEvent('close', { timeout: 5000 }).then(() => true, () => false);
    await this.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    return (await quit) ? 'quit' : 'hide';
  }

  windowVisible(): Promise<boolean> {
    return this.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible() ?? false);
  }

  async openDeepLink(url: string): Promise<void> {
    // What the OS does with a link for a running app: a second instance's argv (Windows, Linux), open-url (macOS).
    await this.app.evaluate(({ app }, link) => {
      if (process.platform === 'darwin') app.emit('open-url', { preventDefault: () => undefined }, link);
      else app.emit('second-instance', { preventDefault: () => undefined }, [process.execPath, link], process.cwd(), {});
    }, url);
  }

  /** Clicks an application-menu item by its labels (e.g. ['File', 'Open Report…']). */
  async clickMenuItem(path: readonly string[]): Promise<void> {
    await this.app.evaluate(({ Menu }, labels) => {
      let items = Menu.getApplicationMenu()?.items ?? [];
      let item;
      for (const label of labels) {
        item = items.find((candidate) => candidate.label.replace('&', '') === label);
        items = item?.submenu?.items ?? [];
      }
      if (!item) throw new Error(`no menu item ${labels.join(' > ')}`);
      item.click();
    }, [...path]);
  }

  /** The application menu's top-level labels. */
  menuLabels(): Promise<string[]> {
    return this.app.evaluate(({ Menu }) => (Menu.getApplicationMenu()?.items ?? []).map((item) => item.label.replace('&', '')));
  }

  problems(): string[] {
    return [...this.#problems];
  }

  async close(options: { keepData?: boolean } = {}): Promise<void> {
    // Quitting runs the app's own shutdown (before-quit -> runtime.shutdown()); a second close is a no-op.
    await this.app.close().catch(() => undefined);
    if (options.keepData) return;
    await forgetSavedSignIns(this.dataDir, createKeytarVault());
    rmSync(basename(this.dataDir) === APP_NAME ? dirname(this.dataDir) : this.dataDir, { recursive: true, force: true });
  }
}
