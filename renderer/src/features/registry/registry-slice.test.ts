import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../../app/store.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { deployment, summary } from '../../test-support/fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';
import { ModelListQuery, type ModelSummary } from '../../../../shared/api/models.js';
import { pagedBff } from './registry-bff-double.js';
import {
  REGISTRY_FIRST_PAGE_SIZE,
  REGISTRY_LOCAL_LIMIT,
  REGISTRY_PAGE_SIZE,
  REGISTRY_QUERY_PAGE_SIZE,
  SERVER_QUERY_DELAY_MS,
  selectRegistryView,
  serverQuery,
} from './registry-slice.js';
import type { RegistryView } from './registry-view.js';

const ids = (view: Pick<RegistryView, 'rows'>) => Array.from({ length: view.rows.length }, (_, i) => view.rows.at(i)!.model.id);

let double: ModelOpsDouble;
beforeEach(() => resetStore());
afterEach(() => double.uninstall());

const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => summary(`model-${String(from + i).padStart(4, '0')}`));

describe('registry store', () => {
  it('reads every page by cursor and ends ready with the whole list', async () => {
    double = installModelOpsDouble({
      'app:models:list': ({ cursor }) =>
        cursor === undefined ? ok({ items: page(0, REGISTRY_FIRST_PAGE_SIZE), next_cursor: 'c2' }) : ok({ items: page(REGISTRY_FIRST_PAGE_SIZE, 20), next_cursor: null }),
    });
    await useStore.getState().loadRegistry();
    const { registry } = useStore.getState();
    expect(registry).toMatchObject({ status: 'ready', complete: true, mode: 'local' });
    expect(registry.rows).toHaveLength(REGISTRY_FIRST_PAGE_SIZE + 20);
    // A small first page puts rows on screen early; the rest comes in large pages.
    expect(double.callsTo('app:models:list')).toEqual([{ limit: REGISTRY_FIRST_PAGE_SIZE }, { limit: REGISTRY_PAGE_SIZE, cursor: 'c2' }]);
    // A second load while ready does nothing; a forced one reads again.
    await useStore.getState().loadRegistry();
    expect(double.callsTo('app:models:list')).toHaveLength(2);
  });

  it('keeps the pages that arrived when a later one fails, and says so', async () => {
    double = installModelOpsDouble({
      'app:models:list': ({ cursor }) => (cursor === undefined ? ok({ items: page(0, 3), next_cursor: 'c2' }) : fail('unavailable', 'database is restarting')),
    });
    await useStore.getState().loadRegistry();
    expect(useStore.getState().registry).toMatchObject({ status: 'error', complete: false, error: { code: 'unavailable', message: 'database is restarting' } });
    expect(useStore.getState().registry.rows).toHaveLength(3);
  });

  it('filters and sorts through a memoised selector', async () => {
    double = installModelOpsDouble({ 'app:models:list': () => ok({ items: page(0, 30), next_cursor: null }) });
    await useStore.getState().loadRegistry();
    const first = selectRegistryView(useStore.getState());
    expect(selectRegistryView(useStore.getState())).toBe(first);
    useStore.getState().setRegistryFilters({ text: 'model-001' });
    expect(ids({ rows: selectRegistryView(useStore.getState()) })).toEqual(Array.from({ length: 10 }, (_, i) => `model-001${i}`));
    useStore.getState().setRegistrySort('name');
    expect(useStore.getState().registry.sort).toEqual({ key: 'name', dir: 'desc' });
    expect(selectRegistryView(useStore.getState()).at(0)!.model.id).toBe('model-0019');
  });

  it('patches a row when its deployment changes', async () => {
    double = installModelOpsDouble({ 'app:models:list': () => ok({ items: [summary('ltr-ranker')], next_cursor: null }) });
    await useStore.getState().loadRegistry();
    useStore.getState().registryDeploymentChanged(deployment({ canary_version: '2.1.0', canary_pct: 5, phase: 'canary' }));
    expect(useStore.getState().registry.rows[0]!.deployment).toEqual({ phase: 'canary', stable_version: '2.0.0', canary_version: '2.1.0', canary_pct: 5 });
  });
});

describe('registry store, above REGISTRY_LOCAL_LIMIT models (paged by the BFF)', () => {
  const big = Array.from({ length: REGISTRY_LOCAL_LIMIT + 2000 }, (_, i) =>
    summary(`model-${String(i).padStart(5, '0')}`, {}, { type: i % 2 ? 'LTR' : 'RAG' }),
  );
  const idsOf = (rows: ModelSummary[]) => rows.map((row) => row.model.id);

  it('stops reading once the registry proves larger than the limit and keeps what it read as the first pages', async () => {
    double = installModelOpsDouble({ 'app:models:list': pagedBff(big) });
    await useStore.getState().loadRegistry();
    const { registry } = useStore.getState();
    expect(registry).toMatchObject({ mode: 'server', status: 'ready', complete: false });
    const read = REGISTRY_FIRST_PAGE_SIZE + Math.ceil((REGISTRY_LOCAL_LIMIT + 1 - REGISTRY_FIRST_PAGE_SIZE) / REGISTRY_PAGE_SIZE) * REGISTRY_PAGE_SIZE;
    expect(registry.rows).toHaveLength(read);
    expect(registry.nextCursor).toBe(`o${read}`);
    // The view is the BFF's rows as they are: nothing is filtered or sorted in memory.
    expect(selectRegistryView(useStore.getState())).toBe(registry.rows);
    expect(registry.types).toEqual(['LTR', 'RAG']);

    // Scrolling near the end reads the next page of the same query.
    await useStore.getState().loadMoreRegistry();
    expect(double.callsTo('app:models:list').at(-1)).toEqual({ limit: REGISTRY_PAGE_SIZE, sort: 'name', order: 'asc', cursor: `o${read}` });
    expect(idsOf(useStore.getState().registry.rows)).toEqual(idsOf(big.slice(0, read + REGISTRY_PAGE_SIZE)));
  });

  it('offers every type of the registry in the type filter, with its count, from the BFF', async () => {
    double = installModelOpsDouble({
      'app:models:list': pagedBff(big),
      'app:models:types': () => ok({ items: [{ type: 'EMBEDDING', count: 3 }, { type: 'LTR', count: 3500 }, { type: 'RAG', count: 3500 }] }),
    });
    await useStore.getState().loadRegistry();
    await vi.waitFor(() => expect(useStore.getState().registry.types).toEqual(['EMBEDDING', 'LTR', 'RAG']));
    expect(useStore.getState().registry.typeCounts).toEqual({ EMBEDDING: 3, LTR: 3500, RAG: 3500 });
    expect(double.callsTo('app:models:types')).toHaveLength(1);
    // A refresh asks again; a failed read keeps the types known.
    double.on('app:models:types', () => fail('unavailable', 'database is restarting'));
    await useStore.getState().loadRegistry({ force: true });
    expect(double.callsTo('app:models:types')).toHaveLength(2);
    expect(useStore.getState().registry.types).toEqual(['EMBEDDING', 'LTR', 'RAG']);
  });

  it('sends a type filter and a sort to the BFF at once, and replaces the rows with its first page', async () => {
    double = installModelOpsDouble({ 'app:models:list': pagedBff(big) });
    await useStore.getState().loadRegistry();
    useStore.getState().setRegistryFilters({ type: 'RAG' });
    expect(useStore.getState().registry.status).toBe('loading');
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    expect(double.callsTo('app:models:list').at(-1)).toEqual({ limit: REGISTRY_QUERY_PAGE_SIZE, type: 'RAG', sort: 'name', order: 'asc' });
    const rows = useStore.getState().registry.rows;
    expect(rows.every((row) => row.model.type === 'RAG')).toBe(true);
    // The type filter still offers every type seen, not only the one on screen.
    expect(useStore.getState().registry.types).toEqual(['LTR', 'RAG']);

    useStore.getState().setRegistrySort('name');
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    expect(double.callsTo('app:models:list').at(-1)).toMatchObject({ sort: 'name', order: 'desc', type: 'RAG' });
    expect(useStore.getState().registry.rows[0]!.model.id).toBe(idsOf(big.filter((row) => row.model.type === 'RAG')).at(-1));
    // An order the BFF does not offer is not taken.
    useStore.getState().setRegistrySort('versions');
    expect(useStore.getState().registry.sort).toEqual({ key: 'name', dir: 'desc' });
    useStore.getState().setRegistrySort('gate');
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    expect(double.callsTo('app:models:list').at(-1)).toMatchObject({ sort: 'last_gate', order: 'asc' });
  });

  it('asks once typing pauses, and an answer to an older query never lands', async () => {
    double = installModelOpsDouble({ 'app:models:list': pagedBff(big) });
    await useStore.getState().loadRegistry();
    const before = double.callsTo('app:models:list').length;
    for (const text of ['m', 'mo', 'model-0012']) useStore.getState().setRegistryFilters({ text });
    // Busy from the first key: the rows on screen no longer answer the search box.
    expect(useStore.getState().registry.status).toBe('loading');
    await new Promise((resolve) => setTimeout(resolve, SERVER_QUERY_DELAY_MS + 50));
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    expect(double.callsTo('app:models:list').slice(before)).toEqual([{ limit: REGISTRY_QUERY_PAGE_SIZE, q: 'model-0012', sort: 'name', order: 'asc' }]);
    expect(idsOf(useStore.getState().registry.rows)).toEqual(Array.from({ length: 10 }, (_, i) => `model-0012${i}`));

    // A slow answer to "model-001" arrives after the answer to "model-0013": it is dropped.
    let release!: () => void;
    const answer = pagedBff(big);
    double.on('app:models:list', async (query) => {
      if (query.q === 'model-001') await new Promise<void>((resolve) => (release = resolve));
      return answer(query);
    });
    useStore.getState().setRegistryFilters({ type: 'LTR', text: 'model-001' });
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    useStore.getState().setRegistryFilters({ type: 'RAG', text: 'model-0013' });
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(idsOf(useStore.getState().registry.rows)).toEqual(['model-00130', 'model-00132', 'model-00134', 'model-00136', 'model-00138']);
  });

  it('keeps the objects of rows an answer repeats in place, so the table does not render them again', async () => {
    double = installModelOpsDouble({ 'app:models:list': pagedBff(big) });
    await useStore.getState().loadRegistry();
    useStore.getState().setRegistryFilters({ text: 'model-01' });
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    const before = useStore.getState().registry.rows;
    // "model-01" and "model-010" both start with model-01000 to model-01009.
    useStore.getState().setRegistryFilters({ text: 'model-010' });
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    const after = useStore.getState().registry.rows;
    expect(idsOf(after).slice(0, 10)).toEqual(idsOf(before).slice(0, 10));
    for (let i = 0; i < 10; i++) expect(after[i]).toBe(before[i]);
    // A row whose content changed is the new object.
    const changed = big.map((row) => (row.model.id === 'model-01001' ? { ...row, version_count: 99 } : row));
    double.on('app:models:list', pagedBff(changed));
    useStore.getState().setRegistryFilters({ text: 'model-0100' });
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('ready'));
    const third = useStore.getState().registry.rows;
    expect(third[0]).toBe(before[0]);
    expect(third[1]).not.toBe(before[1]);
    expect(third[1]!.version_count).toBe(99);
  });

  it('keeps the rows on screen and says so when a page fails; a retry asks again', async () => {
    double = installModelOpsDouble({ 'app:models:list': pagedBff(big) });
    await useStore.getState().loadRegistry();
    const shown = useStore.getState().registry.rows.length;
    double.on('app:models:list', () => fail('unavailable', 'database is restarting'));
    await useStore.getState().loadMoreRegistry();
    expect(useStore.getState().registry).toMatchObject({ status: 'error', error: { code: 'unavailable' } });
    expect(useStore.getState().registry.rows).toHaveLength(shown);
    double.on('app:models:list', pagedBff(big));
    await useStore.getState().loadRegistry({ force: true });
    expect(useStore.getState().registry).toMatchObject({ mode: 'server', status: 'ready' });
    expect(useStore.getState().registry.rows).toHaveLength(REGISTRY_QUERY_PAGE_SIZE);

    // A failed search leaves no rows of the previous one under the new filters: the error shows instead.
    double.on('app:models:list', () => fail('unavailable', 'database is restarting'));
    useStore.getState().setRegistryFilters({ type: 'LTR' });
    await vi.waitFor(() => expect(useStore.getState().registry.status).toBe('error'));
    expect(useStore.getState().registry.rows).toEqual([]);
  });
});

describe('the list query of a search', () => {
  it('names only what is set, maps the sort to the BFF\'s keys, and is valid for any text typed', () => {
    expect(serverQuery({ text: '  ltr ', type: '', status: '' }, { key: 'gate', dir: 'desc' }, 50)).toEqual({ limit: 50, q: 'ltr', sort: 'last_gate', order: 'desc' });
    expect(serverQuery({ text: '', type: 'RAG', status: 'deprecated' }, { key: 'name', dir: 'asc' }, 500, 'abc')).toEqual({
      limit: 500,
      type: 'RAG',
      status: 'deprecated',
      sort: 'name',
      order: 'asc',
      cursor: 'abc',
    });
    expect(ModelListQuery.safeParse(serverQuery({ text: 'x'.repeat(300), type: '', status: '' }, { key: 'name', dir: 'asc' }, 50)).success).toBe(true);
  });
});
