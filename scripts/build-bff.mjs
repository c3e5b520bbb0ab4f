#!/usr/bin/env node
// `npm run build:bff`: compiles the reference BFF (bff/src/cli.ts and all it imports from
// bff/ and shared/) into one ES module, out/bff/cli.js, which plain `node` runs: no tsx,
// no TypeScript at run time (docs/decisions/0011-compiled-bff-and-local-start.md).
// Packages stay external and load from node_modules, as in the Electron main bundle
// (libsql is a native addon and cannot be bundled). About 2 s.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'out/bff',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rolldownOptions: {
      input: { cli: 'bff/src/cli.ts' },
      output: { format: 'es', entryFileNames: '[name].js' },
      // server.ts imports the demo seed lazily for the server's own start; the CLI imports it anyway.
      checks: { ineffectiveDynamicImport: false },
    },
  },
});
