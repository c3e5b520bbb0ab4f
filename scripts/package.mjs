#!/usr/bin/env node
// `npm run package`: builds the app and the installers of this OS with
// electron-builder (build/electron-builder.yml), or says plainly why it cannot
// when the Electron binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1,
// as on our build machines). Extra arguments go to electron-builder
// (e.g. `npm run package -- --linux deb`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronBinary = electronBinaryPath();
if (electronBinary === null) {
  console.error(
    [
      'npm run package: the Electron binary is not installed (node_modules/electron has no dist/).',
      'electron-builder packs that binary into every installer (and flips its fuses), so nothing can be packaged here.',
      'It is skipped on machines without access to its download host (ELECTRON_SKIP_BINARY_DOWNLOAD=1).',
      'On a machine that can download Electron: npm ci (without ELECTRON_SKIP_BINARY_DOWNLOAD), then npm run package.',
      'The packaging configuration is still checked here by scripts/packaging.test.ts.',
    ].join('\n'),
  );
  process.exit(1);
}

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npx', ['electron-vite', 'build']);
// electron-builder reuses node_modules/electron/dist: the version from package.json, no download.
run('npx', ['electron-builder', '--config', 'build/electron-builder.yml', '--publish', 'never', ...process.argv.slice(2)]);
