// Filtering a model's versions in memory; like the registry, sized for
// 100,000 rows: newest-first order and search text are computed once.
import type { ModelVersion, VersionStatus } from '../../../../shared/domain/model.js';
import { compareSemver } from '../../lib/semver.js';

export type VersionFilters = { text: string; status: VersionStatus | '' };

export type VersionsIndex = { ordered: ModelVersion[]; haystacks: string[] };

export function buildVersionsIndex(versions: readonly ModelVersion[]): VersionsIndex {
  const ordered = [...versions].sort((a, b) => compareSemver(b.version, a.version));
  const haystacks = ordered.map((v) =>
    [v.version, v.status, v.artifact_uri, v.framework, v.export_format, v.runtime.device, v.created_by].join(' ').toLowerCase(),
  );
  return { ordered, haystacks };
}

/** A filtered view: positions in `ordered` (null = all of them), read like an array without copying. */
export type VersionsView = {
  filters: VersionFilters;
  positions: Uint32Array | null;
  versions: { readonly length: number; at(position: number): ModelVersion | undefined };
};

/** `previous` (the last view of the same index) lets typing narrow its result instead of rescanning everything. */
export function filterVersions(index: VersionsIndex, filters: VersionFilters, previous?: VersionsView): VersionsView {
  const tokens = filters.text.toLowerCase().split(/\s+/).filter((token) => token !== '');
  if (tokens.length === 0 && filters.status === '') return { filters, positions: null, versions: index.ordered };
  const { ordered, haystacks } = index;
  const before = previous?.filters.text.toLowerCase() ?? '';
  const narrowing =
    previous?.positions != null && previous.filters.status === filters.status && before.trim() !== '' && filters.text.toLowerCase().startsWith(before);
  const candidates = narrowing ? previous!.positions! : null;
  const n = candidates ? candidates.length : ordered.length;
  const kept = new Uint32Array(n);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const i = candidates ? candidates[k]! : k;
    if (filters.status !== '' && ordered[i]!.status !== filters.status) continue;
    const haystack = haystacks[i]!;
    let all = true;
    for (const token of tokens) {
      if (!haystack.includes(token)) {
        all = false;
        break;
      }
    }
    if (all) kept[count++] = i;
  }
  const positions = kept.slice(0, count);
  const versions = {
    length: count,
    at: (position: number) => {
      const i = positions[position < 0 ? count + position : position];
      return i === undefined ? undefined : ordered[i];
    },
  };
  return { filters, positions, versions };
}
