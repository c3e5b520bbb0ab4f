// Decisions about the app's life outside its window, from the effective
// settings (workstation policy applied) and the session: whether closing the
// window hides it to the tray or quits, the one-time explanation of the first
// close, the login item, and whether a launch at login starts hidden.
import type { Role } from '../../../shared/domain/user.js';
import type { Settings } from '../../../shared/settings/settings.js';

export type CloseDecision = 'hide' | 'quit';

/** Roles of the user signed in now (or last in this run); null when nobody has signed in. */
export function closeDecision(settings: Pick<Settings, 'run_in_background'>, roles: readonly Role[] | null): CloseDecision {
  switch (settings.run_in_background) {
    case 'always':
      return 'hide';
    case 'never':
      return 'quit';
    case 'approvers':
      // Approvers are the ones told of requests by notifications; nobody else loses anything by a quit.
      return roles?.includes('approver') ? 'hide' : 'quit';
  }
}

/** The argument the login item starts the app with, so it knows to stay in the background. */
export const LOGIN_ITEM_ARG = '--launched-at-login';

export interface LoginItemState {
  openAtLogin: boolean;
  /** Arguments for the login item (Windows); macOS uses openAsHidden. */
  args: string[];
}

/** What the OS login item should be; a policy lock of launch_at_login is already in `settings`. */
export function loginItemState(settings: Pick<Settings, 'launch_at_login'>): LoginItemState {
  return { openAtLogin: settings.launch_at_login, args: settings.launch_at_login ? [LOGIN_ITEM_ARG] : [] };
}

/**
 * Started by the login item: come up in the tray, without a window — unless
 * running in the background is off (then a hidden app could not be reached).
 */
export function startHidden(argv: readonly string[], wasOpenedAtLogin: boolean, settings: Pick<Settings, 'run_in_background'>): boolean {
  if (settings.run_in_background === 'never') return false;
  return wasOpenedAtLogin || argv.includes(LOGIN_ITEM_ARG);
}

/** Where the app lives while hidden, in the platform's own words. */
export function trayPlace(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'menu bar' : platform === 'win32' ? 'notification area' : 'system tray';
}

/** The one-time explanation on the first close that hides the window. */
export function firstCloseNotice(platform: NodeJS.Platform, appName: string): { title: string; body: string } {
  const quit = platform === 'darwin' ? `choose Quit in its menu bar icon or press ⌘Q` : `choose Quit ${appName} in the ${trayPlace(platform)} icon's menu`;
  return {
    title: `${appName} keeps running`,
    body: `It stays in the ${trayPlace(platform)} to tell you about approval requests. To quit, ${quit}.`,
  };
}
