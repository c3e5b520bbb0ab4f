// Builds the app once before the e2e run: into .tmp/e2e/app for the Chromium harness, and
// into out/ (package.json "main", what the packaged app holds) when the Electron suite can run.
import { execFileSync } from 'node:child_process';
import { ELECTRON_SKIP_MESSAGE, HARNESS_BUILD_DIR, REPO_ROOT, electronInstalled } from './support/paths.js';

export default function globalSetup(): void {
  const build = (outDir: string) =>
    execFileSync(process.execPath, [`${REPO_ROOT}/node_modules/electron-vite/bin/electron-vite.js`, 'build', '--outDir', outDir, '--logLevel', 'warn'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  build(HARNESS_BUILD_DIR);
  if (electronInstalled()) build('out');
  // Said once, up front: the list reporter shows skipped tests without their reason.
  else console.log(`[electron] every test of this project is skipped: ${ELECTRON_SKIP_MESSAGE}`);
}
