// The registry list: every model summary, fetched page by page in the
// background, then filtered and sorted in memory (see registry-view.ts).
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { ModelSummary } from '../../../../shared/api/models.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import {
  buildRegistryIndex,
  filterRegistry,
  type RegistryFilters,
  type RegistryIndex,
  type RegistrySort,
  type RegistryView,
  type RegistrySortKey,
} from './registry-view.js';

/** The BFF's largest page: fewer round trips for big registries. */
export const REGISTRY_PAGE_SIZE = 500;
/** While later pages stream in, the list is re-indexed at most this often. */
const COMMIT_INTERVAL_MS = 400;

export type RegistrySlice = {
  registry: {
    rows: ModelSummary[];
    index: RegistryIndex;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    /** All pages are in (filtering covers the whole registry). */
    complete: boolean;
    filters: RegistryFilters;
    sort: RegistrySort;
    activeId: string | null;
    generation: number;
  };
  loadRegistry: (options?: { force?: boolean }) => Promise<void>;
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
  status: 'idle',
  error: null,
  complete: false,
  filters: { text: '', type: '', status: '' },
  sort: { key: 'name', dir: 'asc' },
  activeId: null,
  generation: 0,
});

export const createRegistrySlice: StateCreator<All, [], [], RegistrySlice> = (set, get) => {
  const patch = slicePatch(set, 'registry');
  const setRows = (rows: ModelSummary[], changes: Partial<RegistrySlice['registry']> = {}) =>
    patch({ rows, index: buildRegistryIndex(rows), ...changes });

  return {
    registry: initialRegistryState(),

    loadRegistry: async (options) => {
      const current = get().registry;
      if (!options?.force && (current.status === 'loading' || current.status === 'ready')) return;
      const generation = current.generation + 1;
      patch({ status: 'loading', error: null, generation });
      const stillCurrent = () => get().registry.generation === generation;

      const rows: ModelSummary[] = [];
      let cursor: string | undefined;
      let lastCommit = 0;
      let first = true;
      for (;;) {
        const page = await call((api) => api.models.list({ limit: REGISTRY_PAGE_SIZE, ...(cursor ? { cursor } : {}) }));
        if (!stillCurrent()) return;
        if (!page.ok) {
          // Keep what arrived: a partial list is still useful, and the banner says it is partial.
          if (rows.length > 0) setRows([...rows]);
          patch({ status: 'error', error: page.error, complete: false });
          return;
        }
        for (const item of page.value.items) rows.push(item);
        cursor = page.value.next_cursor ?? undefined;
        const done = cursor === undefined;
        const now = performance.now();
        if (done || first || now - lastCommit >= COMMIT_INTERVAL_MS) {
          setRows([...rows], { status: done ? 'ready' : 'loading', complete: done });
          lastCommit = now;
          first = false;
        }
        if (done) return;
      }
    },

    setRegistryFilters: (changes) => patch({ filters: { ...get().registry.filters, ...changes } }),

    setRegistrySort: (key) => {
      const { sort } = get().registry;
      patch({ sort: sort.key === key ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' } });
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
      const rows = get().registry.rows;
      const at = rows.findIndex((row) => row.model.id === modelId);
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
  const { index, filters, sort } = state.registry;
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
