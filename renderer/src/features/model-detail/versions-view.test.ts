// @vitest-environment node
// Pure logic: the fast paths (one walk of the joined text, narrowing the last result while
// typing) must return exactly what testing every version against every token returns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelVersion, VersionStatus } from '../../../../shared/domain/model.js';
import { compareSemver } from '../../lib/semver.js';
import { version } from '../../test-support/fixtures.js';
import { buildVersionsIndex, filterVersions, type VersionFilters, type VersionsView } from './versions-view.js';

const listed = (view: VersionsView) => Array.from({ length: view.versions.length }, (_, i) => view.versions.at(i)!.version);

/** The obvious filter: newest first, every token somewhere in the searched fields, the status if one is set. */
function naive(versions: ModelVersion[], filters: VersionFilters): string[] {
  const tokens = filters.text.toLowerCase().split(/\s+/).filter((token) => token !== '');
  return [...versions]
    .sort((a, b) => compareSemver(b.version, a.version))
    .filter((v) => filters.status === '' || v.status === filters.status)
    .filter((v) => {
      const fields = [v.version, v.status, v.artifact_uri, v.framework, v.export_format, v.runtime.device, v.created_by].map((field) => field.toLowerCase());
      return tokens.every((token) => fields.join(' ').includes(token));
    })
    .map((v) => v.version);
}

const STATUSES: VersionStatus[] = ['active', 'candidate', 'deprecated'];
// Few distinct letters, so that random tokens often match, often match twice in a row, and sometimes not at all.
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '2', '.', '/', 'G', 'P'), minLength: 1, maxLength: 6 });
const versionsArb = fc
  .uniqueArray(fc.tuple(fc.nat(12), fc.nat(12), fc.nat(12)), { maxLength: 40, selector: ([a, b, c]) => `${a}.${b}.${c}` })
  .chain((numbers) =>
    fc.tuple(
      ...numbers.map(([a, b, c]) =>
        fc.record({ status: fc.constantFrom(...STATUSES), uri: word, framework: word, device: fc.constantFrom('cpu', 'gpu') as fc.Arbitrary<'cpu' | 'gpu'> }).map((fields) =>
          version(`${a}.${b}.${c}`, { status: fields.status, artifact_uri: `s3://${fields.uri}`, framework: fields.framework, runtime: { device: fields.device } }),
        ),
      ),
    ),
  );
const queryArb = fc.array(word, { maxLength: 3 }).map((words) => words.join(' '));
const statusArb = fc.constantFrom<VersionStatus | ''>('', ...STATUSES);

describe('versions filter', () => {
  it('returns what the naive filter returns, for any versions and query', () => {
    fc.assert(
      fc.property(versionsArb, queryArb, statusArb, (versions, text, status) => {
        const index = buildVersionsIndex(versions);
        expect(listed(filterVersions(index, { text, status }))).toEqual(naive(versions, { text, status }));
      }),
      { numRuns: 300 },
    );
  });

  it('returns the same while typing (each keystroke narrowing the previous result) as from scratch', () => {
    fc.assert(
      fc.property(versionsArb, queryArb, statusArb, (versions, text, status) => {
        const index = buildVersionsIndex(versions);
        let previous: VersionsView | undefined;
        for (let length = 1; length <= text.length; length++) {
          const typed = { text: text.slice(0, length), status };
          previous = filterVersions(index, typed, previous);
          expect(listed(previous)).toEqual(naive(versions, typed));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('finds a token at the very start and the very end of the text, and never across two versions', () => {
    const versions = [version('2.0.0', { created_by: 'zed' }), version('1.0.0', { created_by: 'amy' })];
    const index = buildVersionsIndex(versions);
    expect(listed(filterVersions(index, { text: '2.0.0', status: '' }))).toEqual(['2.0.0']);
    expect(listed(filterVersions(index, { text: 'amy', status: '' }))).toEqual(['1.0.0']);
    // "zed" ends the first haystack and "1.0" starts the second: no token spans both.
    expect(listed(filterVersions(index, { text: 'zed1', status: '' }))).toEqual([]);
    // A match that starts a version right after a matching one is not skipped.
    const adjacent = buildVersionsIndex([version('2.0.1', { artifact_uri: 's3://a' }), version('2.0.0', { artifact_uri: 's3://b' })]);
    expect(listed(filterVersions(adjacent, { text: '2.0.', status: '' }))).toEqual(['2.0.1', '2.0.0']);
  });
});
