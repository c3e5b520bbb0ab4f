// Journey 11: offline review. Export the eval report as signed JSON and as a web page
// (the save dialog answered by the recording dialog adapter), then — signed out, the BFF
// stopped — open the JSON: verified; a copy with one changed byte, dropped on the window:
// altered; both side by side. The web page opens in a plain offline browser with its charts.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { SignedReport } from '../shared/report/report.js';
import { openModel, openModelTab, signIn, signOut } from './support/console-steps.js';
import { expect, test } from './support/fixtures.js';
import { SCREENSHOT_DIR } from './support/paths.js';

/** A file dropped on the window, as the OS would hand it to the page (DataTransfer with one File). */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([fileName, content]) => {
      // No DOM typings in the Node project: the two page globals used here, typed by hand.
      type PageGlobals = {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: string[], name: string, options: { type: string }) => unknown;
      };
      const { DataTransfer, File } = globalThis as unknown as PageGlobals;
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], fileName, { type: 'application/json' }));
      return transfer;
    },
    [name, text] as const,
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  await page.dispatchEvent('main', 'drop', { dataTransfer });
}

/** The report with one digit of one metric changed: still JSON, still a report, no longer what was signed. */
function changeOneByte(text: string): string {
  const at = text.indexOf('"ndcg@10":0.') + '"ndcg@10":0.'.length;
  const digit = text[at]!;
  return text.slice(0, at) + (digit === '9' ? '8' : String(Number(digit) + 1)) + text.slice(at + 1);
}

test('11. offline review: export JSON and HTML, open with no sign-in and no BFF -> verified, a changed byte -> altered, the page shows its charts offline', async ({
  bff,
  openConsole,
  capture,
  browser,
}, testInfo) => {
  const folder = mkdtempSync(join(tmpdir(), 'moc-e2e-reports-'));
  try {
    const seat = await openConsole({ label: 'olivia', bffUrl: bff.url });
    await signIn(seat, 'olivia');
    const page = seat.page;

    // Export from the eval report screen: the user picks where each file goes.
    await openModel(seat, 'Search learning-to-rank');
    await openModelTab(seat, 'Eval report');
    const bar = page.getByRole('group', { name: 'Export for offline review' });
    const jsonPath = join(folder, 'review.modelreport.json');
    await seat.answerFileDialog('save', jsonPath);
    await bar.getByRole('button', { name: 'Signed report (.json)' }).click();
    await expect(page.getByText('Saved review.modelreport.json')).toBeVisible();
    const text = readFileSync(jsonPath, 'utf8');
    const signed = JSON.parse(text) as SignedReport;
    const versions = signed.report.versions.map((version) => version.version);
    expect((await seat.fileDialogRequests())[0]).toMatchObject({ kind: 'save', format: 'json', defaultName: `ltr-ranker-${versions.join('_')}.modelreport.json` });
    await capture(seat, 'eval-report-exported');

    const htmlPath = join(folder, 'review.html');
    await seat.answerFileDialog('save', htmlPath);
    await bar.getByRole('button', { name: 'Web page (.html)' }).click();
    await expect(page.getByText('Saved review.html')).toBeVisible();
    expect((await seat.fileDialogRequests())[1]).toMatchObject({ kind: 'save', format: 'html', defaultName: `ltr-ranker-${versions.join('_')}.html` });

    // A reviewer's situation: nobody signed in, and no BFF to ask.
    await signOut(seat);
    await bff.stop();
    await page.getByRole('link', { name: 'Open it without signing in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Offline reports' })).toBeVisible();
    await seat.answerFileDialog('open', jsonPath);
    await page.getByRole('button', { name: 'Open report…' }).first().click();
    const verified = page.getByRole('status').filter({ hasText: 'Verified' });
    await expect(verified).toContainText(`Signed by the BFF at ${bff.origin} with key ${signed.signature.key_id}`);
    await expect(page.getByRole('note').first()).toContainText(`Offline copy exported by ${signed.report.exported_by.display_name} (olivia) at`);
    // The same comparison the live screen showed, from the file.
    await expect(page.getByRole('table', { name: `${versions[0]} compared with ${versions[1]}` })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Relative change of each metric/ })).toBeVisible();
    await capture(seat, 'offline-report-verified');

    // One changed byte, dropped on the window: altered, contents withheld.
    await dropFile(page, 'tampered.modelreport.json', changeOneByte(text));
    await expect(page.getByRole('alert').filter({ hasText: 'Altered — do not trust this file' })).toBeVisible();
    await expect(page.getByRole('article', { name: 'Report file tampered.modelreport.json' }).getByRole('table')).toHaveCount(0);

    // Both side by side: the genuine one beside the tampered one.
    await page.getByRole('combobox', { name: 'Side by side with' }).selectOption({ label: `ltr-ranker ${versions.slice(0, 2).join(' vs ')} (review.modelreport.json)` });
    await expect(page.getByRole('article')).toHaveCount(2);
    await capture(seat, 'offline-report-altered-beside-verified');

    // The web page in a plain browser with no network: everything is inside the file.
    const viewer = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
    try {
      const htmlPage = await viewer.newPage();
      const requested: string[] = [];
      htmlPage.on('request', (request) => requested.push(request.url()));
      const htmlUrl = pathToFileURL(htmlPath).href;
      await htmlPage.goto(htmlUrl);
      await expect(htmlPage.getByRole('heading', { level: 1 })).toHaveText(signed.report.model.name);
      await expect(htmlPage.getByRole('note')).toContainText(`Offline copy exported by ${signed.report.exported_by.display_name} (olivia)`);
      const charts = htmlPage.locator('figure svg');
      expect(await charts.count()).toBeGreaterThanOrEqual(2);
      // Drawn, not empty: the delta chart has a bar per metric.
      expect(await htmlPage.locator('figure svg path').count()).toBeGreaterThan(10);
      expect(await htmlPage.locator('script').count()).toBe(0);
      expect(requested).toEqual([htmlUrl]);
      const shot = testInfo.outputPath('offline-report-html-page.png');
      await htmlPage.screenshot({ path: shot, fullPage: true });
      copyFileSync(shot, join(SCREENSHOT_DIR, `${testInfo.project.name}-offline-report-html-page.png`));
      await testInfo.attach('offline-report-html-page', { path: shot, contentType: 'image/png' });
      const axe = await new AxeBuilder({ page: htmlPage }).analyze();
      expect.soft(axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id)).toEqual([]);
    } finally {
      await viewer.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
