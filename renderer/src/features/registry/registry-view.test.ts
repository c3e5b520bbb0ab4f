import { describe, expect, it } from 'vitest';
import { summary } from '../../test-support/fixtures.js';
import { buildRegistryIndex, filterRegistry } from './registry-view.js';

const rows = [
  summary('ltr-ranker', { candidate_versions: ['2.1.0'], version_count: 3, last_gate: { run_id: 'r', version: '2.1.0', passed: false, failed_metrics: ['ndcg@10'], finished_at: 'x' } }, { name: 'Search ranker', type: 'LTR', tags: ['search'] }),
  summary('bert-sentiment', { active_version: '1.0.0', version_count: 2 }, { name: 'BERT sentiment', type: 'CLASSIFIER', owner: 'nlp' }),
  summary('e5-base', { active_version: null, candidate_versions: ['0.1.0'], version_count: 1 }, { name: 'E5 base', type: 'EMBEDDING' }),
];
const all = { text: '', type: '', status: '' as const };

describe('registry filtering', () => {
  const index = buildRegistryIndex(rows);

  it('sorts by name either way and lists the types present', () => {
    expect(filterRegistry(index, all, { key: 'name', dir: 'asc' }).map((r) => r.model.id)).toEqual(['bert-sentiment', 'e5-base', 'ltr-ranker']);
    expect(filterRegistry(index, all, { key: 'name', dir: 'desc' }).map((r) => r.model.id)).toEqual(['ltr-ranker', 'e5-base', 'bert-sentiment']);
    expect(index.types).toEqual(['CLASSIFIER', 'EMBEDDING', 'LTR']);
  });

  it('matches every search token anywhere in id, name, owner, tags and versions', () => {
    expect(filterRegistry(index, { ...all, text: 'SEARCH 2.1' }, { key: 'name', dir: 'asc' }).map((r) => r.model.id)).toEqual(['ltr-ranker']);
    expect(filterRegistry(index, { ...all, text: 'nlp' }, { key: 'name', dir: 'asc' }).map((r) => r.model.id)).toEqual(['bert-sentiment']);
    expect(filterRegistry(index, { ...all, text: 'nothing-like-this' }, { key: 'name', dir: 'asc' })).toEqual([]);
  });

  it('filters by type and by the statuses a model has (deprecated = versions beyond active and candidates)', () => {
    expect(filterRegistry(index, { ...all, type: 'EMBEDDING' }, { key: 'name', dir: 'asc' }).map((r) => r.model.id)).toEqual(['e5-base']);
    expect(filterRegistry(index, { ...all, status: 'candidate' }, { key: 'name', dir: 'asc' }).map((r) => r.model.id)).toEqual(['e5-base', 'ltr-ranker']);
    expect(filterRegistry(index, { ...all, status: 'deprecated' }, { key: 'name', dir: 'asc' }).map((r) => r.model.id)).toEqual(['bert-sentiment', 'ltr-ranker']);
  });

  it('puts failed gates first when sorting by gate', () => {
    expect(filterRegistry(index, all, { key: 'gate', dir: 'asc' })[0]!.model.id).toBe('ltr-ranker');
  });

  it('filters 100,000 rows without re-sorting (the order is cached per key)', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => summary(`model-${i}`, {}, { name: `Model ${i}`, type: i % 2 ? 'LTR' : 'RAG' }));
    const big = buildRegistryIndex(many);
    filterRegistry(big, all, { key: 'name', dir: 'asc' });
    const order = big.orders.get('name');
    const hits = filterRegistry(big, { ...all, text: 'model 9999', type: 'LTR' }, { key: 'name', dir: 'asc' });
    expect(big.orders.get('name')).toBe(order);
    const expected = many.filter((r) => r.model.type === 'LTR' && r.model.id.includes('9999')).map((r) => r.model.id);
    expect(hits.map((r) => r.model.id).sort()).toEqual(expected.sort());
    expect(hits.length).toBeGreaterThan(5);
  });
});
