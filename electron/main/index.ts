// Main-process bootstrap: hardening, single instance, the console runtime
// (plain services), IPC, the window, tray, menu, login item, wake events, deep links and
// report files the OS opens. Electron only via adapters/.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMenuApplier, enableContextMenu, openFolder, showAbout } from './adapters/app-menu.js';
import { badgeSupported, setBadge } from './adapters/badge.js';
import { acquireSingleInstance, listenForDeepLinks } from './adapters/deep-link.js';
import { createConfirm, createFileDialogs, showFatalError } from './adapters/dialog.js';
import { listenForReportFiles, startupReportPaths } from './adapters/file-open.js';
import { programDataFolder } from './adapters/known-folders.js';
import { createPusher, registerIpcHandlers } from './adapters/ipc-main.js';
import { onAllWindowsClosed, onQuit, onRendererLoad, quit, whenReady } from './adapters/lifecycle.js';
import { applyLoginItem, wasOpenedAtLogin } from './adapters/login-item.js';
import { showNotification } from './adapters/notification.js';
import { systemBrowser } from './adapters/system-browser.js';
import { onWake } from './adapters/power.js';
import { enforceContentSecurityPolicy, registerAppScheme, serveRenderer } from './adapters/protocol.js';
import { appIdentity, appPaths } from './adapters/safe-paths.js';
import { createTray } from './adapters/tray.js';
import { createMainWindow, denyAllPermissions, focusWindow, hardenWebContents } from './adapters/window.js';
import { handleWindowClose } from './adapters/window-close.js';
import { createConsoleRuntime, type ConsoleRuntime } from './services/console-runtime.js';
import { createKeytarVault } from './services/credential-vault.js';
import { createFileLogger } from './services/logger.js';
import { APP_ENTRY_URL, APP_ORIGIN } from './services/trusted-sender.js';

type Window = ReturnType<typeof createMainWindow>;

async function main(): Promise<void> {
  // Privileged schemes must be registered before "ready".
  registerAppScheme();
  if (!acquireSingleInstance()) {
    quit();
    return;
  }
  const identity = appIdentity();
  // electron-vite's dev server, only for an unpackaged app started by `electron-vite dev`.
  const devServer = !identity.packaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const entryUrl = devServer ?? APP_ENTRY_URL;
  const trustedOrigins = devServer ? [APP_ORIGIN, new URL(devServer).origin] : [APP_ORIGIN];
  hardenWebContents(trustedOrigins);

  // macOS may send 'open-file' before "ready": listen now, open once the runtime exists.
  const reportFiles: string[] = [];
  let openReportFile: ((path: string) => void) | null = null;
  listenForReportFiles((path) => (openReportFile ? openReportFile(path) : reportFiles.push(path)));

  await whenReady();
  denyAllPermissions();
  enforceContentSecurityPolicy();
  const paths = appPaths(dirname(fileURLToPath(import.meta.url)));
  const logger = createFileLogger({ directory: paths.logDir, echo: !identity.packaged });
  logger.info('starting', { version: identity.version, packaged: identity.packaged });

  let window: Window | null = null;
  const pusher = createPusher(() => window, logger.child('push'));
  // The tray and menu call back into the runtime they are ports of.
  let late: ConsoleRuntime | null = null;
  const drawTray = createTray(paths.resourcesDir, (action) => late?.desktop.trayAction(action));
  const runtime = await createConsoleRuntime({
    dataDir: paths.dataDir,
    platform: process.platform,
    env: process.env,
    appName: identity.name,
    appVersion: identity.version,
    logger,
    vault: createKeytarVault(),
    // Loaded only in local mode: the embedded BFF (its own chunk of the main bundle) costs a remote console nothing.
    startLocalBff: async ({ dbFile, seedDemo }) => (await import('./local-mode/start-local-bff.js')).startEmbeddedBff({ dbFile, seedDemo }),
    showNotification,
    setBadge,
    badgeSupported: badgeSupported(),
    focusWindow: () => focusWindow(window),
    fileDialogs: createFileDialogs(() => window),
    confirm: createConfirm(() => window),
    packaged: identity.packaged,
    programDataDir: programDataFolder(),
    push: (channel, payload) => pusher.push(channel, payload),
    browser: systemBrowser,
    desktop: {
      applyTray: drawTray,
      applyMenu: createMenuApplier((command) => void late?.desktop.menuCommand(command).catch((error: unknown) => logger.error('menu command failed', { command, error }))),
      applyLoginItem: (state) => applyLoginItem(state, (error) => logger.warn('login item not applied', { error })),
      openLogsFolder: () => openFolder(paths.logDir),
      showAbout: (about) => showAbout(() => window, about),
      quit,
    },
  });
  late = runtime;
  runtime.desktop.start();
  if (runtime.backendError) logger.warn('started without a BFF', { code: runtime.backendError.code });

  registerIpcHandlers(runtime.dispatch, trustedOrigins, logger.child('ipc'));
  serveRenderer(paths.rendererDir);
  onQuit(() => runtime.shutdown());
  onAllWindowsClosed(quit);

  const startupRequest = listenForDeepLinks((requestId) => runtime.openRequest(requestId));
  const hidden = runtime.desktop.startHidden(process.argv, wasOpenedAtLogin());
  window = createMainWindow({ preloadPath: paths.preloadPath, entryUrl, allowedOrigins: trustedOrigins, startHidden: hidden });
  handleWindowClose(window, () => runtime.desktop.closeRequested());
  enableContextMenu(window.webContents);
  onWake((reason) => void runtime.onWake(reason));
  onRendererLoad(window, () => pusher.rendererReady(), () => pusher.rendererGone());
  if (startupRequest) runtime.openRequest(startupRequest);
  // Pushed like any other: the pusher holds them until the page has loaded.
  openReportFile = (path) => void runtime.openReportFile(path).catch((error: unknown) => logger.error('opening a report file failed', { error }));
  for (const path of [...startupReportPaths(), ...reportFiles.splice(0)]) openReportFile(path);
}

main().catch((error: unknown) => {
  // Last resort: no stack to the user, only what went wrong.
  showFatalError('Model Ops Console could not start', error instanceof Error ? error.message : String(error));
  quit();
});
