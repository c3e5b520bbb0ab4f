// @vitest-environment node
// Pure logic: no DOM needed, so no jsdom to start.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ModelSummary } from '../../../../shared/api/models.js';
import type { VersionStatus } from '../../../../shared/domain/model.js';
import { summary } from '../../test-support/fixtures.js';
import { buildRegistryIndex, filterRegistry, prepareOrders, type RegistryFilters, type RegistrySort, type RegistrySortKey, type RegistryView } from './registry-view.js';

const ids = (view: Pick<RegistryView, 'rows'>) => Array.from({ length: view.rows.length }, (_, i) => view.rows.at(i)!.model.id);

const rows = [
  summary('ltr-ranker', { candidate_versions: ['2.1.0'], version_count: 3, last_gate: { run_id: 'r', version: '2.1.0', passed: false, failed_metrics: ['ndcg@10'], finished_at: 'x' } }, { name: 'Search ranker', type: 'LTR', tags: ['search'] }),
  summary('bert-sentiment', { active_version: '1.0.0', version_count: 2 }, { name: 'BERT sentiment', type: 'CLASSIFIER', owner: 'nlp' }),
  summary('e5-base', { active_version: null, candidate_versions: ['0.1.0'], version_count: 1 }, { name: 'E5 base', type: 'EMBEDDING' }),
];
const all = { text: '', type: '', status: '' as const };

describe('registry filtering', () => {
  const index = buildRegistryIndex(rows);

  it('sorts by name either way and lists the types present', () => {
    expect(ids(filterRegistry(index, all, { key: 'name', dir: 'asc' }))).toEqual(['bert-sentiment', 'e5-base', 'ltr-ranker']);
    expect(ids(filterRegistry(index, all, { key: 'name', dir: 'desc' }))).toEqual(['ltr-ranker', 'e5-base', 'bert-sentiment']);
    expect(index.types).toEqual(['CLASSIFIER', 'EMBEDDING', 'LTR']);
  });

  it('matches every search token anywhere in id, name, owner, tags and versions', () => {
    expect(ids(filterRegistry(index, { ...all, text: 'SEARCH 2.1' }, { key: 'name', dir: 'asc' }))).toEqual(['ltr-ranker']);
    expect(ids(filterRegistry(index, { ...all, text: 'nlp' }, { key: 'name', dir: 'asc' }))).toEqual(['bert-sentiment']);
    expect(filterRegistry(index, { ...all, text: 'nothing-like-this' }, { key: 'name', dir: 'asc' }).rows.length).toBe(0);
  });

  it('filters by type and by the statuses a model has (deprecated = versions beyond active and candidates)', () => {
    expect(ids(filterRegistry(index, { ...all, type: 'EMBEDDING' }, { key: 'name', dir: 'asc' }))).toEqual(['e5-base']);
    expect(ids(filterRegistry(index, { ...all, status: 'candidate' }, { key: 'name', dir: 'asc' }))).toEqual(['e5-base', 'ltr-ranker']);
    expect(ids(filterRegistry(index, { ...all, status: 'deprecated' }, { key: 'name', dir: 'asc' }))).toEqual(['bert-sentiment', 'ltr-ranker']);
  });

  it('builds every order in idle moments, so a first sort by a new key does not sort', async () => {
    const fresh = buildRegistryIndex(rows);
    filterRegistry(fresh, all, { key: 'name', dir: 'asc' });
    const byName = fresh.orders.get('name');
    prepareOrders(fresh);
    await vi.waitFor(() => expect([...fresh.orders.keys()].sort()).toEqual(['active', 'gate', 'name', 'phase', 'type', 'versions']));
    // The order already built is kept, not rebuilt.
    expect(fresh.orders.get('name')).toBe(byName);
    // Cancelled, it stops.
    const other = buildRegistryIndex(rows);
    prepareOrders(other)();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(other.orders.size).toBe(0);
  });

  it('puts failed gates first when sorting by gate', () => {
    expect(filterRegistry(index, all, { key: 'gate', dir: 'asc' }).rows.at(0)!.model.id).toBe('ltr-ranker');
  });

  it('filters 100,000 rows without re-sorting (the order is cached per key)', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => summary(`model-${i}`, {}, { name: `Model ${i}`, type: i % 2 ? 'LTR' : 'RAG' }));
    const big = buildRegistryIndex(many);
    filterRegistry(big, all, { key: 'name', dir: 'asc' });
    const order = big.orders.get('name');
    const hits = filterRegistry(big, { ...all, text: 'model 9999', type: 'LTR' }, { key: 'name', dir: 'asc' });
    expect(big.orders.get('name')).toBe(order);
    const expected = many.filter((r) => r.model.type === 'LTR' && r.model.id.includes('9999')).map((r) => r.model.id);
    expect(ids(hits).sort()).toEqual(expected.sort());
    expect(hits.rows.length).toBeGreaterThan(5);
    // Typing on narrows the previous result, and gives what a full scan gives.
    const narrowed = filterRegistry(big, { ...all, text: 'model 99991', type: 'LTR' }, { key: 'name', dir: 'asc' }, hits);
    expect(ids(narrowed)).toEqual(ids(filterRegistry(big, { ...all, text: 'model 99991', type: 'LTR' }, { key: 'name', dir: 'asc' })));
    expect(ids(narrowed)).toEqual(['model-99991']);
    // Deleting a character does not narrow: the full scan brings rows back.
    expect(filterRegistry(big, { ...all, text: 'model 999', type: 'LTR' }, { key: 'name', dir: 'asc' }, narrowed).rows.length).toBeGreaterThan(hits.rows.length);
  });
});

// ---------------------------------------------------------------------------
// The fast path (cached orders, narrowing the last result while typing) against the obvious one.

const PHASE_RANK: Record<string, number> = { canary: 0, rolling: 1, rolled_back: 2, complete: 3, idle: 4 };
const sortValue: Record<RegistrySortKey, (row: ModelSummary) => string | number> = {
  name: (row) => row.model.name.toLowerCase(),
  type: (row) => row.model.type,
  active: (row) => row.active_version ?? '\uffff',
  phase: (row) => PHASE_RANK[row.deployment.phase] ?? 9,
  versions: (row) => row.version_count,
  gate: (row) => (row.last_gate === null ? 2 : row.last_gate.passed ? 1 : 0),
};

/** Every row tested against every filter, then sorted by the key with the id breaking ties; desc is that order reversed. */
function naiveRegistry(rows: ModelSummary[], filters: RegistryFilters, sort: RegistrySort): string[] {
  const tokens = filters.text.toLowerCase().split(/\s+/).filter((token) => token !== '');
  const hasStatus = (row: ModelSummary, status: VersionStatus) =>
    status === 'active'
      ? row.active_version !== null
      : status === 'candidate'
        ? row.candidate_versions.length > 0
        : row.version_count > (row.active_version !== null ? 1 : 0) + row.candidate_versions.length;
  const text = (row: ModelSummary) =>
    [row.model.id, row.model.name, row.model.description, row.model.type, row.model.owner, ...row.model.tags, row.active_version ?? '', ...row.candidate_versions].join('\n').toLowerCase();
  const value = sortValue[sort.key];
  const ascending = rows
    .filter((row) => filters.type === '' || row.model.type === filters.type)
    .filter((row) => filters.status === '' || hasStatus(row, filters.status))
    .filter((row) => tokens.every((token) => text(row).includes(token)))
    .sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x !== y) return x < y ? -1 : 1;
      return a.model.id < b.model.id ? -1 : a.model.id > b.model.id ? 1 : 0;
    })
    .map((row) => row.model.id);
  return sort.dir === 'asc' ? ascending : ascending.reverse();
}

const letters = fc.constantFrom('a', 'b', 'e', 'r', '1', '2', '-', '.');
const word = fc.string({ unit: letters, minLength: 1, maxLength: 5 });
const semver = fc.tuple(fc.nat(3), fc.nat(3)).map(([a, b]) => `${a}.${b}.0`);
const rowsArb = fc.uniqueArray(word, { maxLength: 30 }).chain((ids) =>
  fc.tuple(
    ...ids.map((id) =>
      fc
        .record({
          name: word,
          type: fc.constantFrom('LTR', 'RAG', 'EMBEDDING'),
          owner: word,
          tags: fc.array(word, { maxLength: 2 }),
          active: fc.option(semver, { nil: null }),
          candidates: fc.array(semver, { maxLength: 2 }),
          extra: fc.nat(3),
          phase: fc.constantFrom('idle', 'canary', 'rolling', 'complete', 'rolled_back'),
          gate: fc.constantFrom(null, true, false),
        })
        .map((r) =>
          summary(
            `m-${id}`,
            {
              active_version: r.active,
              candidate_versions: r.candidates,
              version_count: (r.active ? 1 : 0) + r.candidates.length + r.extra,
              deployment: { phase: r.phase, stable_version: r.active, canary_version: null, canary_pct: 0 },
              last_gate: r.gate === null ? null : { run_id: 'r', version: '1.0.0', passed: r.gate, failed_metrics: r.gate ? [] : ['ndcg@10'], finished_at: 'x' },
            },
            { name: r.name, type: r.type, owner: r.owner, tags: r.tags },
          ),
        ),
    ),
  ),
);
const filtersArb = fc.record({
  text: fc.array(word, { maxLength: 3 }).map((words) => words.join(' ')),
  type: fc.constantFrom('', 'LTR', 'RAG', 'CLASSIFIER'),
  status: fc.constantFrom<VersionStatus | ''>('', 'active', 'candidate', 'deprecated'),
});
const sortArb = fc.record({
  key: fc.constantFrom<RegistrySortKey>('name', 'type', 'active', 'phase', 'versions', 'gate'),
  dir: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
});

describe('registry filtering, against the naive filter and sort', () => {
  it('returns exactly what filtering every row and sorting the rest returns', () => {
    fc.assert(
      fc.property(rowsArb, filtersArb, sortArb, (rows, filters, sort) => {
        expect(ids(filterRegistry(buildRegistryIndex(rows), filters, sort))).toEqual(naiveRegistry(rows, filters, sort));
      }),
      { numRuns: 300 },
    );
  });

  it('returns the same after any sequence of changes on one index (cached orders, narrowing while typing)', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(fc.tuple(filtersArb, sortArb), { minLength: 1, maxLength: 6 }), (rows, changes) => {
        const index = buildRegistryIndex(rows);
        let previous: RegistryView | undefined;
        for (const [filters, sort] of changes) {
          // Typed one character at a time, each keystroke handed the previous view.
          for (let length = 0; length <= filters.text.length; length++) {
            const typed = { ...filters, text: filters.text.slice(0, length) };
            previous = filterRegistry(index, typed, sort, previous);
            expect(ids(previous)).toEqual(naiveRegistry(rows, typed, sort));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
