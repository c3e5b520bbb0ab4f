// Journey 3: the eval report's deltas and gate badges are the BFF's numbers, and a
// failing gate reads as failing (badge, rows, checks), a passing one as passing.
import type { Locator } from '@playwright/test';
import type { EvalRunResult } from '../shared/domain/eval-run.js';
import { openModel, openModelTab, signIn, type ConsoleWindow } from './support/console-steps.js';
import { expect, test } from './support/fixtures.js';

/** "−0.0151" / "+4.17%" as shown -> a number, and the precision it was shown with. */
function shownNumber(text: string): { value: number; step: number } {
  const cleaned = text.replace(/[−–]/g, '-').replace(/[+%\s]/g, '');
  const decimals = cleaned.split('.')[1]?.length ?? 0;
  return { value: Number(cleaned), step: 10 ** -decimals };
}

/** The compare table's row of one metric: Δ abs and Δ rel as displayed, and its verdict. */
async function shownDelta(table: Locator, metric: string): Promise<{ abs: string; rel: string; verdict: string }> {
  const row = table.getByRole('row', { name: new RegExp(`^${metric.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) });
  const cells = row.getByRole('cell');
  return { abs: (await cells.nth(2).innerText()).trim(), rel: (await cells.nth(3).innerText()).trim(), verdict: (await cells.nth(4).innerText()).trim() };
}

async function expectRunMatches(table: Locator, run: EvalRunResult): Promise<void> {
  for (const delta of run.delta) {
    const shown = await shownDelta(table, delta.metric);
    if (delta.abs !== null) {
      const abs = shownNumber(shown.abs);
      expect(Math.abs(abs.value - delta.abs), `${run.version} ${delta.metric} Δ abs ${shown.abs} vs BFF ${delta.abs}`).toBeLessThanOrEqual(abs.step / 2 + 1e-12);
    }
    if (delta.rel !== null) {
      // Shown in percent.
      const rel = shownNumber(shown.rel);
      expect(Math.abs(rel.value - delta.rel * 100), `${run.version} ${delta.metric} Δ rel ${shown.rel} vs BFF ${delta.rel}`).toBeLessThanOrEqual(rel.step / 2 + 1e-9);
    }
    const failed = run.gate.failed_metrics.includes(delta.metric);
    if (failed) expect(shown.verdict, `${delta.metric} failed the gate`).toBe('worse');
  }
}

test('3. eval report: deltas and gate badges match the BFF, a failing gate shows as failing', async ({ bff, openConsole, capture }) => {
  const seat = await openConsole({ label: 'olivia', bffUrl: bff.url });
  await signIn(seat, 'olivia');
  const page = seat.page;

  const answer = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.evals.list({ model_id: 'ltr-ranker' }));
  if (!answer.ok) throw new Error(answer.error.message);
  const runs = answer.value.items;
  const failing = runs.find((run) => !run.gate.passed);
  const passing = runs.find((run) => run.gate.passed && run.baseline_version === failing?.baseline_version);
  expect(failing, 'the demo data has a run that fails its gate').toBeDefined();
  expect(passing, 'and a passing one against the same baseline').toBeDefined();

  await openModel(seat, 'Search learning-to-rank');
  await openModelTab(seat, 'Eval report');

  // Runs: one row per BFF run, each with the BFF's gate verdict.
  const runsGrid = page.getByRole('grid', { name: 'Eval runs' });
  await expect(runsGrid.getByRole('rowgroup').getByRole('row')).toHaveCount(runs.length);
  for (const run of runs) {
    const row = runsGrid.getByRole('row', { name: new RegExp(`^${run.version.replaceAll('.', '\\.')} vs ${run.baseline_version.replaceAll('.', '\\.')}`) });
    if (run.gate.passed) await expect(row).toContainText('Gate passed');
    else await expect(row).toContainText(`Gate failed: ${run.gate.failed_metrics[0]}`);
  }

  // The failing run compared with its baseline.
  const compare = page.getByRole('region', { name: 'Compare' });
  await compare.getByRole('combobox', { name: 'Candidate' }).selectOption(failing!.version);
  await compare.getByRole('combobox', { name: 'Baseline' }).selectOption(failing!.baseline_version);
  const table = compare.getByRole('table', { name: `${failing!.version} compared with ${failing!.baseline_version}` });
  await expect(table).toBeVisible();
  const more = failing!.gate.failed_metrics.length - 1;
  await expect(compare.getByText(new RegExp(`^Gate failed: ${failing!.gate.failed_metrics[0]}.*${more > 0 ? ` \\+${more}` : ''}$`)).first()).toBeVisible();
  await expect(compare).toContainText(`Run ${failing!.id}`);
  await expectRunMatches(table, failing!);
  // Every check the BFF failed is listed as failed.
  await compare.getByText(/^Gate checks/).click();
  for (const metric of failing!.gate.failed_metrics) {
    await expect(compare.getByRole('listitem').filter({ hasText: metric }).getByRole('img', { name: 'failed' })).toBeVisible();
  }
  await expect(compare.getByRole('img', { name: /^Relative change of each metric/ })).toBeVisible();
  await capture(seat, 'eval-report-failing-gate');

  // The passing run: same checks, passed.
  await compare.getByRole('combobox', { name: 'Candidate' }).selectOption(passing!.version);
  const passingTable = compare.getByRole('table', { name: `${passing!.version} compared with ${passing!.baseline_version}` });
  await expect(passingTable).toBeVisible();
  await expect(compare.getByText('Gate passed').first()).toBeVisible();
  await expectRunMatches(passingTable, passing!);
  await capture(seat, 'eval-report-passing-gate');
  // The same screen in dark (the OS setting the console follows): the chart re-colours, contrast holds (axe).
  await page.emulateMedia({ colorScheme: 'dark' });
  await capture(seat, 'eval-report-passing-gate-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The rollout tab warns about the failing candidate before anyone asks.
  await openModelTab(seat, 'Rollout');
  await page.getByRole('combobox', { name: 'Version' }).selectOption(failing!.version);
  await expect(page.getByRole('alert').filter({ hasText: `The gate failed for ${failing!.version}` })).toBeVisible();
  await capture(seat, 'rollout-controls');
});
