// Journey 22: a registry too large to read whole (more than REGISTRY_LOCAL_LIMIT models)
// is paged by the real BFF: first rows, a search of several words, the type filter from
// GET /admin/model-types, a sort, more rows as the list scrolls, an error and its retry;
// then a model with more versions than VERSIONS_LOCAL_LIMIT, searched by the BFF too.
// The models are written straight into the store (as the bff-registry bench does): the
// journey is about reading them, and creating 6,000 models through the API takes minutes.
import { createHash } from 'node:crypto';
import type { Locator } from '@playwright/test';
import { rebuildModelSummaries } from '../bff/src/store/model-summaries.js';
import type { Db } from '../bff/src/store/database.js';
import { semverSortKey } from '../shared/logic/semver-key.js';
import { signIn, type ConsoleWindow } from './support/console-steps.js';
import { startFaultProxy } from './support/fault-proxy.js';
import { expect, test } from './support/fixtures.js';

const MODELS = 6000;
const TYPES = ['LTR', 'RERANKER', 'EMBEDDING', 'RAG'];
/** Versions of the first generated model: more than the versions table filters in memory. */
const MANY_VERSIONS = 5050;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const versionAt = (v: number) => `1.${Math.floor(v / 100)}.${v % 100}`;

/** MODELS models named "Paged model 00000"…, and one of a type no other model has, named to sort last. */
async function seedLargeRegistry(db: Db): Promise<void> {
  const at = new Date().toISOString();
  const models = Array.from({ length: MODELS }, (_, i) => {
    const number = String(i).padStart(5, '0');
    const rare = i === MODELS - 1;
    return {
      id: rare ? 'zz-rare-model' : `paged-${number}`,
      name: rare ? 'Zz rare model' : `Paged model ${number}`,
      type: rare ? 'ZRARE' : TYPES[i % TYPES.length]!,
      owner: `team-${i % 37}`,
      description: 'generated for the paged registry journey',
      tags: JSON.stringify(['paged', `shard-${i % 11}`]),
      policy: '{}',
      created_at: at,
    };
  });
  const versions = Array.from({ length: MANY_VERSIONS }, (_, v) => ({
    model_id: 'paged-00000',
    version: versionAt(v),
    status: (v === MANY_VERSIONS - 1 ? 'active' : v % 10 === 0 ? 'deprecated' : 'candidate') as 'active' | 'candidate' | 'deprecated',
    artifact_uri: `s3://paged/paged-00000/${versionAt(v)}/model.bin`,
    checksum: sha(`paged-00000@${v}`),
    runtime: JSON.stringify({ device: 'cpu', max_batch: 64 }),
    framework: 'lightgbm',
    export_format: 'lightgbm-text',
    release_notes: '',
    supported_until: null,
    metadata: '{}',
    created_at: at,
    created_by: 'ravi',
    deprecated_reason: null,
    version_key: semverSortKey(versionAt(v)),
  }));
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < models.length; i += 500) await trx.insertInto('models').values(models.slice(i, i + 500)).execute();
    const deployments = models.map((model) => ({
      model_id: model.id,
      stable_version: model.id === 'paged-00000' ? versionAt(MANY_VERSIONS - 1) : null,
      canary_version: null,
      canary_pct: 0,
      phase: 'idle' as const,
      state_version: 1,
      previous_stable: null,
      salt: sha(model.id).slice(0, 16),
      updated_at: at,
    }));
    for (let i = 0; i < deployments.length; i += 500) await trx.insertInto('deployments').values(deployments.slice(i, i + 500)).execute();
    for (let i = 0; i < versions.length; i += 200) await trx.insertInto('model_versions').values(versions.slice(i, i + 200)).execute();
  });
  // Rows written around the store need their list summaries, as any bulk import does.
  await rebuildModelSummaries(db);
}

/** Text of the first cell of every body row in the DOM (the rows in view). */
async function firstCells(grid: Locator): Promise<string[]> {
  return grid
    .getByRole('rowgroup')
    .getByRole('row')
    .evaluateAll((rows) => rows.map((row) => (row.querySelector('[role="gridcell"]')?.textContent ?? '').trim()));
}

test('22. a registry of more than 5,000 models is paged by the BFF: search, type, sort, scrolling, an error and its retry, many versions', async ({ bff, openConsole, capture }) => {
  // About 35 s on a quiet 2-core machine (6,000 models seeded, 5,100 read before paging starts, six screens
  // checked by axe); the default minute is too short when other suites share the cores.
  test.setTimeout(150_000);
  await seedLargeRegistry(bff.server().ctx.db);
  const proxy = await startFaultProxy(bff.url);
  try {
    const seat = await openConsole({ label: 'olivia', bffUrl: proxy.url });
    const page = seat.page;
    const grid = page.getByRole('grid', { name: 'Models' });
    const count = page.locator('.page-count');

    // Loading: the first page waits (a slow network) and the screen says so.
    const releaseFirstPage = proxy.holdNext('GET', /^\/admin\/models$/);
    await signIn(seat, 'olivia');
    await expect(page.getByText('Loading the registry…')).toBeVisible();
    await capture(seat, 'registry-paged-loading');
    releaseFirstPage();

    // First rows, then paged mode: the console stops reading after the first pages.
    // Eleven pages of up to 500 rows before the console switches; slow on a loaded machine.
    await expect(count).toHaveText('5,100+ models', { timeout: 30_000 });
    const first = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.models.list({ limit: 1 }));
    if (!first.ok) throw new Error(first.error.message);
    await expect.poll(async () => (await firstCells(grid))[0]).toContain(first.value.items[0]!.model.name);
    await capture(seat, 'registry-paged');

    // The type filter lists every type with its count, also one no page read so far holds.
    const typeFilter = page.getByRole('combobox', { name: 'Type' });
    await expect(typeFilter.getByRole('option', { name: 'ZRARE (1)' })).toBeAttached();
    const types = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.models.types({}));
    if (!types.ok) throw new Error(types.error.message);
    for (const { type, count: models } of types.value.items) await expect(typeFilter.getByRole('option', { name: `${type} (${models.toLocaleString('en')})` })).toBeAttached();
    await typeFilter.selectOption('ZRARE');
    await expect(count).toHaveText('1 matching models');
    expect(await firstCells(grid)).toEqual([expect.stringContaining('Zz rare model')]);

    // A search of several words, answered by the BFF: every word, in any order.
    await typeFilter.selectOption('');
    const search = page.getByRole('searchbox', { name: 'Search models' });
    await search.fill('001 shard-3 model');
    const listed = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.models.list({ q: 'model shard-3 001', limit: 50 }));
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.items.length).toBeGreaterThan(5);
    expect(listed.value.next_cursor).toBeNull();
    for (const row of listed.value.items) expect(row.model.id.includes('001') && row.model.tags.includes('shard-3')).toBe(true);
    await expect(count).toHaveText(`${listed.value.items.length} matching models`);
    expect(await firstCells(grid)).toEqual(listed.value.items.slice(0, (await firstCells(grid)).length).map((row) => expect.stringContaining(row.model.name)));

    // Empty: nothing matches.
    await search.fill('001 shard-3 no-such-word');
    await expect(page.getByText('No models match')).toBeVisible();
    await capture(seat, 'registry-paged-empty');

    // A search on its way keeps the rows on screen and says so.
    await search.fill('');
    await expect(count).toHaveText('50+ models');
    const releaseSearch = proxy.holdNext('GET', /^\/admin\/models$/);
    await search.fill('shard-5');
    await expect(count).toContainText('searching…');
    await expect(page.locator('.page-fill')).toHaveAttribute('aria-busy', 'true');
    await capture(seat, 'registry-paged-searching');
    releaseSearch();
    await expect(count).toHaveText('50+ matching models');

    // Sort: name descending puts the rare model first; the BFF ordered it.
    await search.fill('');
    await expect(count).toHaveText('50+ models');
    await grid.getByRole('columnheader', { name: 'Model' }).getByRole('button').click();
    await expect(grid.getByRole('columnheader', { name: 'Model' })).toHaveAttribute('aria-sort', 'descending');
    await expect.poll(async () => (await firstCells(grid))[0]).toContain('Zz rare model');

    // Scrolling near the end reads the next page of the same query.
    await typeFilter.selectOption('LTR');
    await expect(count).toHaveText('50+ matching models');
    await grid.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await expect(count).toHaveText('550+ matching models');

    // An answer the console cannot read: the error, then a retry that asks again.
    proxy.malformNext('GET', /^\/admin\/models$/, JSON.stringify({ items: 'not a list', next_cursor: 42 }));
    await typeFilter.selectOption('RAG');
    const failure = page.getByRole('alert').filter({ hasText: 'The BFF answered something the console does not understand.' });
    await expect(failure).toBeVisible();
    await capture(seat, 'registry-paged-error');
    await failure.getByRole('button', { name: 'Try again' }).click();
    await expect(failure).toBeHidden();
    await expect(count).toHaveText('50+ matching models');
    expect(proxy.faultsServed).toBe(1);

    // A model with more versions than the table filters in memory: the BFF searches them.
    await typeFilter.selectOption('');
    await search.fill('paged-00000');
    await expect(count).toHaveText('1 matching models');
    await grid.getByRole('row', { name: /Paged model 00000/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Paged model 00000' })).toBeVisible();
    const versionsGrid = page.getByRole('grid', { name: 'Versions' });
    await expect(page.getByText('50+ of 5,050 versions')).toBeVisible();
    await expect.poll(async () => (await firstCells(versionsGrid))[0]).toBe(versionAt(MANY_VERSIONS - 1));
    await capture(seat, 'versions-paged');
    const releaseVersions = proxy.holdNext('GET', /^\/admin\/models\/paged-00000\/versions$/);
    await page.getByRole('searchbox', { name: 'Search versions' }).fill('1.7.5');
    await expect(page.getByText(/of 5,050 versions · searching…/)).toBeVisible();
    releaseVersions();
    await expect(page.getByText('11 matching, of 5,050 versions')).toBeVisible();
    expect(await firstCells(versionsGrid)).toEqual(['1.7.59', '1.7.58', '1.7.57', '1.7.56', '1.7.55', '1.7.54', '1.7.53', '1.7.52', '1.7.51', '1.7.50', '1.7.5'].slice(0, (await firstCells(versionsGrid)).length));
    await page.getByRole('searchbox', { name: 'Search versions' }).fill('no-such-version');
    await expect(page.getByText('No versions match')).toBeVisible();
  } finally {
    await proxy.close();
  }
});
