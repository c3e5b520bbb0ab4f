// Closing the window: hide it to the tray / menu bar when the desktop shell
// says so (services/background-presence.ts), quit otherwise. A real quit (menu,
// tray, Cmd+Q, OS shutdown) always goes through.
import { app, type BrowserWindow } from 'electron';

export function handleWindowClose(window: BrowserWindow, decide: () => 'hide' | 'quit'): void {
  let quitting = false;
  app.on('before-quit', () => {
    quitting = true;
  });
  window.on('close', (event) => {
    if (quitting || decide() === 'quit') return;
    event.preventDefault();
    window.hide();
  });
  // macOS: a click on the dock icon brings the hidden window back.
  app.on('activate', () => {
    if (!window.isDestroyed()) window.show();
  });
}
