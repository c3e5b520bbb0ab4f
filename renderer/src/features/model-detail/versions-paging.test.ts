// The versions table of a model with more than VERSIONS_LOCAL_LIMIT versions: its search, status
// filter and pages come from the BFF (app:models:versions); below the limit nothing is asked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelVersion } from '../../../../shared/domain/model.js';
import type { InvokeRequest } from '../../../../shared/ipc/contract.js';
import { useStore } from '../../app/store.js';
import { deployment, model, version } from '../../test-support/fixtures.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { resetStore } from '../../test-support/store-reset.js';
import { selectVisibleVersions, VERSIONS_LOCAL_LIMIT, VERSIONS_PAGE_SIZE, VERSIONS_QUERY_DELAY_MS, VERSIONS_QUERY_PAGE_SIZE } from './model-detail-slice.js';

let double: ModelOpsDouble;
beforeEach(() => resetStore());
afterEach(() => double.uninstall());

const many = (count: number) =>
  Array.from({ length: count }, (_, i) => version(`1.${Math.floor(i / 100)}.${i % 100}`, { status: i % 10 === 0 ? 'deprecated' : 'candidate' }));
/** The BFF's page of `all` (already newest first): q a substring of the version, status, cursor = offset. */
const pagedVersions = (all: ModelVersion[]) => (query: InvokeRequest<'app:models:versions'>) => {
  const matching = all.filter((v) => (!query.q || v.version.includes(query.q)) && (!query.status || v.status === query.status));
  const start = query.cursor ? Number(query.cursor.slice(1)) : 0;
  const end = start + Number(query.limit ?? 50);
  return ok({ items: matching.slice(start, end), next_cursor: end < matching.length ? `o${end}` : null });
};
const shown = () => {
  const view = selectVisibleVersions(useStore.getState());
  return Array.from({ length: view.length }, (_, i) => view.at(i)!.version);
};

describe('versions of a model with many versions', () => {
  const all = many(VERSIONS_LOCAL_LIMIT + 1).reverse();

  it('reads the first page from the BFF, searches there once typing pauses, and reads on when scrolled', async () => {
    double = installModelOpsDouble({
      'app:models:get': () => ok({ model: model(), versions: all, deployment: deployment() }),
      'app:models:versions': pagedVersions(all),
    });
    await useStore.getState().loadModel('ltr-ranker');
    await vi.waitFor(() => expect(useStore.getState().modelDetail.versionPages.status).toBe('ready'));
    expect(useStore.getState().modelDetail.versionsMode).toBe('server');
    expect(double.callsTo('app:models:versions')).toEqual([{ model_id: 'ltr-ranker', limit: VERSIONS_QUERY_PAGE_SIZE }]);
    expect(shown()).toEqual(all.slice(0, VERSIONS_QUERY_PAGE_SIZE).map((v) => v.version));

    for (const text of ['1', '1.4', '1.4.']) useStore.getState().setVersionFilters({ text });
    expect(useStore.getState().modelDetail.versionPages.status).toBe('loading');
    await new Promise((resolve) => setTimeout(resolve, VERSIONS_QUERY_DELAY_MS + 30));
    await vi.waitFor(() => expect(useStore.getState().modelDetail.versionPages.status).toBe('ready'));
    expect(double.callsTo('app:models:versions').slice(1)).toEqual([{ model_id: 'ltr-ranker', limit: VERSIONS_QUERY_PAGE_SIZE, q: '1.4.' }]);
    expect(shown().every((v) => v.includes('1.4.'))).toBe(true);

    useStore.getState().setVersionFilters({ text: '', status: 'deprecated' });
    await vi.waitFor(() => expect(useStore.getState().modelDetail.versionPages.status).toBe('ready'));
    expect(double.callsTo('app:models:versions').at(-1)).toEqual({ model_id: 'ltr-ranker', limit: VERSIONS_QUERY_PAGE_SIZE, status: 'deprecated' });
    await useStore.getState().loadVersionPage({ more: true });
    expect(double.callsTo('app:models:versions').at(-1)).toEqual({ model_id: 'ltr-ranker', limit: VERSIONS_PAGE_SIZE, status: 'deprecated', cursor: `o${VERSIONS_QUERY_PAGE_SIZE}` });
    expect(shown()).toEqual(all.filter((v) => v.status === 'deprecated').slice(0, VERSIONS_QUERY_PAGE_SIZE + VERSIONS_PAGE_SIZE).map((v) => v.version));
  });

  it('shows a failed search as an error, and a retry asks again', async () => {
    double = installModelOpsDouble({
      'app:models:get': () => ok({ model: model(), versions: all, deployment: deployment() }),
      'app:models:versions': () => fail('unavailable', 'database is restarting'),
    });
    await useStore.getState().loadModel('ltr-ranker');
    await vi.waitFor(() => expect(useStore.getState().modelDetail.versionPages.status).toBe('error'));
    expect(useStore.getState().modelDetail.versionPages).toMatchObject({ rows: [], error: { code: 'unavailable' } });
    double.on('app:models:versions', pagedVersions(all));
    await useStore.getState().loadVersionPage();
    expect(useStore.getState().modelDetail.versionPages.status).toBe('ready');
    expect(shown()).toHaveLength(VERSIONS_QUERY_PAGE_SIZE);
  });

  it('filters a model with few versions in memory, asking the BFF nothing', async () => {
    const few = many(30).reverse();
    double = installModelOpsDouble({ 'app:models:get': () => ok({ model: model(), versions: few, deployment: deployment() }) });
    await useStore.getState().loadModel('ltr-ranker');
    useStore.getState().setVersionFilters({ text: '1.0.2' });
    expect(useStore.getState().modelDetail.versionsMode).toBe('local');
    expect(shown()).toEqual(['1.0.29', '1.0.28', '1.0.27', '1.0.26', '1.0.25', '1.0.24', '1.0.23', '1.0.22', '1.0.21', '1.0.20', '1.0.2']);
    expect(double.callsTo('app:models:versions')).toEqual([]);
  });
});
