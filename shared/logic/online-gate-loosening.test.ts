// Which online gate edits loosen it (two-person rule 10): each limit in the
// direction that judges a canary more kindly, the business metric dropped or
// relaxed, and a reset (null) compared with the type's default.
import { describe, expect, it } from 'vitest';
import { defaultOnlineGatePolicy } from './online-gate.js';
import { onlineGateLoosening } from './online-gate-loosening.js';

const LTR = defaultOnlineGatePolicy('LTR');

describe('onlineGateLoosening', () => {
  it('finds nothing in the same gate or a stricter one', () => {
    expect(onlineGateLoosening('LTR', null, LTR)).toEqual([]);
    const stricter = { ...LTR, interval_s: 120, min_requests: 1000, max_error_rate_increase_pts: 0.5, max_p95_latency_ratio: 1.1, latency_noise_floor_ms: 1, bake_intervals: 10, fail_intervals: 1 };
    expect(onlineGateLoosening('LTR', null, stricter)).toEqual([]);
    expect(onlineGateLoosening('LTR', LTR, { ...LTR, business_metric: { metric: 'click_through', max_drop_pct: 2 } })).toEqual([]);
  });

  it('names every limit moved the kind way', () => {
    const looser = { ...LTR, interval_s: 30, min_requests: 10, max_error_rate_increase_pts: 3, max_p95_latency_ratio: 2, latency_noise_floor_ms: 100, bake_intervals: 1, fail_intervals: 9 };
    expect(onlineGateLoosening('LTR', LTR, looser)).toEqual([
      'online gate: min_requests 500 → 10',
      'online gate: max_error_rate_increase_pts 1 → 3',
      'online gate: max_p95_latency_ratio 1.2 → 2',
      'online gate: latency_noise_floor_ms 5 → 100',
      'online gate: interval_s 60 → 30',
      'online gate: bake_intervals 5 → 1',
      'online gate: fail_intervals 3 → 9',
    ]);
  });

  it('a business metric dropped, swapped or relaxed loosens; a reset compares with the type default', () => {
    const withMetric = { ...LTR, business_metric: { metric: 'click_through', max_drop_pct: 2 } };
    expect(onlineGateLoosening('LTR', withMetric, LTR)).toEqual(['online gate: business metric click_through no longer checked']);
    expect(onlineGateLoosening('LTR', withMetric, { ...LTR, business_metric: { metric: 'add_to_cart', max_drop_pct: 2 } })).toEqual(['online gate: business metric click_through no longer checked']);
    expect(onlineGateLoosening('LTR', withMetric, { ...LTR, business_metric: { metric: 'click_through', max_drop_pct: 5 } })).toEqual(['online gate: click_through max_drop_pct 2 → 5']);
    expect(onlineGateLoosening('LTR', { ...LTR, bake_intervals: 8 }, null)).toEqual(['online gate: bake_intervals 8 → 5']);
    expect(onlineGateLoosening('LTR', { ...LTR, bake_intervals: 3 }, null)).toEqual([]);
  });
});
