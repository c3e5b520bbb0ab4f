// One operator's seat in the Chromium harness: the main process's runtime, built by
// the same composition root as the Electron bootstrap, and a browser page on it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { startEmbeddedBff } from '../../electron/main/local-mode/start-local-bff.js';
import { createConsoleRuntime, type ConsoleRuntime } from '../../electron/main/services/console-runtime.js';
import { deepLinkFromArgv } from '../../electron/main/services/deep-link.js';
import { createKeytarVault, keychainEntry, type CredentialVault } from '../../electron/main/services/credential-vault.js';
import { createFileLogger } from '../../electron/main/services/logger.js';
import type { BrowserOpener } from '../../electron/main/services/oidc-sign-in.js';
import {
  PageIpc,
  preloadInitScript,
  RecordingBadge,
  RecordingDialog,
  RecordingNotifications,
  RecordingWindow,
  type FileDialogRequest,
  type RecordedConfirmation,
} from './recording-adapters.js';
import type { StaticServer } from './static-server.js';

/** What a journey sees of a console, in the Chromium harness and in the real Electron app alike. */
export interface ConsoleSeat {
  readonly label: string;
  readonly page: Page;
  /** The app's data folder (settings.json, logs); a second seat on it is "the app started again". */
  readonly dataDir: string;
  /** Native notifications the main process showed so far. */
  notifications(): Promise<{ title: string; body: string }[]>;
  /** Clicks the newest notification whose title matches, as the OS would deliver the click. */
  clickNotification(title: RegExp): Promise<void>;
  /** What the next native save (or open) dialog answers, as if the user picked `path`; null is Cancel. */
  answerFileDialog(kind: 'save' | 'open', path: string | null): Promise<void>;
  /** The save / open dialogs the main process showed so far. */
  fileDialogRequests(): Promise<FileDialogRequest[]>;
  /** How the next native confirmation of the main process is answered (none queued: confirmed). */
  answerConfirmation(confirmed: boolean): Promise<void>;
  /** The native confirmations the main process showed so far (step-up, BFF change, key import). */
  confirmations(): Promise<RecordedConfirmation[]>;
  /** The window's close button: hidden to the tray, or the app quits (desktop-shell.ts decides). */
  closeWindow(): Promise<'hide' | 'quit'>;
  /** Whether the window is on screen (not hidden to the tray). */
  windowVisible(): Promise<boolean>;
  /** The OS hands the running app a modelops:// link (second instance, open-url). */
  openDeepLink(url: string): Promise<void>;
  /** Console errors, uncaught page errors and CSP violations seen so far. */
  problems(): string[];
  /** Quits the app; keepData leaves the data folder for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface SeatOptions {
  label: string;
  bffUrl: string;
  /** Reuse a data folder (a restart of the app); a new temporary one otherwise. */
  dataDir?: string;
  /**
   * The system browser for company sign-in (adapters/system-browser.ts's port). Absent: the
   * console offers no company sign-in, as a runtime built without the port does.
   */
  systemBrowser?: BrowserOpener;
}

/** Writes settings-store.ts's file as a user who pointed the console at `bffUrl` has it (remote mode, nothing remembered). */
export function writeUserSettings(dataDir: string, bffUrl: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDir, 'settings.json'), `${JSON.stringify({ version: 1, settings: { bff_url: bffUrl }, remembered_users: {} }, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** A new temporary data folder configured for `bffUrl`, or `existing` as it is (the app started again). */
export function prepareDataDir(bffUrl: string, existing?: string): string {
  if (existing) return existing;
  const dataDir = mkdtempSync(join(tmpdir(), 'moc-e2e-seat-'));
  writeUserSettings(dataDir, bffUrl);
  return dataDir;
}

/** Deletes the keychain entries a data folder's settings name (a test that failed before signing out). */
export async function forgetSavedSignIns(dataDir: string, vault: CredentialVault): Promise<void> {
  let remembered: Record<string, string> = {};
  try {
    remembered = (JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { remembered_users?: Record<string, string> }).remembered_users ?? {};
  } catch {
    return;
  }
  for (const [origin, username] of Object.entries(remembered)) {
    const { service, account } = keychainEntry(origin, username);
    await vault.delete(service, account).catch(() => false);
  }
}

/** Collects what should never happen on a page: console errors, uncaught errors, CSP refusals. */
export function watchProblems(page: Page, into: string[]): void {
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    // Chromium asks every origin for a favicon; the app:// protocol of the real window is never asked.
    if (where.endsWith('/favicon.ico')) return;
    into.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => into.push(`uncaught: ${error.message}`));
}

export class ChromiumSeat implements ConsoleSeat {
  readonly notificationsAdapter = new RecordingNotifications();
  readonly badge = new RecordingBadge();
  readonly window = new RecordingWindow();
  readonly dialog = new RecordingDialog();
  readonly vault: CredentialVault;
  readonly #problems: string[] = [];
  #closed = false;

  private constructor(
    readonly label: string,
    readonly dataDir: string,
    readonly ipc: PageIpc,
    vault: CredentialVault,
    public runtime: ConsoleRuntime | null,
    public context: BrowserContext | null,
    public pageOrNull: Page | null,
  ) {
    this.vault = vault;
  }

  get page(): Page {
    if (!this.pageOrNull) throw new Error(`${this.label}: no page`);
    return this.pageOrNull;
  }

  /** The main-process services of this seat (the IPC handler table and its dispatcher). */
  get main(): ConsoleRuntime {
    if (!this.runtime) throw new Error(`${this.label}: the runtime did not start`);
    return this.runtime;
  }

  static async open(browser: Browser, server: StaticServer, preloadSource: string, options: SeatOptions): Promise<ChromiumSeat> {
    const dataDir = prepareDataDir(options.bffUrl, options.dataDir);
    const logger = createFileLogger({ directory: join(dataDir, 'logs') });
    const ipc = new PageIpc([server.origin], logger);
    const vault = createKeytarVault();
    const seat = new ChromiumSeat(options.label, dataDir, ipc, vault, null, null, null);
    // The ports electron/main/index.ts passes, with the recording adapters in place of Electron's.
    seat.runtime = await createConsoleRuntime({
      dataDir,
      platform: process.platform,
      // No workstation policy on this machine: the file named here does not exist.
      env: { ...process.env, MODELOPS_POLICY_FILE: join(dataDir, 'no-policy.json') },
      appName: 'Model Ops Console',
      appVersion: '0.1.0',
      logger,
      vault,
      startLocalBff: ({ dbFile, seedDemo }) => startEmbeddedBff({ dbFile, seedDemo }),
      showNotification: seat.notificationsAdapter.show,
      setBadge: seat.badge.set,
      badgeSupported: seat.badge.supported,
      focusWindow: seat.window.focus,
      fileDialogs: seat.dialog,
      confirm: seat.dialog.confirm,
      // Unpackaged, as in development: MODELOPS_POLICY_FILE above is honoured.
      packaged: false,
      push: ipc.push,
      ...(options.systemBrowser ? { browser: options.systemBrowser } : {}),
    }).catch((error: unknown) => {
      seat.dialog.showFatalError('Model Ops Console could not start', error instanceof Error ? error.message : String(error));
      throw error;
    });
    seat.context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' });
    const page = await seat.context.newPage();
    seat.pageOrNull = page;
    watchProblems(page, seat.#problems);
    await ipc.attach(page, () => seat.main.dispatch);
    await page.addInitScript(preloadInitScript(preloadSource));
    await page.goto(server.entryUrl);
    return seat;
  }

  async notifications(): Promise<{ title: string; body: string }[]> {
    return this.notificationsAdapter.shown.map(({ title, body }) => ({ title, body }));
  }

  async clickNotification(title: RegExp): Promise<void> {
    const notification = this.notificationsAdapter.shown.findLast((n) => title.test(n.title));
    if (!notification) throw new Error(`${this.label}: no notification titled ${title}`);
    this.notificationsAdapter.click(notification);
  }

  async answerFileDialog(kind: 'save' | 'open', path: string | null): Promise<void> {
    this.dialog.answer(kind, path);
  }

  async answerConfirmation(confirmed: boolean): Promise<void> {
    this.dialog.answerConfirmation(confirmed);
  }

  async confirmations(): Promise<RecordedConfirmation[]> {
    return this.dialog.confirmations.map(({ title, message, detail, confirmLabel }) => ({ title, message, detail, confirmLabel }));
  }

  async fileDialogRequests(): Promise<FileDialogRequest[]> {
    return [...this.dialog.fileRequests];
  }

  async closeWindow(): Promise<'hide' | 'quit'> {
    // As adapters/window-close.ts: ask the desktop shell, hide or quit.
    const decision = this.main.desktop.closeRequested();
    if (decision === 'hide') this.window.hide();
    else await this.close({ keepData: true });
    return decision;
  }

  async windowVisible(): Promise<boolean> {
    return !this.window.hidden;
  }

  async openDeepLink(url: string): Promise<void> {
    // As adapters/deep-link.ts: the link's argv parsed by services/deep-link.ts, then the runtime opens the request.
    this.main.openRequest(deepLinkFromArgv([process.execPath, url]));
  }

  problems(): string[] {
    return [...this.#problems];
  }

  async close(options: { keepData?: boolean } = {}): Promise<void> {
    // Closing twice (a journey quits the app, the fixture cleans up) only removes the data the second time.
    if (!this.#closed) {
      this.#closed = true;
      await this.context?.close().catch(() => undefined);
      await this.runtime?.shutdown();
    }
    if (options.keepData) return;
    await forgetSavedSignIns(this.dataDir, this.vault);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
