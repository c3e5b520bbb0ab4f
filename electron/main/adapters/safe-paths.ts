// Where the app keeps its files: the OS's per-user data and log folders, and
// the built renderer and preload next to the main bundle.
import { app } from 'electron';
import { join } from 'node:path';

export interface AppPaths {
  dataDir: string;
  logDir: string;
  rendererDir: string;
  preloadPath: string;
  /** Icons (tray) shipped with the app: <app>/resources. */
  resourcesDir: string;
}

/** `mainDir` is the folder of the built main bundle (out/main). */
export function appPaths(mainDir: string): AppPaths {
  app.setAppLogsPath();
  return {
    dataDir: app.getPath('userData'),
    logDir: app.getPath('logs'),
    rendererDir: join(mainDir, '../renderer'),
    preloadPath: join(mainDir, '../preload/index.cjs'),
    resourcesDir: join(mainDir, '../../resources'),
  };
}

export function appIdentity(): { name: string; version: string; packaged: boolean } {
  return { name: app.getName(), version: app.getVersion(), packaged: app.isPackaged };
}
