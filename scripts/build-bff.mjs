#!/usr/bin/env node
// `npm run build:bff [-- --out-dir DIR]`: compiles the reference BFF (bff/src/cli.ts and all it imports from
// bff/ and shared/) into one ES module, out/bff/cli.js, which plain `node` runs: no tsx,
// no TypeScript at run time (docs/decisions/0011-compiled-bff-and-local-start.md).
// Pure-JS packages are bundled in, as in the Electron main bundle; the native addon
// (libsql) and the PostgreSQL driver load from node_modules (scripts/bundling.mjs). About 3 s.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { bundleAllBut } from './bundling.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundling = bundleAllBut();
// Tests build a private copy (bff/src/testing/compiled-bff.ts); it must sit inside the repository,
// where node_modules resolves the packages left external.
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'out/bff' } }, strict: true });

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  ssr: bundling.ssr,
  build: {
    ssr: true,
    outDir: values['out-dir'],
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rolldownOptions: {
      input: { cli: 'bff/src/cli.ts' },
      external: bundling.external,
      output: { format: 'es', entryFileNames: '[name].js' },
      // server.ts imports the demo seed lazily for the server's own start; the CLI imports it anyway.
      checks: { ineffectiveDynamicImport: false },
    },
  },
});
