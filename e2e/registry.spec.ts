// Journey 2: browse and filter the registry, open a model, read its versions and a
// version's metadata — each checked against what the BFF answers for the same data.
import type { Locator } from '@playwright/test';
import { openModelTab, signIn, type ConsoleWindow } from './support/console-steps.js';
import { expect, test } from './support/fixtures.js';

/** Text of the first cell of every body row of a grid (header row excluded). */
async function firstCells(grid: Locator): Promise<string[]> {
  const rows = grid.getByRole('rowgroup').getByRole('row');
  return rows.evaluateAll((elements) => elements.map((row) => (row.querySelector('[role="gridcell"]')?.textContent ?? '').trim()));
}

test('2. browse and filter the registry, open a model, read versions and metadata', async ({ bff, openConsole, capture }) => {
  const seat = await openConsole({ label: 'olivia', bffUrl: bff.url });
  await signIn(seat, 'olivia');
  const page = seat.page;
  const grid = page.getByRole('grid', { name: 'Models' });

  // What the BFF holds, read through the same API the screen uses.
  const listed = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.models.list({ limit: 100 }));
  if (!listed.ok) throw new Error(listed.error.message);
  const models = listed.value.items;
  const names = (keep: (row: (typeof models)[number]) => boolean) =>
    models
      .filter(keep)
      .map((row) => row.model.name)
      .sort((a, b) => a.localeCompare(b));

  await expect(page.getByText(`${models.length} models`)).toBeVisible();
  await expect.poll(async () => (await firstCells(grid)).length).toBe(models.length);
  const shown = await firstCells(grid);
  for (const row of models) expect(shown.some((cell) => cell.startsWith(row.model.name) && cell.includes(row.model.id))).toBe(true);
  await capture(seat, 'registry');

  // Filter by type.
  await page.getByRole('combobox', { name: 'Type' }).selectOption('EMBEDDING');
  const embeddings = names((row) => row.model.type === 'EMBEDDING');
  expect(embeddings).toEqual(['E5 base v2 embeddings', 'E5 large v2 embeddings']);
  await expect(page.getByText(`${embeddings.length} of ${models.length} models`)).toBeVisible();
  expect((await firstCells(grid)).map((cell) => embeddings.find((name) => cell.startsWith(name)))).toEqual(embeddings);

  // Models that still list a deprecated version.
  await page.getByRole('combobox', { name: 'Type' }).selectOption('');
  await page.getByRole('combobox', { name: 'Has a version' }).selectOption('deprecated');
  const withDeprecated = names((row) => row.version_count > (row.active_version ? 1 : 0) + row.candidate_versions.length);
  expect(withDeprecated.length).toBeGreaterThan(0);
  await expect(page.getByText(`${withDeprecated.length} of ${models.length} models`)).toBeVisible();

  // Free text over name, id, owner, tags, versions.
  await page.getByRole('combobox', { name: 'Has a version' }).selectOption('');
  await page.getByRole('searchbox', { name: 'Search models' }).fill('lambdamart');
  await expect(page.getByText(`1 of ${models.length} models`)).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search models' }).fill('no such model anywhere');
  await expect(page.getByText('No models match')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByText(`${models.length} models`)).toBeVisible();

  // Open one model: its versions as the BFF lists them.
  await grid.getByRole('row', { name: /Search learning-to-rank/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Search learning-to-rank' })).toBeVisible();
  const detail = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.models.get({ model_id: 'ltr-ranker' }));
  if (!detail.ok) throw new Error(detail.error.message);
  const versionsGrid = page.getByRole('grid', { name: 'Versions' });
  await expect(page.getByText(`${detail.value.versions.length} versions`)).toBeVisible();
  for (const version of detail.value.versions) {
    const row = versionsGrid.getByRole('row', { name: new RegExp(`^${version.version.replaceAll('.', '\\.')}\\b`) });
    await expect(row).toContainText(version.status);
    await expect(row).toContainText(version.runtime.device);
  }
  await capture(seat, 'model-detail');

  // One version in full: fields and the metadata tree.
  const pruned = detail.value.versions.find((version) => version.version === '2.2.0')!;
  await versionsGrid.getByRole('row', { name: /^2\.2\.0\b/ }).getByRole('gridcell').first().click();
  const panel = page.getByRole('article', { name: '2.2.0' });
  await expect(panel).toContainText(pruned.artifact_uri);
  await expect(panel).toContainText(`sha256:${pruned.checksum.slice(0, 16)}`);
  await expect(panel).toContainText(pruned.release_notes);
  await expect(panel).toContainText(`by ${pruned.created_by}`);
  const metadata = page.getByRole('tree', { name: 'Metadata' });
  await expect(metadata).toBeVisible();
  const training = (pruned.metadata as { training_config: { feature_set: string } }).training_config;
  await page.getByRole('searchbox', { name: 'Search Metadata' }).fill('feature_set');
  await expect(metadata.getByRole('treeitem', { name: /feature_set/ }).last()).toContainText(training.feature_set);
  await capture(seat, 'version-metadata');

  // The register-version form of this model (an operator may register).
  await page.getByRole('button', { name: 'Register version' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Register a version' })).toBeVisible();
  await capture(seat, 'register-version');
  await page.goBack();
  await openModelTab(seat, 'Overview');
});
