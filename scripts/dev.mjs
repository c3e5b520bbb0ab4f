#!/usr/bin/env node
// `npm run dev`: electron-vite's dev server (renderer hot reload, main and preload
// rebuilt on change) with Electron on top, or a plain reason why not when the
// Electron binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (electronBinaryPath() === null) {
  console.error(
    [
      'npm run dev: the Electron binary is not installed (node_modules/electron has no dist/),',
      'so there is nothing to open the dev server in. It is skipped on machines without access',
      'to its download host (ELECTRON_SKIP_BINARY_DOWNLOAD=1).',
      'On a machine that can download Electron: npm ci (without ELECTRON_SKIP_BINARY_DOWNLOAD), then npm run dev.',
      'Here you can still build (npm run build), run the BFF (npm run bff -- --seed-demo), the renderer',
      'in Chromium through the e2e harness (npm run test:e2e) and every other test.',
    ].join('\n'),
  );
  process.exit(1);
}

const env = { ...process.env };
// Set by some shells and tools; it would make Electron run as plain Node.
delete env.ELECTRON_RUN_AS_NODE;
// The package's bin (its exports map does not offer it to require.resolve).
const cli = fileURLToPath(new URL('../node_modules/electron-vite/bin/electron-vite.js', import.meta.url));
const child = spawn(process.execPath, [cli, 'dev', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
