// Filtering a model's versions in memory; like the registry, sized for
// 100,000 rows: newest-first order and search text are computed once, and a
// search walks one string from match to match instead of testing every row.
import type { ModelVersion, VersionStatus } from '../../../../shared/domain/model.js';
import { searchWordsOf, versionSearchText } from '../../../../shared/logic/model-search.js';
import { compareSemver } from '../../lib/semver.js';

export type VersionFilters = { text: string; status: VersionStatus | '' };

export type VersionsIndex = {
  ordered: ModelVersion[];
  /** Lower-case text every search token must be found in, per version. */
  haystacks: string[];
  /** Every haystack, in order, each followed by a newline (no token holds one, so none matches across two). */
  text: string;
  /** Where each haystack starts in `text`; one more entry, the end of `text`. */
  starts: Uint32Array;
};

export function buildVersionsIndex(versions: readonly ModelVersion[]): VersionsIndex {
  const ordered = [...versions].sort((a, b) => compareSemver(b.version, a.version));
  const haystacks = ordered.map(versionSearchText);
  const starts = new Uint32Array(haystacks.length + 1);
  for (let i = 0; i < haystacks.length; i++) starts[i + 1] = starts[i]! + haystacks[i]!.length + 1;
  return { ordered, haystacks, text: haystacks.length === 0 ? '' : `${haystacks.join('\n')}\n`, starts };
}

/**
 * Positions of the versions whose haystack holds every token and whose status is `status`:
 * the longest token is looked for in the whole text at once (the engine's string search
 * skips the rows without it), and each row it lands in is checked for the other tokens.
 */
function scanText(index: VersionsIndex, tokens: string[], status: VersionStatus | ''): Uint32Array {
  const { ordered, haystacks, text, starts } = index;
  const driver = tokens.reduce((longest, token) => (token.length > longest.length ? token : longest));
  const others = tokens.filter((token) => token !== driver);
  const kept = new Uint32Array(ordered.length);
  let count = 0;
  let row = 0;
  let at = text.indexOf(driver);
  while (at >= 0) {
    while (starts[row + 1]! <= at) row++;
    const haystack = haystacks[row]!;
    let all = status === '' || ordered[row]!.status === status;
    for (let t = 0; all && t < others.length; t++) all = haystack.includes(others[t]!);
    if (all) kept[count++] = row;
    // On to the next row: one match per row is enough.
    at = text.indexOf(driver, starts[row + 1]!);
  }
  return kept.slice(0, count);
}

/** A filtered view: positions in `ordered` (null = all of them), read like an array without copying. */
export type VersionsView = {
  filters: VersionFilters;
  positions: Uint32Array | null;
  versions: { readonly length: number; at(position: number): ModelVersion | undefined };
};

/** `previous` (the last view of the same index) lets typing narrow its result instead of rescanning everything. */
export function filterVersions(index: VersionsIndex, filters: VersionFilters, previous?: VersionsView): VersionsView {
  const tokens = searchWordsOf(filters.text);
  if (tokens.length === 0 && filters.status === '') return { filters, positions: null, versions: index.ordered };
  const { ordered, haystacks } = index;
  const before = previous?.filters.text.toLowerCase() ?? '';
  const narrowing =
    previous?.positions != null && previous.filters.status === filters.status && before.trim() !== '' && filters.text.toLowerCase().startsWith(before);
  let positions: Uint32Array;
  // Narrowing tests only the last matches, unless those are most rows: then one walk of the text is cheaper.
  if (tokens.length > 0 && (!narrowing || previous!.positions!.length > ordered.length / 8)) {
    positions = scanText(index, tokens, filters.status);
  } else {
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
    positions = kept.slice(0, count);
  }
  const count = positions.length;
  const versions = {
    length: count,
    at: (position: number) => {
      const i = positions[position < 0 ? count + position : position];
      return i === undefined ? undefined : ordered[i];
    },
  };
  return { filters, positions, versions };
}
