// The console as a desktop app, without Electron: the tray model, grouped
// notifications and their pause, what closing the window does (and its
// one-time explanation), the login item, the application menu and its
// commands. The adapters (tray.ts, app-menu.ts, login-item.ts, window.ts)
// draw and apply what this decides; console-runtime.ts feeds it the session
// and the pending requests.
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { User } from '../../../shared/domain/user.js';
import type { AppMode, PushChannel, PushPayload, RendererMenuCommand } from '../../../shared/ipc/contract.js';
import { appMenuTemplate, type MenuCommand, type MenuItemSpec } from './app-menu.js';
import type { NativeNotification } from './approval-notifier.js';
import { closeDecision, firstCloseNotice, loginItemState, startHidden, type CloseDecision, type LoginItemState } from './background-presence.js';
import { NotificationGrouper } from './notification-grouper.js';
import type { Logger } from './logger.js';
import type { ReportService } from './report-service.js';
import type { Scheduler } from './event-stream.js';
import type { SettingsService } from './settings-service.js';
import type { SettingsStore } from './settings-store.js';
import { TrayModel, type TrayAction, type TrayView } from './tray-model.js';

/** What the OS side offers; each is optional so a harness without it (e2e in Chromium) still builds the runtime. */
export interface DesktopPorts {
  showNotification: (notification: NativeNotification) => void;
  /** Draws the tray icon, count and menu (adapters/tray.ts). */
  applyTray?: (view: TrayView) => void;
  /** Sets the application menu (adapters/app-menu.ts). */
  applyMenu?: (template: MenuItemSpec[]) => void;
  /** Registers or removes the OS login item (adapters/login-item.ts). */
  applyLoginItem?: (state: LoginItemState) => void;
  openLogsFolder?: () => void;
  showAbout?: (about: AboutInfo) => void;
  quit?: () => void;
  /** Test knobs for notification grouping. */
  groupWindowMs?: number;
  groupScheduler?: Scheduler;
}

export interface AboutInfo {
  title: string;
  detail: string;
}

export interface DesktopShellOptions {
  platform: NodeJS.Platform;
  appName: string;
  appVersion: string;
  mode: () => AppMode;
  bffOrigin: () => string | null;
  settings: SettingsService;
  store: SettingsStore;
  reports: ReportService;
  push: <C extends PushChannel>(channel: C, payload: PushPayload<C>) => void;
  /** Focus the window and show a request (or only focus, with null). */
  openRequest: (requestId: string | null) => void;
  focusWindow: () => void;
  ports: DesktopPorts;
  logger: Logger;
  now?: () => number;
}

const RENDERER_COMMANDS: Partial<Record<MenuCommand, RendererMenuCommand>> = {
  'export-report': 'export-report',
  'sign-out': 'sign-out',
  'keyboard-shortcuts': 'keyboard-shortcuts',
  'open-settings': 'open-settings',
};

export class DesktopShell {
  readonly tray: TrayModel;
  readonly #options: DesktopShellOptions;
  readonly #grouper: NotificationGrouper;
  /** Roles of the user signed in now, or last in this run (a session that expires does not change what closing means). */
  #roles: User['roles'] | null = null;
  #signedIn = false;

  constructor(options: DesktopShellOptions) {
    this.#options = options;
    const { ports } = options;
    this.tray = new TrayModel({
      appName: options.appName,
      ...(options.now ? { now: options.now } : {}),
      onChange: (view) => ports.applyTray?.(view),
    });
    this.#grouper = new NotificationGrouper({
      show: ports.showNotification,
      openRequest: options.openRequest,
      ...(ports.groupWindowMs !== undefined ? { windowMs: ports.groupWindowMs } : {}),
      ...(ports.groupScheduler ? { scheduler: ports.groupScheduler } : {}),
    });
    options.settings.onChange(() => this.applyLoginItem());
  }

  /** Draws the tray and menu and applies the login item once at start. */
  start(): void {
    this.#options.ports.applyTray?.(this.tray.view());
    this.#applyMenu();
    this.applyLoginItem();
  }

  sessionChanged(user: User | null): void {
    this.#signedIn = user !== null;
    if (user) this.#roles = user.roles;
    else this.#grouper.clear();
    this.tray.sessionChanged(user?.username ?? null);
    this.#applyMenu();
  }

  waitingChanged(requests: ChangeRequest[]): void {
    this.tray.waitingChanged(requests);
  }

  /** Paused from the tray for an hour: notifications wait (the badge and tray count still update). */
  notificationsAllowed(): boolean {
    return !this.tray.notificationsPaused;
  }

  showNotification(notification: NativeNotification): void {
    this.#grouper.add(notification);
  }

  /** The window's close button: hide to the tray (explained once) or quit. */
  closeRequested(): CloseDecision {
    const decision = closeDecision(this.#options.settings.effective().settings, this.#roles);
    if (decision === 'hide' && !this.#options.store.noticeShown('first_close')) {
      this.#options.store.markNoticeShown('first_close');
      const notice = firstCloseNotice(this.#options.platform, this.#options.appName);
      // Shown even with notifications off: it is the only way the user learns the app is still there.
      this.#options.ports.showNotification({ ...notice, onClick: () => this.#options.focusWindow() });
    }
    this.#options.logger.info('window close', { decision });
    return decision;
  }

  startHidden(argv: readonly string[], wasOpenedAtLogin: boolean): boolean {
    return startHidden(argv, wasOpenedAtLogin, this.#options.settings.effective().settings);
  }

  applyLoginItem(): void {
    this.#options.ports.applyLoginItem?.(loginItemState(this.#options.settings.effective().settings));
  }

  trayAction(action: TrayAction): void {
    switch (action.kind) {
      case 'open-console':
        return this.#options.focusWindow();
      case 'open-request':
        return this.#options.openRequest(action.requestId);
      case 'open-approvals':
        this.#options.focusWindow();
        return this.#options.push('app:menu:command', { command: 'open-approvals' });
      case 'pause-notifications':
        return this.tray.pause();
      case 'resume-notifications':
        return this.tray.resume();
      case 'quit':
        return this.#options.ports.quit?.();
    }
  }

  /** A menu item was chosen. Open Report uses the same ReportService call as the sidebar's button. */
  async menuCommand(command: MenuCommand): Promise<void> {
    const rendererCommand = RENDERER_COMMANDS[command];
    if (rendererCommand) {
      this.#options.focusWindow();
      this.#options.push('app:menu:command', { command: rendererCommand });
      return;
    }
    switch (command) {
      case 'open-report': {
        const result = await this.#options.reports.openWithDialog();
        if (result.status === 'opened') {
          this.#options.focusWindow();
          this.#options.push('app:reports:opened', result.report);
        }
        return;
      }
      case 'open-logs-folder':
        return this.#options.ports.openLogsFolder?.();
      case 'about':
        return this.#options.ports.showAbout?.(this.about());
      default:
        return;
    }
  }

  about(): AboutInfo {
    const { appName, appVersion } = this.#options;
    const origin = this.#options.bffOrigin();
    const bff = this.#options.mode() === 'local' ? `local mode (embedded BFF${origin ? ` at ${origin}` : ''})` : (origin ?? 'none');
    return { title: `${appName} ${appVersion}`, detail: `Version ${appVersion}\nBFF: ${bff}` };
  }

  #applyMenu(): void {
    this.#options.ports.applyMenu?.(appMenuTemplate({ platform: this.#options.platform, appName: this.#options.appName, signedIn: this.#signedIn }));
  }
}
