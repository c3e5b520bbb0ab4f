// After sleep, a screen lock or a network outage the event stream may be dead
// without knowing it (or waiting out a 30 s backoff), and the access token has
// likely expired: reconnect at once (resuming with Last-Event-ID), check the
// session, and tell the renderer to re-read what it shows.
import type { WakeReason } from '../../../shared/ipc/contract.js';
import type { Logger } from './logger.js';

export interface WakeReconnectOptions {
  /** EventStream.reconnectNow (a no-op while the stream is stopped). */
  reconnectNow: () => void;
  /** Is a session open? Nothing to do otherwise. */
  signedIn: () => boolean;
  /** A cheap authorized call (SessionService.me): refreshes the token, or ends the session and says so. */
  checkSession: () => Promise<unknown>;
  /** The renderer re-reads its screen (push app:connection:resumed). */
  refreshScreens: (reason: WakeReason) => void;
  logger: Logger;
}

/** Returns the handler the power / network adapter calls; wakes that overlap run once. */
export function createWakeReconnect(options: WakeReconnectOptions): (reason: WakeReason) => Promise<void> {
  let running: Promise<void> | null = null;
  return (reason) => {
    if (!options.signedIn()) return Promise.resolve();
    // resume and unlock-screen often fire together: one reconnect is enough.
    if (running) return running;
    running = (async () => {
      options.logger.info('woke: reconnecting the event stream and checking the session', { reason });
      options.reconnectNow();
      try {
        await options.checkSession();
      } catch (error) {
        // An ended session has already told the renderer (app:session:expired); a network error will be retried by the stream.
        options.logger.warn('woke: session check failed', { reason, error });
        return;
      }
      options.refreshScreens(reason);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
