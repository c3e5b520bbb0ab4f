// Composition root of the main process without Electron: reads the policy and
// settings, picks local or remote mode, wires session, event stream, notifier
// and the IPC handler table. The Electron bootstrap and the e2e harness both build it.
import { join } from 'node:path';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { StepUpPurpose } from '../../../shared/api/auth.js';
import type { AppInfo, ConnectionState, PushChannel, PushPayload } from '../../../shared/ipc/contract.js';
import { ApprovalNotifier, type NativeNotification } from './approval-notifier.js';
import { BffClient } from './bff-client.js';
import { ClientError } from './client-error.js';
import { DispatchNotifier } from './dispatch-notifier.js';
import { CanaryNotifier } from './canary-notifier.js';
import type { CredentialVault } from './credential-vault.js';
import { DesktopShell, type DesktopPorts } from './desktop-shell.js';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import { createIpcDispatcher, createIpcHandlers, type Backend, type IpcDispatch, type IpcHandlerTable } from './ipc-handlers.js';
import { AuditHeadPins } from './audit-head-pins.js';
import { KeyPinStore } from './key-pin-store.js';
import { LOCAL_SESSION_ORIGIN, startLocalMode, type LocalBffHandle, type StartLocalBff } from './local-mode.js';
import type { Logger } from './logger.js';
import { loadPolicy, policyPath } from './policy-service.js';
import { POLICY_FILE_ENV } from '../../../shared/settings/policy.js';
import type { Confirm } from './confirmations.js';
import { ReportService, type FileDialogs } from './report-service.js';
import { SessionService } from './session-service.js';
import { OidcSignIn, type BrowserOpener } from './oidc-sign-in.js';
import { SettingsService } from './settings-service.js';
import { SettingsStore } from './settings-store.js';
import { createWakeReconnect } from './wake-reconnect.js';
import type { WakeReason } from '../../../shared/ipc/contract.js';

/** What the platform (Electron, or a test / e2e harness) provides. */
export interface PlatformPorts {
  /** The app's data folder (settings, local database). */
  dataDir: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  appName: string;
  appVersion: string;
  logger: Logger;
  vault: CredentialVault;
  startLocalBff: StartLocalBff;
  showNotification: (notification: NativeNotification) => void;
  setBadge: (count: number) => void;
  badgeSupported: boolean;
  focusWindow: () => void;
  /** Native save and open dialogs (report export and open). */
  fileDialogs: FileDialogs;
  /**
   * Native confirmation (message box) the main process shows itself: the BFF
   * change, a hand-imported key, and every step-up spent on approve, rollback
   * or a rollout request. True only when the user confirmed.
   */
  confirm: Confirm;
  /** An installed app ignores MODELOPS_POLICY_FILE; unset counts as installed. */
  packaged?: boolean;
  /** Windows: the ProgramData known folder as the OS reports it (never from the environment). */
  programDataDir?: string | null;
  push: <C extends PushChannel>(channel: C, payload: PushPayload<C>) => void;
  /** Tray, application menu, login item, logs folder, About (desktop-shell.ts); absent in the e2e harness. */
  desktop?: Omit<DesktopPorts, 'showNotification'>;
  /** Opens the company IdP's sign-in page in the system browser (adapters/system-browser.ts); absent: no company sign-in. */
  browser?: BrowserOpener;
  /** Test knobs: retry and reconnect delays. */
  retryDelayMs?: (attempt: number) => number;
  eventStream?: Pick<EventStreamOptions, 'backoffMs' | 'idleTimeoutMs' | 'scheduler'>;
}

export interface ConsoleRuntime {
  handlers: IpcHandlerTable;
  dispatch: IpcDispatch;
  settings: SettingsService;
  /** Tray, menu, close-to-tray and login-item decisions. */
  desktop: DesktopShell;
  /** The OS woke, the screen was unlocked or the network came back (adapters/power.ts). */
  onWake: (reason: WakeReason) => Promise<void>;
  /** Focus the window and show a request (notification click, deep link). */
  openRequest: (requestId: string | null) => void;
  /** Focus the window and show a model's rollout tab (a dispatch notification's click). */
  openModel: (modelId: string) => void;
  /** Open a report file the OS named (file association, command line, second launch) and show it. */
  openReportFile: (path: string) => Promise<void>;
  /** The BFF in use, for tests; null when none. */
  bffUrl: string | null;
  backendError: ClientError | null;
  shutdown: () => Promise<void>;
}

export async function createConsoleRuntime(ports: PlatformPorts): Promise<ConsoleRuntime> {
  const logger = ports.logger;
  const packaged = ports.packaged ?? true;
  const policyFile = policyPath(ports.platform, ports.env, { packaged, programDataDir: ports.programDataDir ?? null });
  // The development override may be the developer's own file; the system path must be root's.
  const ownOverride = !packaged && policyFile === ports.env[POLICY_FILE_ENV] && typeof process.getuid === 'function';
  const policy = await loadPolicy(policyFile, {
    platform: ports.platform,
    trustedOwners: ownOverride ? [0, process.getuid!()] : [0],
  });
  if (policy.status.state === 'invalid') logger.error('workstation policy invalid', { error: policy.status.error });
  else logger.info('workstation policy', { path: policy.status.path, state: policy.status.state });

  const store = new SettingsStore(join(ports.dataDir, 'settings.json'), logger.child('settings'));
  let bffOrigin: string | null = null;
  const settings = new SettingsService(store, policy, () => bffOrigin);

  let backend: Backend | null = null;
  let backendError: ClientError | null = null;
  let localBff: LocalBffHandle | null = null;
  let bffUrl: string | null = null;
  let sessionOrigin = LOCAL_SESSION_ORIGIN;

  if (policy.status.state === 'invalid') {
    // Never fall back to local mode or to the user's own URL: the policy was meant to decide.
    backendError = new ClientError('policy_invalid', `${policy.status.error} The console cannot connect until IT fixes the file.`);
  } else if (settings.mode === 'local') {
    try {
      localBff = await startLocalMode({ dataDir: ports.dataDir, start: ports.startLocalBff, logger: logger.child('local') });
      bffUrl = localBff.url;
    } catch (error) {
      backendError = error instanceof ClientError ? error : new ClientError('local_mode_failed', String(error));
    }
  } else {
    bffUrl = settings.effective().settings.bff_url;
    sessionOrigin = new URL(bffUrl!).origin;
  }

  let stream: EventStream | null = null;
  let notifier: ApprovalNotifier | null = null;

  // Offline review needs no BFF: pins live in the data folder, files are read locally.
  const reportLogger = logger.child('reports');
  const reports = new ReportService({
    pins: new KeyPinStore(ports.dataDir, { onWarning: (message, fields) => reportLogger.warn(message, fields) }),
    keySource: {
      fetch: async () => {
        if (!backend) throw backendError ?? new ClientError('network_unreachable', 'No BFF is configured.');
        // The embedded BFF's key lives in this user's data folder, and anyone with that folder can sign
        // with it: local mode's reports are never proof, so its keys are never pinned.
        if (localBff) return null;
        const { client } = backend;
        // Public on the BFF: no token needed, so pinning does not depend on the session's state.
        return { origin: client.origin, keys: await client.call(ENDPOINTS.listKeys, {}) };
      },
    },
    dialogs: ports.fileDialogs,
    confirm: ports.confirm,
    logger: reportLogger,
  });

  const openRequest = (requestId: string | null) => {
    ports.focusWindow();
    if (requestId) ports.push('app:navigation:open-request', { request_id: requestId });
  };
  const openModel = (modelId: string) => {
    ports.focusWindow();
    ports.push('app:navigation:open-model', { model_id: modelId });
  };

  const desktop = new DesktopShell({
    platform: ports.platform,
    appName: ports.appName,
    appVersion: ports.appVersion,
    mode: () => settings.mode,
    bffOrigin: () => bffOrigin,
    settings,
    store,
    reports,
    push: ports.push,
    openRequest,
    focusWindow: ports.focusWindow,
    ports: { ...ports.desktop, showNotification: ports.showNotification },
    logger: logger.child('desktop'),
  });
  let onWake: (reason: WakeReason) => Promise<void> = async () => {};

  if (bffUrl) {
    const client = new BffClient({
      baseUrl: bffUrl,
      logger: logger.child('bff'),
      caCertificates: policy.caCertificates,
      ...(policy.policy?.proxy ? { proxy: policy.policy.proxy } : {}),
      ...(ports.retryDelayMs ? { retryDelayMs: ports.retryDelayMs } : {}),
      userAgent: `${ports.appName}/${ports.appVersion}`,
      ...(localBff?.socketPath ? { socketPath: localBff.socketPath } : {}),
    });
    bffOrigin = client.origin;
    const local = localBff;
    const session = new SessionService({
      client,
      vault: ports.vault,
      remembered: store,
      sessionOrigin,
      logger: logger.child('session'),
      ...(ports.browser
        ? { oidc: new OidcSignIn({ browser: ports.browser, logger: logger.child('oidc'), ...(policy.policy?.oidc_issuer ? { fixedIssuer: policy.policy.oidc_issuer } : {}) }) }
        : {}),
      ...(policy.policy?.password_sign_in === false ? { passwordSignIn: false } : {}),
      ...(local
        ? {
            localAccounts: {
              has: (username: string) => local.localUsers.some((user) => user.username === username),
              signIn: (username: string) => local.signIn(username),
              stepUp: (accessToken: string, purpose: StepUpPurpose) => local.stepUp(accessToken, purpose),
            },
          }
        : {}),
    });
    backend = { client, session };
    const authorized = <T>(call: (accessToken: string) => Promise<T>) => session.authorized(call);

    stream = new EventStream({ client, authorized, logger: logger.child('events'), ...ports.eventStream });
    notifier = new ApprovalNotifier({
      show: (notification) => desktop.showNotification(notification),
      setBadge: ports.setBadge,
      listPendingPage: ({ cursor, limit }) => {
        const query = { status: 'pending' as const, limit, ...(cursor ? { cursor } : {}) };
        return authorized((accessToken) => client.call(ENDPOINTS.listApprovals, { query }, { accessToken }));
      },
      currentUser: () => session.user,
      notificationsEnabled: () => settings.effective().settings.notifications_enabled && desktop.notificationsAllowed(),
      open: openRequest,
      onPendingCount: (count) => ports.push('app:approvals:pending-changed', { count }),
      onWaiting: (requests) => desktop.waitingChanged(requests),
      logger: logger.child('notifier'),
    });

    const dispatchNotifier = new DispatchNotifier({
      show: ports.showNotification,
      currentUser: () => session.user,
      notificationsEnabled: () => settings.effective().settings.notifications_enabled,
      openModel,
      logger: logger.child('dispatch-notifier'),
    });

    // An automatic rollback by the online canary analysis: requester and approvers are told why.
    const canaryNotifier = new CanaryNotifier({
      show: ports.showNotification,
      currentUser: () => session.user,
      notificationsEnabled: () => settings.effective().settings.notifications_enabled,
      openModel,
      logger: logger.child('canary-notifier'),
    });

    const liveStream = stream;
    const liveNotifier = notifier;
    liveStream.onEvent((event) => {
      ports.push('app:events:received', event);
      liveNotifier.handle(event);
      dispatchNotifier.handle(event);
      canaryNotifier.handle(event);
    });
    liveStream.onState((state) => ports.push('app:connection:changed', state));
    session.onExpired((message) => ports.push('app:session:expired', { message }));
    session.onUserChanged((user) => {
      desktop.sessionChanged(user);
      ports.push('app:session:user-changed', { user });
      // Approver no more (or now): the pending count and badge follow the new roles.
      void liveNotifier.refreshPending();
    });
    session.onChange((state) => {
      desktop.sessionChanged(state.status === 'signed_in' ? state.user : null);
      if (state.status === 'signed_in') {
        // Keys are pinned while signed in to this BFF, so its reports verify later with no network.
        // A failure here must never fail the sign-in: it is logged and tried again at the next one.
        void reports.refreshKeys().catch((error: unknown) => reportLogger.warn('report keys: could not pin the BFF\'s keys at sign-in', { error }));
        // Resume where the last session of this run left off; history before it is not news.
        liveStream.start(liveStream.lastEventId);
        void liveNotifier.start();
        dispatchNotifier.start();
        canaryNotifier.start();
      } else {
        void liveStream.stop();
        liveNotifier.stop();
        dispatchNotifier.stop();
        canaryNotifier.stop();
      }
    });
    onWake = createWakeReconnect({
      reconnectNow: () => liveStream.reconnectNow(),
      signedIn: () => session.user !== null,
      checkSession: () => session.me(),
      refreshScreens: (reason) => ports.push('app:connection:resumed', { reason }),
      logger: logger.child('wake'),
    });
  }

  const appInfo = (): AppInfo => ({
    name: ports.appName,
    version: ports.appVersion,
    mode: settings.mode,
    bff_origin: bffOrigin,
    platform: ports.platform,
    badge_supported: ports.badgeSupported,
  });
  const connection = (): ConnectionState => stream?.state ?? { state: 'idle', ...(backendError ? { message: backendError.message } : {}) };

  const handlers = createIpcHandlers({
    auditHeads: new AuditHeadPins(ports.dataDir),
    backend: () => {
      if (backend) return backend;
      throw backendError ?? new ClientError('network_unreachable', 'No BFF is configured.');
    },
    settings,
    connection,
    appInfo,
    reports,
    refreshReportKeys: () => reports.refreshKeys(),
    confirm: ports.confirm,
    localUsers: () => localBff?.localUsers ?? [],
  });
  logger.info('console runtime ready', { mode: settings.mode, bff: bffOrigin, policy: policy.status.state });

  return {
    handlers,
    dispatch: createIpcDispatcher(handlers, logger.child('ipc')),
    settings,
    desktop,
    onWake: (reason) => onWake(reason),
    openRequest,
    openModel,
    openReportFile: async (path) => {
      ports.focusWindow();
      ports.push('app:reports:opened', await reports.openPath(path));
    },
    bffUrl,
    backendError,
    shutdown: async () => {
      await stream?.stop();
      // The access token is dropped with the process; the refresh token stays in the keychain only if remembered.
      await localBff?.close();
      logger.info('console runtime stopped');
    },
  };
}
