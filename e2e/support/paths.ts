// Where the e2e suites find the built app and put what they produce.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** electron-vite's output for the Chromium harness (kept apart from `out/`, which other work rebuilds). */
export const HARNESS_BUILD_DIR = join(REPO_ROOT, '.tmp/e2e/app');
export const HARNESS_RENDERER_DIR = join(HARNESS_BUILD_DIR, 'renderer');
export const HARNESS_PRELOAD_FILE = join(HARNESS_BUILD_DIR, 'preload/index.cjs');
/** Copies of every screen's screenshot, flat, for people to look through (gitignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'e2e/screenshots');

/** The Electron binary: absent where ELECTRON_SKIP_BINARY_DOWNLOAD=1 (our build machines). */
export const ELECTRON_DIST_DIR = join(REPO_ROOT, 'node_modules/electron/dist');
export const electronInstalled = (): boolean => existsSync(ELECTRON_DIST_DIR);
export const ELECTRON_SKIP_MESSAGE =
  'Electron binary not installed (node_modules/electron/dist is missing: ELECTRON_SKIP_BINARY_DOWNLOAD=1 on this machine); ' +
  'the journeys ran in Chromium against the same main-process handlers instead. Run `npm ci` where Electron can be downloaded to run this suite.';
