import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../app/store.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { deployment, summary } from '../../test-support/fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';
import { REGISTRY_PAGE_SIZE, selectRegistryView } from './registry-slice.js';
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
        cursor === undefined ? ok({ items: page(0, REGISTRY_PAGE_SIZE), next_cursor: 'c2' }) : ok({ items: page(REGISTRY_PAGE_SIZE, 20), next_cursor: null }),
    });
    await useStore.getState().loadRegistry();
    const { registry } = useStore.getState();
    expect(registry).toMatchObject({ status: 'ready', complete: true });
    expect(registry.rows).toHaveLength(REGISTRY_PAGE_SIZE + 20);
    expect(double.callsTo('app:models:list')).toEqual([{ limit: REGISTRY_PAGE_SIZE }, { limit: REGISTRY_PAGE_SIZE, cursor: 'c2' }]);
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
