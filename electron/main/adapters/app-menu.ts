// Applies the menu template of services/app-menu.ts (roles and commands as
// data) and the text-field context menu; the About box and the logs folder.
import { Menu, dialog, shell, type BrowserWindow, type MenuItemConstructorOptions, type WebContents } from 'electron';
import { contextMenuTemplate, type MenuCommand, type MenuItemSpec } from '../services/app-menu.js';
import type { AboutInfo } from '../services/desktop-shell.js';

function toElectron(items: readonly MenuItemSpec[], run: (command: MenuCommand) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if ('type' in item) return { type: 'separator' };
    if ('submenu' in item) return { label: item.label, ...(item.role ? { role: item.role } : {}), submenu: toElectron(item.submenu, run) };
    if ('command' in item) {
      const command = item.command;
      return { label: item.label, accelerator: item.accelerator, enabled: item.enabled ?? true, click: () => run(command) };
    }
    return { role: item.role, ...(item.label ? { label: item.label } : {}), ...(item.accelerator ? { accelerator: item.accelerator } : {}) };
  });
}

export function createMenuApplier(run: (command: MenuCommand) => void): (template: MenuItemSpec[]) => void {
  return (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(toElectron(template, run)));
}

/** Cut / copy / paste on right-click in text fields (and copy of a selection). */
export function enableContextMenu(contents: WebContents): void {
  contents.on('context-menu', (_event, params) => {
    const items = contextMenuTemplate(params);
    if (items.length === 0) return;
    Menu.buildFromTemplate(items.map((item) => ('type' in item ? { type: 'separator' } : { role: item.role, enabled: item.enabled }))).popup();
  });
}

export function showAbout(getWindow: () => BrowserWindow | null, about: AboutInfo): void {
  const window = getWindow();
  const options = { type: 'info' as const, title: about.title, message: about.title, detail: about.detail, buttons: ['OK'] };
  void (window && !window.isDestroyed() ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
}

export function openFolder(path: string): void {
  void shell.openPath(path);
}
