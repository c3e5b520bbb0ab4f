// The one BrowserWindow and the hardening every web contents gets: sandbox,
// context isolation, no Node, no new windows, no navigation, no permissions.
import { app, BrowserWindow, session, type WebContents } from 'electron';

export interface MainWindowOptions {
  preloadPath: string;
  /** app://console/index.html in production; a dev server only when unpackaged. */
  entryUrl: string;
  /** Origins whose documents may be shown (navigation within them is allowed). */
  allowedOrigins: readonly string[];
  /** Started by the login item: stay in the tray until asked for. */
  startHidden?: boolean;
}

const originOf = (url: string) => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '';
  }
};

/** Applies to every web contents created from now on (windows, and any webview that sneaks in). */
export function hardenWebContents(allowedOrigins: readonly string[]): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    // Nothing opens a window, inside the app or outside (no shell.openExternal: a renderer bug must not launch programs).
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!allowedOrigins.includes(originOf(url))) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowedOrigins.includes(originOf(url))) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** The renderer asks for nothing: camera, notifications (the main process shows those), clipboard read, … all denied. */
export function denyAllPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => callback({}));
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Model Ops Console',
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would otherwise try to open links in a new window.
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  });
  if (!options.startHidden) window.once('ready-to-show', () => window.show());
  void window.loadURL(options.entryUrl);
  return window;
}

/** Brings the window to the front (notification click, deep link, second instance). */
export function focusWindow(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
