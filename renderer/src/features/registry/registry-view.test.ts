// @vitest-environment node
// Pure logic: no DOM needed, so no jsdom to start.
import { describe, expect, it } from 'vitest';
import { summary } from '../../test-support/fixtures.js';
import { buildRegistryIndex, filterRegistry, type RegistryView } from './registry-view.js';

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
