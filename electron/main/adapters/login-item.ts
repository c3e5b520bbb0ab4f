// The OS login item: Windows' Run key and macOS' login items through
// Electron, the XDG autostart entry on Linux (services/linux-autostart.ts).
import { app } from 'electron';
import { homedir } from 'node:os';
import type { LoginItemState } from '../services/background-presence.js';
import { applyLinuxAutostart, autostartDir } from '../services/linux-autostart.js';

export function applyLoginItem(state: LoginItemState, onError: (error: unknown) => void): void {
  if (process.platform === 'linux') {
    // An AppImage runs from a temporary mount: start the image itself.
    const executable = process.env.APPIMAGE ?? process.execPath;
    void applyLinuxAutostart(autostartDir(process.env, homedir()), state.openAtLogin, app.getName(), [executable, ...state.args]).catch(onError);
    return;
  }
  app.setLoginItemSettings({ openAtLogin: state.openAtLogin, openAsHidden: state.openAtLogin, args: state.args });
}

/** Whether this launch came from the login item (macOS says so; elsewhere our argument does). */
export function wasOpenedAtLogin(): boolean {
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
