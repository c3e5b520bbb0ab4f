// Build of the three Electron targets. Our folders are not the template's src/main|preload|renderer,
// so every entry is named explicitly. Output: out/main, out/preload, out/renderer.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import packageJson from './package.json' with { type: 'json' };
import { RUNTIME_PACKAGES, bundledDependencies } from './scripts/bundling.mjs';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      // ESM (package.json "type": "module") -> out/main/index.js, package.json "main".
      lib: { entry: { index: resolve(root, 'electron/main/index.ts') } },
      // Pure-JS dependencies are bundled (local mode's embedded BFF loads as one chunk,
      // not hundreds of files); the native addons (libsql, keytar), pg and the console's
      // HTTP/OIDC clients load from node_modules (scripts/bundling.mjs, the same list as
      // `npm run build:bff` and the local-start benchmark's probe).
      externalizeDeps: { exclude: bundledDependencies(packageJson) },
      rolldownOptions: { external: [...RUNTIME_PACKAGES] },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can neither `require` packages nor be an ES module: bundle every
      // dependency (zod, shared/) into one CommonJS file -> out/preload/index.cjs.
      lib: { entry: { index: resolve(root, 'electron/preload/index.ts') }, formats: ['cjs'] },
      externalizeDeps: false,
      isolatedEntries: true,
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
      // electron-vite leaves the renderer unminified by default; minified, the initial bundle
      // loads faster and the lazily loaded echarts chunk is less than half the size.
      minify: true,
    },
  },
});
