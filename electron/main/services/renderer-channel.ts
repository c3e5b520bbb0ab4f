// The two rules of the main process ↔ renderer hop that do not depend on Electron:
// only the top frame of our own page may invoke, and pushes wait until the page has
// loaded. adapters/ipc-main.ts and the e2e harness both use this, so they behave alike.
import { PUSH_CHANNELS, type IpcResult, type PushChannel, type PushPayload } from '../../../shared/ipc/contract.js';
import type { IpcDispatch } from './ipc-handlers.js';
import type { Logger } from './logger.js';
import { isTrustedSenderUrl } from './trusted-sender.js';

/** The frame an invoke came from, as the adapter sees it; null when it is already gone. */
export interface SenderFrame {
  url: string;
  /** True for the top frame, false for any subframe. */
  top: boolean;
}

/** An invoke from a frame that is not ours: checked here before anything reaches the dispatcher. */
export type GuardedDispatch = (frame: SenderFrame | null, channel: unknown, payload: unknown) => Promise<IpcResult<unknown>>;

const UNTRUSTED_SENDER: IpcResult<unknown> = { ok: false, error: { code: 'forbidden', message: 'This page may not use the console API.' } };

/** Refuses (logs and answers `forbidden`) every frame but the top frame of a trusted origin. */
export function guardDispatch(dispatch: IpcDispatch, trustedOrigins: readonly string[], logger: Logger): GuardedDispatch {
  return async (frame, channel, payload) => {
    if (!frame || !frame.top || !isTrustedSenderUrl(frame.url, trustedOrigins)) {
      logger.warn('ipc: refused untrusted sender', { channel: String(channel).slice(0, 100), url: frame?.url.slice(0, 200) });
      return UNTRUSTED_SENDER;
    }
    return dispatch(channel, payload);
  };
}

/** Delivers one push to the page; the adapter's webContents.send, or the harness's page binding. */
export type PushSend = (channel: PushChannel, payload: unknown) => void;

/**
 * Pushes checked against the contract (a mismatch is logged and dropped, never
 * thrown at the service that pushed) and held until the renderer has loaded:
 * a deep link at cold start arrives before the page does.
 */
export class PushQueue {
  readonly #queue: [PushChannel, unknown][] = [];
  #ready = false;

  /** `target` answers how to reach the page now, or null while there is no page to reach. */
  constructor(
    private readonly target: () => PushSend | null,
    private readonly logger: Logger,
  ) {}

  push<C extends PushChannel>(channel: C, payload: PushPayload<C>): void {
    const checked = PUSH_CHANNELS[channel].safeParse(payload);
    if (!checked.success) {
      this.logger.error('push does not match the contract, dropped', { channel });
      return;
    }
    this.#queue.push([channel, checked.data]);
    this.#flush();
  }

  /** Call when the window's page has finished loading (and again after a reload). */
  rendererReady(): void {
    this.#ready = true;
    this.#flush();
  }

  /** Call when the page starts loading a new document: pushes wait for it. */
  rendererGone(): void {
    this.#ready = false;
  }

  #flush(): void {
    if (!this.#ready) return;
    const send = this.target();
    if (!send) return;
    for (const [channel, payload] of this.#queue.splice(0)) send(channel, payload);
  }
}
