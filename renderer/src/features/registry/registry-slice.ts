// The registry list. A registry of up to REGISTRY_LOCAL_LIMIT models is read
// whole, page by page in the background, and filtered and sorted in memory (see
// registry-view.ts). A larger one is paged by the BFF: search, filters and sort
// go to the server, and pages are read as the list is scrolled (README, "Large registries").
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { ModelListQuery, ModelSortKey, ModelSummary } from '../../../../shared/api/models.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import { keepUnchanged } from '../../lib/same-json.js';
import {
  buildRegistryIndex,
  filterRegistry,
  prepareOrders,
  type RegistryFilters,
  type RegistryIndex,
  type RegistrySort,
  type RegistryView,
  type RegistrySortKey,
} from './registry-view.js';

/** The BFF's largest page: fewer round trips while a registry is read whole. */
export const REGISTRY_PAGE_SIZE = 500;
/** The first page is small, as it is what puts the first rows on screen, and still fills a tall window. */
export const REGISTRY_FIRST_PAGE_SIZE = 100;
/**
 * Up to this many models the registry is read whole and filtered in memory (instant, works
 * offline from what is loaded); beyond it the BFF searches, filters, sorts and pages.
 */
export const REGISTRY_LOCAL_LIMIT = 5000;
/** While later pages stream in, the list is re-indexed at most this often. */
const COMMIT_INTERVAL_MS = 400;
/**
 * Server mode: the first page of each search. Small, because every row of it is copied across
 * the IPC boundary while the user waits, and still more than a tall window shows.
 */
export const REGISTRY_QUERY_PAGE_SIZE = 50;
/** Typing in server mode: one query once the keys pause, not one per key. */
export const SERVER_QUERY_DELAY_MS = 120;

/** The longest search text the list query takes (ModelListQuery.q). */
const SEARCH_TEXT_MAX = 200;

/** The sort keys the BFF orders by, with the name it knows each by. */
export const SERVER_SORT_KEYS: Partial<Record<RegistrySortKey, ModelSortKey>> = { name: 'name', type: 'type', gate: 'last_gate' };

export type RegistryMode = 'local' | 'server';

export type RegistrySlice = {
  registry: {
    /** local: every model read so far; server: the rows of the current query read so far, in the BFF's order. */
    rows: ModelSummary[];
    /** local mode only (empty in server mode). */
    index: RegistryIndex;
    mode: RegistryMode;
    /** loading: a read (local) or the first page of a query (server) is under way. */
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    /** local: all pages are in (filtering covers the whole registry); server: the query's last page is in. */
    complete: boolean;
    /** server: where the query's next page starts. */
    nextCursor: string | null;
    /** server: the next page is being read. */
    loadingMore: boolean;
    filters: RegistryFilters;
    sort: RegistrySort;
    activeId: string | null;
    /**
     * The types the type filter offers: local, those present; server, the BFF's list of every
     * type (GET /admin/model-types) and any type seen in a page since.
     */
    types: string[];
    /** Server mode: models per type, as the BFF counted them when the list was read (empty until then, and in local mode). */
    typeCounts: Record<string, number>;
    generation: number;
  };
  loadRegistry: (options?: { force?: boolean }) => Promise<void>;
  /** Server mode: reads the next page of the current query (the list was scrolled near its end). */
  loadMoreRegistry: () => Promise<void>;
  setRegistryFilters: (patch: Partial<RegistryFilters>) => void;
  setRegistrySort: (key: RegistrySortKey) => void;
  setRegistryActive: (modelId: string | null) => void;
  /** A deployment changed (live event or our own action): patch its row without a reload. */
  registryDeploymentChanged: (deployment: Deployment) => void;
  /** Re-reads one model's row (a version was registered, a run reported). */
  refreshRegistryRow: (modelId: string) => Promise<void>;
};

export const initialRegistryState = (): RegistrySlice['registry'] => ({
  rows: [],
  index: buildRegistryIndex([]),
  mode: 'local',
  status: 'idle',
  error: null,
  complete: false,
  nextCursor: null,
  loadingMore: false,
  filters: { text: '', type: '', status: '' },
  sort: { key: 'name', dir: 'asc' },
  activeId: null,
  types: [],
  typeCounts: {},
  generation: 0,
});

/** The list query that asks the BFF for `filters` in `sort` order. */
export function serverQuery(filters: RegistryFilters, sort: RegistrySort, limit: number, cursor?: string | null): ModelListQuery {
  // The query refuses longer text: what is sent is its start (the results then hold a superset).
  const text = filters.text.trim().slice(0, SEARCH_TEXT_MAX);
  return {
    limit,
    ...(text ? { q: text } : {}),
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    sort: SERVER_SORT_KEYS[sort.key] ?? 'name',
    order: sort.dir,
    ...(cursor ? { cursor } : {}),
  };
}

const EMPTY_INDEX = buildRegistryIndex([]);
const rowId = (row: ModelSummary) => row.model.id;

export const createRegistrySlice: StateCreator<All, [], [], RegistrySlice> = (set, get) => {
  const patch = slicePatch(set, 'registry');
  const setRows = (rows: ModelSummary[], changes: Partial<RegistrySlice['registry']> = {}) => {
    if ((changes.mode ?? get().registry.mode) === 'local') {
      const index = buildRegistryIndex(rows);
      patch({ rows, index, types: index.types, ...changes });
      return;
    }
    const seen = new Set(get().registry.types);
    const known = seen.size;
    for (const row of rows) seen.add(row.model.type);
    patch({ rows, index: EMPTY_INDEX, ...(seen.size > known ? { types: [...seen].sort() } : {}), ...changes });
  };
  let queryTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Server mode: the type filter's choices are every type of the registry, not only those in the
   * pages read so far. If the read fails the filter keeps the types seen, and a refresh asks again.
   */
  const loadTypes = async () => {
    const answer = await call((api) => api.models.types({}));
    if (!answer.ok || get().registry.mode !== 'server') return;
    const typeCounts: Record<string, number> = {};
    for (const { type, count } of answer.value.items) typeCounts[type] = count;
    const types = new Set([...get().registry.types, ...Object.keys(typeCounts)]);
    patch({ types: [...types].sort(), typeCounts });
  };
  let cancelOrders = () => {};

  /**
   * Server mode: reads the first page of the current filters and sort; the rows on screen stay
   * until it is in. `typedGeneration`: the query a keystroke already marked as loading (its
   * timer ran out), which needs no second store update before the request.
   */
  const runServerQuery = async (typedGeneration?: number) => {
    clearTimeout(queryTimer);
    // A search timed before a sign-out reset the slice is not run.
    if (get().registry.mode !== 'server') return;
    let generation = get().registry.generation;
    if (typedGeneration === undefined || typedGeneration !== generation || get().registry.status !== 'loading') {
      generation += 1;
      patch({ status: 'loading', error: null, generation, loadingMore: false });
    }
    const { filters, sort } = get().registry;
    const page = await call((api) => api.models.list(serverQuery(filters, sort, REGISTRY_QUERY_PAGE_SIZE)));
    if (get().registry.generation !== generation) return;
    if (!page.ok) {
      // The rows on screen answer the previous search, not this one: the error takes their place.
      setRows([], { status: 'error', error: page.error, complete: false, nextCursor: null });
      return;
    }
    const nextCursor = page.value.next_cursor;
    // A row the previous answer held unchanged keeps its object: the table does not render it again
    // (typing a longer word often leaves the top of the list as it was).
    setRows(keepUnchanged(get().registry.rows, page.value.items, rowId), { status: 'ready', error: null, complete: nextCursor === null, nextCursor });
  };

  /** A filter or the order changed: in server mode, ask again (typing waits for a pause). */
  const queryChanged = (typing: boolean) => {
    if (get().registry.mode !== 'server') return;
    clearTimeout(queryTimer);
    if (!typing) {
      void runServerQuery();
      return;
    }
    // Busy from the key on: what is on screen no longer answers the search box.
    const generation = get().registry.generation + 1;
    patch({ status: 'loading', error: null, generation, loadingMore: false });
    queryTimer = setTimeout(() => void runServerQuery(generation), SERVER_QUERY_DELAY_MS);
  };

  return {
    registry: initialRegistryState(),

    loadRegistry: async (options) => {
      const current = get().registry;
      if (!options?.force && (current.status === 'loading' || current.status === 'ready')) return;
      // A registry found large stays paged by the BFF (until sign-out resets the slice).
      if (current.mode === 'server') {
        void loadTypes();
        return runServerQuery();
      }
      clearTimeout(queryTimer);
      const generation = current.generation + 1;
      patch({ status: 'loading', error: null, generation, loadingMore: false });
      const stillCurrent = () => get().registry.generation === generation;

      // Read in the default order (name, ascending) until the registry proves larger than
      // REGISTRY_LOCAL_LIMIT: then what was read is the first pages of the server's own list.
      const rows: ModelSummary[] = [];
      let cursor: string | undefined;
      let lastCommit = 0;
      for (;;) {
        const limit = rows.length === 0 ? REGISTRY_FIRST_PAGE_SIZE : REGISTRY_PAGE_SIZE;
        const page = await call((api) => api.models.list({ limit, ...(cursor ? { cursor } : {}) }));
        if (!stillCurrent()) return;
        if (!page.ok) {
          // Keep what arrived: a partial list is still useful, and the banner says it is partial.
          if (rows.length > 0) setRows([...rows], { mode: 'local' });
          patch({ status: 'error', error: page.error, complete: false });
          return;
        }
        for (const item of page.value.items) rows.push(item);
        cursor = page.value.next_cursor ?? undefined;
        if (cursor !== undefined && rows.length > REGISTRY_LOCAL_LIMIT) {
          const { filters, sort } = get().registry;
          const defaultQuery = filters.text.trim() === '' && filters.type === '' && filters.status === '' && sort.key === 'name' && sort.dir === 'asc';
          // A sort the BFF does not offer falls back to its default, the name.
          const serverSort = SERVER_SORT_KEYS[sort.key] ? sort : ({ key: 'name', dir: 'asc' } as const);
          setRows(rows, { mode: 'server', status: 'ready', complete: false, nextCursor: cursor, sort: serverSort });
          void loadTypes();
          if (!defaultQuery) void runServerQuery();
          return;
        }
        const done = cursor === undefined;
        const now = performance.now();
        if (done || lastCommit === 0 || now - lastCommit >= COMMIT_INTERVAL_MS) {
          setRows([...rows], { mode: 'local', status: done ? 'ready' : 'loading', complete: done, nextCursor: null });
          lastCommit = now;
        }
        if (done) {
          cancelOrders();
          cancelOrders = prepareOrders(get().registry.index);
        }
        if (done) return;
      }
    },

    loadMoreRegistry: async () => {
      const { mode, nextCursor, loadingMore, status, filters, sort, generation } = get().registry;
      if (mode !== 'server' || nextCursor === null || loadingMore || status !== 'ready') return;
      patch({ loadingMore: true });
      const page = await call((api) => api.models.list(serverQuery(filters, sort, REGISTRY_PAGE_SIZE, nextCursor)));
      if (get().registry.generation !== generation) return;
      if (!page.ok) {
        patch({ loadingMore: false, status: 'error', error: page.error });
        return;
      }
      const next = page.value.next_cursor;
      setRows([...get().registry.rows, ...page.value.items], { loadingMore: false, complete: next === null, nextCursor: next });
    },

    setRegistryFilters: (changes) => {
      const before = get().registry.filters;
      const filters = { ...before, ...changes };
      patch({ filters });
      if (filters.type !== before.type || filters.status !== before.status) queryChanged(false);
      else if (filters.text.trim() !== before.text.trim()) queryChanged(true);
    },

    setRegistrySort: (key) => {
      const { sort, mode } = get().registry;
      if (mode === 'server' && !SERVER_SORT_KEYS[key]) return;
      patch({ sort: sort.key === key ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' } });
      queryChanged(false);
    },

    setRegistryActive: (modelId) => patch({ activeId: modelId }),

    registryDeploymentChanged: (deployment) => {
      const { rows } = get().registry;
      const at = rows.findIndex((row) => row.model.id === deployment.model_id);
      if (at < 0) return;
      const row = rows[at]!;
      const next = rows.slice();
      next[at] = {
        ...row,
        deployment: {
          phase: deployment.phase,
          stable_version: deployment.stable_version,
          canary_version: deployment.canary_version,
          canary_pct: deployment.canary_pct,
        },
      };
      setRows(next);
    },

    refreshRegistryRow: async (modelId) => {
      if (get().registry.rows.length === 0) return;
      const result = await call((api) => api.models.list({ q: modelId, limit: 50 }));
      if (!result.ok) return;
      const fresh = result.value.items.find((item) => item.model.id === modelId);
      if (!fresh) return;
      const { rows, mode } = get().registry;
      const at = rows.findIndex((row) => row.model.id === modelId);
      // In server mode a model not on screen belongs to a page not read yet: the BFF places it.
      if (at < 0 && mode === 'server') return;
      const next = rows.slice();
      if (at < 0) next.push(fresh);
      else next[at] = fresh;
      setRows(next);
    },
  };
};

// ---------------------------------------------------------------------------
// Selectors

let memo: { index: RegistryIndex; view: RegistryView } | null = null;

/** The visible rows; the same object while nothing it depends on changed (stable for useStore). */
export function selectRegistryView(state: All): RegistryView['rows'] {
  const { index, filters, sort, mode, rows } = state.registry;
  // The BFF already filtered and ordered them.
  if (mode === 'server') return rows;
  const last = memo?.index === index ? memo.view : undefined;
  if (
    last &&
    last.filters.text === filters.text &&
    last.filters.type === filters.type &&
    last.filters.status === filters.status &&
    last.sort.key === sort.key &&
    last.sort.dir === sort.dir
  ) {
    return last.rows;
  }
  const view = filterRegistry(index, filters, sort, last);
  memo = { index, view };
  return view.rows;
}
