// The application menu and the text-field context menu as plain data, per
// platform: the adapter (adapters/app-menu.ts) turns roles into Electron's
// built-in items and commands into calls of MenuCommands. Tested as data.

/** What a menu item does when it is not an Electron role. */
export const MENU_COMMANDS = [
  'open-report',
  'export-report',
  'sign-out',
  'keyboard-shortcuts',
  'open-logs-folder',
  'about',
  'open-settings',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** Electron's built-in menu roles this console uses (platform-standard behaviour, localized by the OS). */
export type MenuRole =
  | 'appMenu'
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'windowMenu';

export type MenuItemSpec =
  | { type: 'separator' }
  | { role: MenuRole; label?: string; accelerator?: string }
  | { label: string; command: MenuCommand; accelerator?: string; enabled?: boolean }
  /** `windowMenu` and `help` tell macOS which menus list the windows and get the search field. */
  | { label: string; role?: 'windowMenu' | 'help'; submenu: MenuItemSpec[] };

export interface AppMenuContext {
  platform: NodeJS.Platform;
  appName: string;
  /** A session is open: Export and Sign out need one. */
  signedIn: boolean;
}

const separator: MenuItemSpec = { type: 'separator' };

/**
 * The menu bar. Every accelerator is unique (a test checks); `CmdOrCtrl+O`
 * is the same Open report the sidebar offers (both end in ReportService.openWithDialog).
 */
export function appMenuTemplate(context: AppMenuContext): MenuItemSpec[] {
  const mac = context.platform === 'darwin';
  const file: MenuItemSpec = {
    label: '&File',
    submenu: [
      { label: 'Open Report…', command: 'open-report', accelerator: 'CmdOrCtrl+O' },
      { label: 'Export Report…', command: 'export-report', accelerator: 'CmdOrCtrl+E', enabled: context.signedIn },
      separator,
      // macOS keeps Settings in the app menu, by convention.
      ...(mac ? [] : [{ label: 'Settings', command: 'open-settings', accelerator: 'CmdOrCtrl+,' } satisfies MenuItemSpec, separator]),
      { label: 'Sign Out', command: 'sign-out', enabled: context.signedIn },
      separator,
      // macOS: Close closes the window (the app menu quits); elsewhere Quit ends the app, whatever the tray does.
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
    ],
  };
  const edit: MenuItemSpec = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } satisfies MenuItemSpec] : []),
      { role: 'delete' },
      separator,
      { role: 'selectAll' },
    ],
  };
  // No reload entries: a reload would drop what the user typed and re-run the page for nothing.
  const view: MenuItemSpec = {
    label: '&View',
    submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' }],
  };
  const window: MenuItemSpec = {
    label: '&Window',
    role: 'windowMenu',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  };
  const help: MenuItemSpec = {
    label: '&Help',
    role: 'help',
    submenu: [
      { label: 'Keyboard Shortcuts', command: 'keyboard-shortcuts', accelerator: mac ? 'Cmd+/' : 'Ctrl+/' },
      { label: 'Open Logs Folder', command: 'open-logs-folder' },
      ...(mac ? [] : [separator, { label: `About ${context.appName}`, command: 'about' } satisfies MenuItemSpec]),
    ],
  };
  if (!mac) return [file, edit, view, window, help];
  const appMenu: MenuItemSpec = {
    label: context.appName,
    submenu: [
      { label: `About ${context.appName}`, command: 'about' },
      separator,
      { label: 'Settings…', command: 'open-settings', accelerator: 'Cmd+,' },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  return [appMenu, file, edit, view, window, help];
}

/** What Electron's context-menu event says about the spot clicked. */
export interface ContextMenuParams {
  isEditable: boolean;
  selectionText: string;
  editFlags: { canUndo: boolean; canRedo: boolean; canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
}

type ContextItem = { role: MenuRole; enabled: boolean } | { type: 'separator' };

/** Copy / paste in text fields, copy of a selection elsewhere; nothing (no menu) otherwise. */
export function contextMenuTemplate(params: ContextMenuParams): ContextItem[] {
  const flags = params.editFlags;
  if (params.isEditable) {
    return [
      { role: 'undo', enabled: flags.canUndo },
      { role: 'redo', enabled: flags.canRedo },
      { type: 'separator' },
      { role: 'cut', enabled: flags.canCut },
      { role: 'copy', enabled: flags.canCopy },
      { role: 'paste', enabled: flags.canPaste },
      { type: 'separator' },
      { role: 'selectAll', enabled: flags.canSelectAll },
    ];
  }
  if (params.selectionText.trim() !== '') return [{ role: 'copy', enabled: flags.canCopy }];
  return [];
}

/** The accelerators Electron gives its roles (electron/lib/browser/api/menu-item-roles.ts), for the uniqueness check. */
export function roleAccelerator(role: MenuRole, platform: NodeJS.Platform): string | undefined {
  const mac = platform === 'darwin';
  const table: Partial<Record<MenuRole, string>> = {
    undo: 'CmdOrCtrl+Z',
    redo: platform === 'win32' ? 'Ctrl+Y' : 'Shift+CmdOrCtrl+Z',
    cut: 'CmdOrCtrl+X',
    copy: 'CmdOrCtrl+C',
    paste: 'CmdOrCtrl+V',
    pasteAndMatchStyle: 'Shift+Alt+CmdOrCtrl+V',
    selectAll: 'CmdOrCtrl+A',
    resetZoom: 'CmdOrCtrl+0',
    zoomIn: 'CmdOrCtrl+Plus',
    zoomOut: 'CmdOrCtrl+-',
    togglefullscreen: mac ? 'Ctrl+Cmd+F' : 'F11',
    minimize: 'CmdOrCtrl+M',
    close: 'CmdOrCtrl+W',
    hide: 'Cmd+H',
    hideOthers: 'Cmd+Alt+H',
    ...(platform === 'win32' ? {} : { quit: 'CmdOrCtrl+Q' }),
  };
  return table[role];
}

/** Every accelerator in a template, normalized (CmdOrCtrl resolved for the platform), in order. */
export function acceleratorsOf(template: readonly MenuItemSpec[], platform: NodeJS.Platform): string[] {
  const out: string[] = [];
  const walk = (items: readonly MenuItemSpec[]) => {
    for (const item of items) {
      const accelerator = 'accelerator' in item && item.accelerator ? item.accelerator : 'role' in item && item.role && !('submenu' in item) ? roleAccelerator(item.role, platform) : undefined;
      if (accelerator) {
        out.push(accelerator.replace(/CmdOrCtrl|CommandOrControl/g, platform === 'darwin' ? 'Cmd' : 'Ctrl').toLowerCase());
      }
      if ('submenu' in item) walk(item.submenu);
    }
  };
  walk(template);
  return out;
}
