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

export function filterVersions(index: VersionsIndex, filters: VersionFilters): ModelVersion[] {
  const tokens = filters.text.toLowerCase().split(/\s+/).filter((token) => token !== '');
  if (tokens.length === 0 && filters.status === '') return index.ordered;
  const out: ModelVersion[] = [];
  const { ordered, haystacks } = index;
  for (let i = 0; i < ordered.length; i++) {
    const version = ordered[i]!;
    if (filters.status !== '' && version.status !== filters.status) continue;
    const haystack = haystacks[i]!;
    if (tokens.every((token) => haystack.includes(token))) out.push(version);
  }
  return out;
}
