// Build of the three Electron targets. Our folders are not the template's src/main|preload|renderer,
// so every entry is named explicitly. Output: out/main, out/preload, out/renderer.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      // ESM (package.json "type": "module") -> out/main/index.js, package.json "main".
      lib: { entry: { index: resolve(root, 'electron/main/index.ts') } },
      // package.json dependencies stay external and load from node_modules at run time:
      // the native addons (libsql, keytar) cannot be bundled.
      externalizeDeps: true,
      rolldownOptions: { external: ['libsql', 'keytar'] },
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
