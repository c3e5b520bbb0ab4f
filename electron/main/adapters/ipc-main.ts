// The only user of raw ipcMain: registers one handler per contract channel and
// sends pushes to the window. The sender check and the push queue are
// services/renderer-channel.ts, shared with the e2e harness.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../../shared/ipc/contract.js';
import type { IpcDispatch } from '../services/ipc-handlers.js';
import type { Logger } from '../services/logger.js';
import { guardDispatch, PushQueue } from '../services/renderer-channel.js';

export function registerIpcHandlers(dispatch: IpcDispatch, trustedOrigins: readonly string[], logger: Logger): void {
  const guarded = guardDispatch(dispatch, trustedOrigins, logger);
  for (const channel of Object.keys(INVOKE_CHANNELS) as InvokeChannel[]) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      return guarded(frame ? { url: frame.url, top: frame.parent === null } : null, channel, payload);
    });
  }
}

/** Pushes to the window's renderer once it has loaded; earlier ones wait. */
export function createPusher(getWindow: () => BrowserWindow | null, logger: Logger): PushQueue {
  return new PushQueue(() => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return null;
    return (channel, payload) => window.webContents.send(channel, payload);
  }, logger);
}
