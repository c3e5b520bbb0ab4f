// @vitest-environment node
// Pure logic: no DOM needed, so no jsdom to start.
import { describe, expect, it } from 'vitest';
import { defaultGatePolicy } from '../../../../shared/logic/gate.js';
import { BASELINE_METRICS, run } from '../../test-support/fixtures.js';
import { compareVersions, latestRunOf, metricNames, metricsOfVersion, newestFirst, trendOf, versionsInRuns } from './eval-view.js';

const m = (overrides: Record<string, number>) => ({ ...BASELINE_METRICS, ...overrides });
const r1 = run('a', '2.0.0', '1.5.0', m({ 'ndcg@10': 0.51 }), { finished_at: '2026-10-01T00:00:00.000Z' });
const r2 = run('b', '2.1.0', '2.0.0', m({ 'ndcg@10': 0.52 }), { finished_at: '2026-11-01T00:00:00.000Z', dataset: { name: 'other-set', hash: 'c'.repeat(64) } }, m({ 'ndcg@10': 0.51 }));
const r3 = run('c', '2.1.0', '2.0.0', m({ 'ndcg@10': 0.53 }), { finished_at: '2026-11-10T00:00:00.000Z' }, m({ 'ndcg@10': 0.51 }));

describe('eval view', () => {
  it('orders runs and versions, and finds the latest run of a version', () => {
    expect(newestFirst([r1, r3, r2]).map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
    expect(versionsInRuns([r1, r2])).toEqual(['2.1.0', '2.0.0', '1.5.0']);
    expect(latestRunOf([r1, r2, r3], '2.1.0')?.id).toBe(r3.id);
    expect(metricsOfVersion([r1], '1.5.0')).toMatchObject({ side: 'baseline', metrics: BASELINE_METRICS });
  });

  it('uses a run of exactly the pair when there is one', () => {
    const comparison = compareVersions([r1, r2, r3], '2.1.0', '2.0.0', defaultGatePolicy('LTR'));
    expect(comparison?.run?.id).toBe(r3.id);
    expect(comparison?.delta).toBe(r3.delta);
  });

  it('compares any two versions from their own latest numbers, naming both datasets', () => {
    const comparison = compareVersions([r1, r2], '2.1.0', '1.5.0', defaultGatePolicy('LTR'));
    expect(comparison?.run).toBeNull();
    expect(comparison?.datasets).toEqual({ candidate: 'other-set', baseline: 'search-judgements' });
    const ndcg = comparison?.delta.find((d) => d.metric === 'ndcg@10');
    expect(ndcg).toMatchObject({ baseline: 0.5, candidate: 0.52, verdict: 'better' });
    expect(compareVersions([r1], '9.9.9', '1.5.0', defaultGatePolicy('LTR'))).toBeNull();
  });

  it('gives the trend of a metric oldest first, with each run gate', () => {
    expect(trendOf([r3, r1], 'ndcg@10').map((p) => [p.version, p.value, p.baseline])).toEqual([
      ['2.0.0', 0.51, 0.5],
      ['2.1.0', 0.53, 0.51],
    ]);
    expect(metricNames([r1]).slice(0, 5)).toEqual(['ndcg@10', 'mrr@10', 'recall@100', 'zero_result_rate', 'latency_proxy']);
  });
});
