// App lifecycle hooks the bootstrap needs, kept here so that index.ts imports no Electron API itself.
import { app, type BrowserWindow } from 'electron';

export const whenReady = (): Promise<void> => app.whenReady();

export function quit(): void {
  app.quit();
}

/** Quit when the window closes (all platforms: an operator console has no life without its window). */
export function onAllWindowsClosed(run: () => void): void {
  app.on('window-all-closed', run);
}

/** Runs `cleanup` once before quitting, and quits when it is done (or fails). */
export function onQuit(cleanup: () => Promise<void>): void {
  let done = false;
  app.on('before-quit', (event) => {
    if (done) return;
    event.preventDefault();
    done = true;
    void cleanup().finally(() => app.quit());
  });
}

/** Page load state of the window, for the push queue. */
export function onRendererLoad(window: BrowserWindow, loaded: () => void, gone: () => void): void {
  window.webContents.on('did-finish-load', loaded);
  window.webContents.on('did-start-loading', gone);
  window.webContents.on('render-process-gone', gone);
}
