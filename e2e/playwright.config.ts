// End-to-end suites. `chromium`: the built renderer in Debian's Chromium, wired to the real
// main-process handler table, a real BFF and the real keychain. `electron`: the same journeys
// in the real app through Playwright's Electron support, skipped where the binary is missing.
import { defineConfig } from '@playwright/test';

// Debian's Chromium (README.md#fresh-machine): never a downloaded browser; quiet on a closed network.
const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  },
};

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  outputDir: '../test-results/e2e',
  // The build machines have 2 cores; each worker runs a BFF, a browser and two consoles.
  workers: 2,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: '../playwright-report', open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
  },
  projects: [
    {
      name: 'chromium',
      use: chromium,
    },
    {
      // Same spec files, each seat a real Electron app; every test skips with an explicit
      // reason without the Electron binary. (Its fixtures never start the browser above.)
      name: 'electron',
      use: chromium,
    },
  ],
});
