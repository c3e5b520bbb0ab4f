// Playwright fixtures shared by every journey: the served renderer, a fresh BFF,
// consoles (seats) in the Chromium harness or the real Electron app, and `capture`
// (a screenshot of the screen plus an axe check that fails on serious/critical issues).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type TestInfo } from '@playwright/test';
import { probeKeychain } from '../../electron/main/test-support/harness.js';
import type { CredentialVault } from '../../electron/main/services/credential-vault.js';
import { ChromiumSeat, type ConsoleSeat, type SeatOptions } from './console-seat.js';
import { electronDisplayProblem, ElectronSeat } from './electron-seat.js';
import { ELECTRON_SKIP_MESSAGE, HARNESS_PRELOAD_FILE, HARNESS_RENDERER_DIR, SCREENSHOT_DIR, electronInstalled } from './paths.js';
import { serveRenderer, type StaticServer } from './static-server.js';
import { startTestBff, type TestBff } from './test-bff.js';

export interface OpenConsoleOptions {
  label: string;
  /** The BFF this console is configured for (its URL is the user's bff_url setting). */
  bffUrl: string;
  /** Start on an existing data folder: the same app, started again. */
  dataDir?: string;
  /** Console errors this journey provokes on purpose (e.g. none today); anything else fails the test. */
  allowProblems?: RegExp;
  /** Company sign-in: the browser the main process opens the IdP in (Chromium harness only; see company-idp.ts). */
  systemBrowser?: SeatOptions['systemBrowser'];
}

export type OpenConsole = (options: OpenConsoleOptions) => Promise<ConsoleSeat>;

interface WorkerFixtures {
  renderer: { server: StaticServer; preloadSource: string };
  /** The OS keychain through CredentialVault (real keytar), or why there is none. */
  keychain: { vault: CredentialVault | null; reason: string };
}

interface TestFixtures {
  /** Skips every test of the electron project where the Electron binary is missing. */
  electronGate: void;
  bff: TestBff;
  openConsole: OpenConsole;
  capture: (seat: ConsoleSeat, screen: string) => Promise<void>;
}

const isElectron = (testInfo: TestInfo) => testInfo.project.name === 'electron';

/** Why this test cannot run here (the electron project without the binary or a display), or null. */
export function electronSkipReason(testInfo: TestInfo): string | null {
  if (!isElectron(testInfo)) return null;
  if (!electronInstalled()) return ELECTRON_SKIP_MESSAGE;
  return electronDisplayProblem();
}

/**
 * A full-page screenshot of a screen whose content scrolls inside the app shell (not the
 * document): the viewport grows by the overflow for the shot, then returns to its size.
 */
async function screenshotWhole(seat: ConsoleSeat, path: string): Promise<void> {
  const page = seat.page;
  const size = page.viewportSize();
  const overflow = await page.locator('main, main *').evaluateAll((elements) => {
    // No DOM typings in the Node project: the few members used here, typed by hand.
    type Box = { scrollHeight: number; clientHeight: number; closest(selector: string): unknown };
    const view = globalThis as unknown as { getComputedStyle(element: Box): { overflowY: string } };
    let most = 0;
    for (const element of elements as unknown as Box[]) {
      const { overflowY } = view.getComputedStyle(element);
      // Virtualized grids scroll on their own; growing the window for them would only render more rows.
      if ((overflowY === 'auto' || overflowY === 'scroll') && !element.closest('[role="grid"]')) most = Math.max(most, element.scrollHeight - element.clientHeight);
    }
    return most;
  });
  if (size && overflow > 0) await page.setViewportSize({ width: size.width, height: Math.min(size.height + overflow, 4000) }).catch(() => undefined);
  try {
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  } finally {
    if (size && overflow > 0) await page.setViewportSize(size).catch(() => undefined);
  }
}

/** axe impacts that fail a screen. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

export const test = base.extend<TestFixtures, WorkerFixtures>({
  renderer: [
    async ({}, use) => {
      const server = await serveRenderer(HARNESS_RENDERER_DIR);
      await use({ server, preloadSource: readFileSync(HARNESS_PRELOAD_FILE, 'utf8') });
      await server.close();
    },
    { scope: 'worker' },
  ],

  keychain: [
    async ({}, use) => {
      await use(await probeKeychain());
    },
    { scope: 'worker' },
  ],

  electronGate: [
    async ({}, use, testInfo) => {
      const reason = electronSkipReason(testInfo);
      testInfo.skip(reason !== null, reason ?? '');
      await use();
    },
    { auto: true },
  ],

  bff: async ({}, use) => {
    const bff = await startTestBff();
    await use(bff);
    await bff.dispose();
  },

  openConsole: async ({ browser, renderer }, use, testInfo) => {
    const seats: { seat: ConsoleSeat; allow?: RegExp }[] = [];
    await use(async (options) => {
      const seat = isElectron(testInfo)
        ? await ElectronSeat.open(options)
        : await ChromiumSeat.open(browser, renderer.server, renderer.preloadSource, options);
      seats.push({ seat, ...(options.allowProblems ? { allow: options.allowProblems } : {}) });
      return seat;
    });
    const problems: string[] = [];
    // Newest first: a restarted console shares its data folder with the one before it.
    for (const { seat, allow } of seats.reverse()) {
      problems.push(...seat.problems().filter((problem) => !allow?.test(problem)).map((problem) => `${seat.label}: ${problem}`));
      await seat.close();
    }
    // CSP refusals, uncaught errors and console errors fail the journey that caused them.
    expect(problems, 'the pages reported errors').toEqual([]);
  },

  capture: async ({}, use, testInfo) => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await use(async (seat, screen) => {
      const file = testInfo.outputPath(`${screen}.png`);
      await screenshotWhole(seat, file);
      copyFileSync(file, join(SCREENSHOT_DIR, `${testInfo.project.name}-${screen}.png`));
      await testInfo.attach(screen, { path: file, contentType: 'image/png' });

      const results = await new AxeBuilder({ page: seat.page }).analyze();
      const summary = results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
      }));
      const axeFile = testInfo.outputPath(`${screen}.axe.json`);
      writeFileSync(axeFile, `${JSON.stringify(summary, null, 2)}\n`);
      await testInfo.attach(`${screen}.axe.json`, { path: axeFile, contentType: 'application/json' });
      const failing = summary.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
      expect.soft(failing, `axe: serious or critical violations on the ${screen} screen`).toEqual([]);
    });
  },
});

export { expect };
