// Stand-ins for the Electron adapters (electron/main/adapters/*), the only code the
// e2e harness replaces: they record what the main process asked of Electron.
import type { Page } from '@playwright/test';
import type { NativeNotification } from '../../electron/main/services/approval-notifier.js';
import type { IpcDispatch } from '../../electron/main/services/ipc-handlers.js';
import type { ConfirmDialog } from '../../electron/main/services/confirmations.js';
import type { FileDialogs, ReportFormat } from '../../electron/main/services/report-service.js';
import type { Logger } from '../../electron/main/services/logger.js';
import { guardDispatch, PushQueue } from '../../electron/main/services/renderer-channel.js';
import type { IpcResult, PushChannel, PushPayload } from '../../shared/ipc/contract.js';

/** Names the page-side globals; the page sees nothing else of the harness. */
export const INVOKE_BINDING = '__modelOpsInvoke';
export const PUSH_ENTRY = '__modelOpsPush';

export interface RecordedNotification extends NativeNotification {
  shownAt: number;
}

/**
 * adapters/notification.ts: records every native notification. `click` runs the
 * callback the real adapter wires to the Notification's 'click' event.
 */
export class RecordingNotifications {
  readonly shown: RecordedNotification[] = [];

  show = (notification: NativeNotification): void => {
    this.shown.push({ ...notification, shownAt: Date.now() });
  };

  find(title: string | RegExp): RecordedNotification | undefined {
    return this.shown.find((n) => (typeof title === 'string' ? n.title === title : title.test(n.title)));
  }

  click(notification: RecordedNotification): void {
    notification.onClick();
  }
}

/** adapters/badge.ts: the pending-approvals count on the app icon. */
export class RecordingBadge {
  readonly counts: number[] = [];
  readonly supported = true;
  set = (count: number): void => {
    this.counts.push(count);
  };
  get current(): number {
    return this.counts.at(-1) ?? 0;
  }
}

/** adapters/window.ts: the window is the Playwright page; focusing it is recorded. */
export class RecordingWindow {
  focusCount = 0;
  /** Closed to the tray (adapters/window-close.ts hides it); focus() shows it again. */
  hidden = false;
  focus = (): void => {
    this.focusCount += 1;
    this.hidden = false;
  };
  hide = (): void => {
    this.hidden = true;
  };
}

/** A native confirmation as a journey checks it (what the user read, and the confirm button's words). */
export type RecordedConfirmation = { title: string; message: string; detail: string; confirmLabel: string };

export type FileDialogRequest = { kind: 'save'; title: string; defaultName: string; format: ReportFormat } | { kind: 'open'; title: string };

/**
 * adapters/dialog.ts: the fatal-error box the bootstrap shows when the runtime
 * cannot start, the save / open dialogs, answered with the paths a journey
 * queued (in order; none queued is the user pressing Cancel), and the main
 * process's own confirmations (createConfirm), recorded and answered as a
 * journey queued them (none queued: the user confirms, as they would to go on).
 */
export class RecordingDialog implements FileDialogs {
  readonly errors: { title: string; message: string }[] = [];
  readonly fileRequests: FileDialogRequest[] = [];
  readonly confirmations: ConfirmDialog[] = [];
  readonly #answers: { save: (string | null)[]; open: (string | null)[] } = { save: [], open: [] };
  readonly #confirmAnswers: boolean[] = [];

  /** How the next native confirmation is answered: true = its confirm button, false = Cancel. */
  answerConfirmation(confirmed: boolean): void {
    this.#confirmAnswers.push(confirmed);
  }

  confirm = async (dialog: ConfirmDialog): Promise<boolean> => {
    this.confirmations.push(dialog);
    return this.#confirmAnswers.shift() ?? true;
  };

  showFatalError = (title: string, message: string): void => {
    this.errors.push({ title, message });
  };

  /** The path the next save (or open) dialog answers; null cancels it. */
  answer(kind: 'save' | 'open', path: string | null): void {
    this.#answers[kind].push(path);
  }

  chooseSavePath = async (options: { title: string; defaultName: string; format: ReportFormat }): Promise<string | null> => {
    this.fileRequests.push({ kind: 'save', ...options });
    return this.#answers.save.shift() ?? null;
  };

  chooseOpenPath = async (options: { title: string }): Promise<string | null> => {
    this.fileRequests.push({ kind: 'open', ...options });
    return this.#answers.open.shift() ?? null;
  };
}

/**
 * adapters/ipc-main.ts: invokes reach the runtime's dispatcher through a page
 * binding; pushes are delivered to the listeners the preload registered. The
 * sender check and the push queue are the production ones (renderer-channel.ts):
 * an untrusted frame is refused and a push that breaks the contract is logged and dropped.
 */
export class PageIpc {
  #page: Page | null = null;
  #delivering: Promise<void> = Promise.resolve();
  readonly #queue: PushQueue;

  constructor(
    private readonly trustedOrigins: readonly string[],
    private readonly logger: Logger,
  ) {
    this.#queue = new PushQueue(() => {
      const page = this.#page;
      if (!page || page.isClosed()) return null;
      return (channel, payload) => this.#deliver(page, channel, payload);
    }, logger.child('push'));
  }

  /** registerIpcHandlers: one binding carries every contract channel to `dispatch`. */
  async attach(page: Page, dispatch: () => IpcDispatch): Promise<void> {
    this.#page = page;
    const guarded = guardDispatch((channel, payload) => dispatch()(channel, payload), this.trustedOrigins, this.logger.child('ipc'));
    await page.exposeBinding(INVOKE_BINDING, (source, channel: unknown, payload: unknown): Promise<IpcResult<unknown>> =>
      guarded({ url: source.frame.url(), top: source.frame.parentFrame() === null }, channel, payload),
    );
    // did-start-loading / did-finish-load of the real window. A new document is a navigation
    // request of the main frame; the router's hash changes are not (and must not stop pushes).
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) this.#queue.rendererGone();
    });
    page.on('load', () => this.#queue.rendererReady());
  }

  push = <C extends PushChannel>(channel: C, payload: PushPayload<C>): void => this.#queue.push(channel, payload);

  /** Resolves when every push so far has reached the page. */
  delivered(): Promise<void> {
    return this.#delivering;
  }

  #deliver(page: Page, channel: PushChannel, payload: unknown): void {
    // In order, one after another, as webContents.send delivers them.
    this.#delivering = this.#delivering.then(() =>
      page
        .evaluate(([entry, name, data]) => (globalThis as unknown as Record<string, (c: string, p: unknown) => void>)[entry]?.(name, data), [
          PUSH_ENTRY,
          channel,
          payload,
        ] as const)
        .catch(() => undefined),
    );
  }
}

/**
 * The preload's `electron` module, in the page: the real built preload
 * (out/preload/index.cjs) runs unchanged on top of it. contextBridge copies
 * and freezes the API onto window; ipcRenderer.invoke goes to the binding;
 * ipcRenderer.on listeners receive the harness's pushes.
 */
export function preloadInitScript(preloadSource: string): string {
  return `(() => {
  'use strict';
  const listeners = new Map();
  const deepFreeze = (value) => {
    if (value && typeof value === 'object') { Object.values(value).forEach(deepFreeze); Object.freeze(value); }
    return value;
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld(key, api) {
        Object.defineProperty(window, key, { value: deepFreeze(api), enumerable: true, configurable: false, writable: false });
      },
    },
    ipcRenderer: {
      invoke(channel, payload) {
        // structuredClone: what ipcRenderer would refuse to send fails here too.
        return window[${JSON.stringify(INVOKE_BINDING)}](channel, structuredClone(payload));
      },
      on(channel, listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel).add(listener);
      },
      removeListener(channel, listener) {
        listeners.get(channel)?.delete(listener);
      },
    },
  };
  Object.defineProperty(window, ${JSON.stringify(PUSH_ENTRY)}, {
    value: (channel, payload) => {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: null }, structuredClone(payload));
    },
    enumerable: false,
  });
  const require = (id) => {
    if (id === 'electron') return electron;
    throw new Error('a sandboxed preload cannot require ' + id);
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${preloadSource}
  })(require, module, module.exports);
})();`;
}
