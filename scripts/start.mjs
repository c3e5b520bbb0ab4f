#!/usr/bin/env node
// `npm start` (after `electron-vite build`): launches Electron on the built app,
// or says plainly why it cannot when the Electron binary was never downloaded
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on our build machines).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronBinary = electronBinaryPath();
if (electronBinary === null) {
  console.error(
    [
      'npm start: the Electron binary is not installed (node_modules/electron has no dist/).',
      'It is skipped on machines without access to its download host (ELECTRON_SKIP_BINARY_DOWNLOAD=1).',
      'The app was built into out/ all the same. To run it, on a machine that can download Electron:',
      '  npm ci   (without ELECTRON_SKIP_BINARY_DOWNLOAD), then npm start',
      'Without Electron you can still run the BFF (npm run bff -- --seed-demo) and every test (npm test).',
    ].join('\n'),
  );
  process.exit(1);
}

const env = { ...process.env };
// Set by some shells and tools; it would make Electron run as plain Node.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electronBinary, ['.', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
