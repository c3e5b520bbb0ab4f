// The only user of raw ipcMain: registers one handler per contract channel,
// refuses frames that are not ours, and sends validated pushes to the renderer.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, PUSH_CHANNELS, type InvokeChannel, type IpcResult, type PushChannel, type PushPayload } from '../../../shared/ipc/contract.js';
import type { IpcDispatch } from '../services/ipc-handlers.js';
import type { Logger } from '../services/logger.js';
import { isTrustedSenderUrl } from '../services/trusted-sender.js';

export function registerIpcHandlers(dispatch: IpcDispatch, trustedOrigins: readonly string[], logger: Logger): void {
  for (const channel of Object.keys(INVOKE_CHANNELS) as InvokeChannel[]) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<IpcResult<unknown>> => {
      // The top frame of our own page only: not a subframe, not another origin.
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !isTrustedSenderUrl(frame.url, trustedOrigins)) {
        logger.warn('ipc: refused untrusted sender', { channel, url: frame?.url.slice(0, 200) });
        return { ok: false, error: { code: 'forbidden', message: 'This page may not use the console API.' } };
      }
      return dispatch(channel, payload);
    });
  }
}

/**
 * Sends pushes to the window's renderer once it has loaded; earlier ones wait
 * (a deep link at cold start arrives before the page does).
 */
export function createPusher(getWindow: () => BrowserWindow | null, logger: Logger) {
  const queue: [PushChannel, unknown][] = [];
  let ready = false;
  const flush = () => {
    const window = getWindow();
    if (!ready || !window || window.isDestroyed()) return;
    for (const [channel, payload] of queue.splice(0)) window.webContents.send(channel, payload);
  };
  return {
    push<C extends PushChannel>(channel: C, payload: PushPayload<C>): void {
      const checked = PUSH_CHANNELS[channel].safeParse(payload);
      if (!checked.success) {
        logger.error('push does not match the contract, dropped', { channel });
        return;
      }
      queue.push([channel, checked.data]);
      flush();
    },
    /** Call when the window's page has finished loading (and again after a reload). */
    rendererReady(): void {
      ready = true;
      flush();
    },
    rendererGone(): void {
      ready = false;
    },
  };
}
