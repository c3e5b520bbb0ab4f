// Filtering and sorting the registry in memory. Built for 100,000 rows: search
// text and sort orders are computed once per load, so a keystroke is one pass
// over precomputed strings and never a sort.
import type { ModelSummary } from '../../../../shared/api/models.js';
import type { VersionStatus } from '../../../../shared/domain/model.js';
import { modelSearchText, searchWordsOf } from '../../../../shared/logic/model-search.js';

export type RegistryFilters = { text: string; type: string; status: VersionStatus | '' };
export type RegistrySortKey = 'name' | 'type' | 'active' | 'phase' | 'versions' | 'gate';
export type RegistrySort = { key: RegistrySortKey; dir: 'asc' | 'desc' };

const STATUS_BIT: Record<VersionStatus, number> = { active: 1, candidate: 2, deprecated: 4 };
const PHASE_RANK: Record<string, number> = { canary: 0, rolling: 1, rolled_back: 2, complete: 3, idle: 4 };

export type RegistryIndex = {
  rows: readonly ModelSummary[];
  /** Lower-case text every search token must be found in (the BFF's search reads the same: shared/logic/model-search.ts). */
  haystacks: string[];
  /** Which version statuses each model has (bits of STATUS_BIT). */
  statusBits: Uint8Array;
  /** Position of each row's type in `types`: comparing numbers beats reading 100,000 objects. */
  typeCodes: Uint16Array;
  types: string[];
  orders: Map<RegistrySortKey, Uint32Array>;
};

export function buildRegistryIndex(rows: readonly ModelSummary[]): RegistryIndex {
  const haystacks = new Array<string>(rows.length);
  const statusBits = new Uint8Array(rows.length);
  const typeCodes = new Uint16Array(rows.length);
  const typeSet = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const { model } = row;
    haystacks[i] = modelSearchText({
      ...model,
      activeVersion: row.active_version,
      candidateVersions: row.candidate_versions,
    });
    const active = row.active_version !== null ? 1 : 0;
    const deprecated = row.version_count > active + row.candidate_versions.length;
    statusBits[i] = (active ? STATUS_BIT.active : 0) | (row.candidate_versions.length > 0 ? STATUS_BIT.candidate : 0) | (deprecated ? STATUS_BIT.deprecated : 0);
    typeSet.add(model.type);
  }
  const types = [...typeSet].sort();
  const codeOf = new Map(types.map((type, code) => [type, code]));
  for (let i = 0; i < rows.length; i++) typeCodes[i] = codeOf.get(rows[i]!.model.type)!;
  return { rows, haystacks, statusBits, typeCodes, types, orders: new Map() };
}

function gateRank(row: ModelSummary): number {
  if (row.last_gate === null) return 2;
  return row.last_gate.passed ? 1 : 0;
}

/** Ascending order of row indexes for `key`; ties fall back to the model id so the order is stable. */
function sortedOrder(index: RegistryIndex, key: RegistrySortKey): Uint32Array {
  const cached = index.orders.get(key);
  if (cached) return cached;
  const { rows } = index;
  // Sort keys precomputed once: comparing plain strings and numbers is much cheaper than re-reading rows.
  const ids = rows.map((row) => row.model.id);
  let primary: Array<string | number>;
  switch (key) {
    case 'name':
      primary = rows.map((row) => row.model.name.toLowerCase());
      break;
    case 'type':
      primary = rows.map((row) => row.model.type);
      break;
    case 'active':
      primary = rows.map((row) => row.active_version ?? '\uffff');
      break;
    case 'phase':
      primary = rows.map((row) => PHASE_RANK[row.deployment.phase] ?? 9);
      break;
    case 'versions':
      primary = rows.map((row) => row.version_count);
      break;
    case 'gate':
      primary = rows.map(gateRank);
      break;
  }
  const order = Uint32Array.from(rows.keys());
  order.sort((a, b) => {
    const x = primary[a]!;
    const y = primary[b]!;
    if (x !== y) return x < y ? -1 : 1;
    const p = ids[a]!;
    const q = ids[b]!;
    return p < q ? -1 : p > q ? 1 : 0;
  });
  index.orders.set(key, order);
  return order;
}

const SORT_KEYS: RegistrySortKey[] = ['name', 'type', 'active', 'phase', 'versions', 'gate'];

/**
 * Builds the orders not built yet, one per idle moment, so that the first sort by a new key
 * finds its order ready instead of sorting during the click. Returns a cancel function.
 */
export function prepareOrders(index: RegistryIndex): () => void {
  const idle: (run: () => void) => unknown = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 50));
  let cancelled = false;
  const next = () => {
    if (cancelled) return;
    const key = SORT_KEYS.find((candidate) => !index.orders.has(candidate));
    if (key === undefined) return;
    sortedOrder(index, key);
    idle(next);
  };
  idle(next);
  return () => {
    cancelled = true;
  };
}

/** A filtered view: row indexes in display order, read like an array without copying the rows. */
export type RegistryView = {
  filters: RegistryFilters;
  sort: RegistrySort;
  indexes: Uint32Array;
  rows: { readonly length: number; at(position: number): ModelSummary | undefined };
};

/**
 * Whether `next` can only match a subset of what `previous` matched, so that it
 * may filter the previous result instead of the whole registry: the same
 * type, status and order, and text that only grew at its end (typing).
 */
function narrows(previous: RegistryView, filters: RegistryFilters, sort: RegistrySort): boolean {
  const before = previous.filters.text.toLowerCase();
  return (
    previous.sort.key === sort.key &&
    previous.sort.dir === sort.dir &&
    previous.filters.type === filters.type &&
    previous.filters.status === filters.status &&
    before.trim() !== '' &&
    filters.text.toLowerCase().startsWith(before)
  );
}

/** The rows to show, in order; `previous` (the last view of the same index) lets typing narrow instead of rescanning. */
export function filterRegistry(index: RegistryIndex, filters: RegistryFilters, sort: RegistrySort, previous?: RegistryView): RegistryView {
  const tokens = searchWordsOf(filters.text);
  const statusBit = filters.status === '' ? 0 : STATUS_BIT[filters.status];
  // A type the index does not know matches nothing.
  const typeCode = filters.type === '' ? -1 : index.types.indexOf(filters.type);
  if (filters.type !== '' && typeCode < 0) return viewOf(index, filters, sort, new Uint32Array(0));
  const { haystacks, statusBits, typeCodes } = index;
  let candidates: Uint32Array;
  let reverse = false;
  if (previous && narrows(previous, filters, sort)) {
    candidates = previous.indexes;
  } else {
    candidates = sortedOrder(index, sort.key);
    reverse = sort.dir === 'desc';
  }
  const kept = new Uint32Array(candidates.length);
  let count = 0;
  const n = candidates.length;
  for (let k = 0; k < n; k++) {
    const i = candidates[reverse ? n - 1 - k : k]!;
    if (statusBit !== 0 && (statusBits[i]! & statusBit) === 0) continue;
    if (typeCode >= 0 && typeCodes[i] !== typeCode) continue;
    if (tokens.length > 0) {
      const haystack = haystacks[i]!;
      let all = true;
      for (const token of tokens) {
        if (!haystack.includes(token)) {
          all = false;
          break;
        }
      }
      if (!all) continue;
    }
    kept[count++] = i;
  }
  return viewOf(index, filters, sort, kept.slice(0, count));
}

function viewOf(index: RegistryIndex, filters: RegistryFilters, sort: RegistrySort, indexes: Uint32Array): RegistryView {
  const { rows } = index;
  return {
    filters,
    sort,
    indexes,
    rows: {
      length: indexes.length,
      at: (position) => {
        const i = indexes[position < 0 ? indexes.length + position : position];
        return i === undefined ? undefined : rows[i];
      },
    },
  };
}
