import { describe, expect, it } from 'vitest';
import type { Deployment } from '../domain/deployment.js';
import { approvedSplit, formatSplitPct, largestDrift, splitRows } from './traffic-split.js';

const base: Deployment = {
  model_id: 'ltr-ranker',
  stable_version: '2.0.0',
  canary_version: '2.1.0',
  canary_pct: 5,
  phase: 'canary',
  state_version: 4,
  previous_stable: null,
  plan: [5, 25, 50, 100],
  updated_at: '2030-01-01T00:00:00.000Z',
  dispatch: { status: 'pending', target_kind: 'haproxy', attempts: 0 },
};

describe('approved and observed traffic split', () => {
  it('turns the approved state into a split', () => {
    expect(approvedSplit(base)).toEqual({ '2.0.0': 95, '2.1.0': 5 });
    expect(approvedSplit({ ...base, canary_version: null, canary_pct: 0 })).toEqual({ '2.0.0': 100 });
    expect(approvedSplit({ ...base, stable_version: null, canary_version: null, canary_pct: 0 })).toEqual({});
  });

  it('lists approved versions first, then versions only the serving layer still routes to', () => {
    const observed = { '1.5.0': 3, '2.0.0': 90, '2.1.0': 7 };
    expect(splitRows({ ...base, dispatch: { status: 'drift', target_kind: 'haproxy', attempts: 1, observed } })).toEqual([
      { version: '2.0.0', approvedPct: 95, observedPct: 90, deltaPct: -5 },
      { version: '2.1.0', approvedPct: 5, observedPct: 7, deltaPct: 2 },
      { version: '1.5.0', approvedPct: 0, observedPct: 3, deltaPct: 3 },
    ]);
    expect(splitRows(base).map((row) => row.observedPct)).toEqual([null, null]);
  });

  it('names the largest drift beyond rounding, preferring the version that gets more than approved', () => {
    const drift = (observed: Record<string, number>) => largestDrift({ ...base, dispatch: { status: 'drift', target_kind: 'haproxy', attempts: 1, observed } });
    expect(drift({ '2.0.0': 88, '2.1.0': 12 })).toMatchObject({ version: '2.1.0', observedPct: 12, approvedPct: 5 });
    expect(drift({ '2.0.0': 95.2, '2.1.0': 4.8 })).toBeNull();
    expect(largestDrift(base)).toBeNull();
    expect(formatSplitPct(12)).toBe('12 %');
    expect(formatSplitPct(4.76)).toBe('4.8 %');
  });
});
