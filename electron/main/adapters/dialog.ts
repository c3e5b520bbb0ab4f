// The dialogs the main process shows itself: a startup failure it cannot
// recover from, and the native save / open dialogs of report export and open.
import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { Confirm } from '../services/confirmations.js';
import type { FileDialogs } from '../services/report-service.js';

export function showFatalError(title: string, message: string): void {
  dialog.showErrorBox(title, message);
}

const FILTERS = {
  json: [{ name: 'Signed eval report', extensions: ['json'] }],
  html: [{ name: 'Web page', extensions: ['html', 'htm'] }],
};

/** Dialogs attached to the window when there is one (modal to it), free-standing otherwise. */
export function createFileDialogs(getWindow: () => BrowserWindow | null): FileDialogs {
  const parent = () => {
    const window = getWindow();
    return window && !window.isDestroyed() ? window : null;
  };
  return {
    async chooseSavePath({ title, defaultName, format }) {
      const options = {
        title,
        // A bare name would land in whatever folder the process runs in; Downloads is where people look.
        defaultPath: join(app.getPath('downloads'), defaultName),
        filters: FILTERS[format],
        properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'>,
      };
      const window = parent();
      const answer = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
    async chooseOpenPath({ title }) {
      const options = {
        title,
        // *.json: the extension filter of every OS matches the last part only, so *.modelreport.json cannot be named alone.
        filters: [...FILTERS.json, { name: 'All files', extensions: ['*'] }],
        properties: ['openFile'] as Array<'openFile'>,
      };
      const window = parent();
      const answer = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return answer.canceled ? null : (answer.filePaths[0] ?? null);
    },
  };
}

/**
 * The main process's own confirmation (services/confirmations.ts): a native
 * message box the page can neither draw nor answer. Cancel is the default
 * button, and Escape or closing the box cancels.
 */
export function createConfirm(getWindow: () => BrowserWindow | null): Confirm {
  return async ({ title, message, detail, confirmLabel }) => {
    const options = {
      type: 'question' as const,
      title,
      message,
      detail,
      buttons: ['Cancel', confirmLabel],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
      normalizeAccessKeys: false,
    };
    const window = getWindow();
    const answer = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
    return answer.response === 1;
  };
}
