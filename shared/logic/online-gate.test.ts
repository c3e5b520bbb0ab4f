import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveMetricsWindow, LiveVersionMetrics, OnlineGatePolicy, type OnlineVerdict } from '../domain/online-gate.js';
import {
  advanceProgress,
  bakeProgressText,
  defaultOnlineGatePolicy,
  evaluateInterval,
  isBaked,
  mergeVersionMetrics,
  mustRollBack,
  NO_PROGRESS,
  stepStatus,
  type IntervalInput,
  type StepProgress,
} from './online-gate.js';

const policy = defaultOnlineGatePolicy('LTR');
const window = (canary: LiveVersionMetrics | null, stable: LiveVersionMetrics | null): IntervalInput => ({
  window_start: '2030-01-01T00:00:00.000Z',
  window_end: '2030-01-01T00:01:00.000Z',
  canary: { version: '2.1.0', metrics: canary },
  stable: { version: '2.0.0', metrics: stable },
});

describe('online gate defaults', () => {
  it('gives every type a valid policy, with the documented base', () => {
    for (const type of ['LTR', 'RERANKER', 'EMBEDDING', 'RAG', 'CLASSIFIER', 'SOMETHING_NEW']) {
      expect(OnlineGatePolicy.safeParse(defaultOnlineGatePolicy(type)).success).toBe(true);
    }
    expect(defaultOnlineGatePolicy('SOMETHING_NEW')).toEqual({
      interval_s: 60,
      min_requests: 200,
      max_error_rate_increase_pts: 1,
      max_p95_latency_ratio: 1.2,
      latency_noise_floor_ms: 5,
      bake_intervals: 5,
      fail_intervals: 3,
    });
    expect(defaultOnlineGatePolicy('RAG')).toMatchObject({ interval_s: 120, max_p95_latency_ratio: 1.3 });
  });
});

describe('evaluateInterval', () => {
  it('is inconclusive, never passing, with too little traffic on either side', () => {
    const healthy = { requests: 100, errors: 0, latency_p95_ms: 20 };
    const verdict = evaluateInterval(policy, window(healthy, { ...healthy, requests: 10_000 }));
    expect(verdict.verdict).toBe('inconclusive');
    expect(verdict.reason).toBe('too little traffic: canary 100, stable 10000 requests (at least 500 each)');
    expect(evaluateInterval(policy, window(null, null)).verdict).toBe('inconclusive');
  });

  it('never passes below min_requests, whatever the numbers (property)', () => {
    const metrics = fc.record({
      requests: fc.integer({ min: 0, max: 1_000_000 }),
      errorShare: fc.double({ min: 0, max: 1, noNaN: true }),
      latency_p95_ms: fc.double({ min: 0, max: 10_000, noNaN: true }),
    });
    fc.assert(
      fc.property(metrics, metrics, fc.integer({ min: 1, max: 100_000 }), (canary, stable, minRequests) => {
        const toMetrics = (m: typeof canary) => ({ requests: m.requests, errors: Math.floor(m.requests * m.errorShare), latency_p95_ms: m.latency_p95_ms });
        const result = evaluateInterval({ ...policy, min_requests: minRequests }, window(toMetrics(canary), toMetrics(stable)));
        if (canary.requests < minRequests || stable.requests < minRequests) expect(result.verdict).toBe('inconclusive');
      }),
    );
  });

  it('fails a canary answering 500 for 20 % of requests, with the numbers', () => {
    const result = evaluateInterval(policy, window({ requests: 1000, errors: 200, latency_avg_ms: 3 }, { requests: 1000, errors: 0, latency_avg_ms: 3 }));
    expect(result.verdict).toBe('failing');
    expect(result.canary).toMatchObject({ requests: 1000, errors: 200, error_rate: 0.2, latency_stat: 'avg' });
    expect(result.reason).toBe('canary 20.0 % errors vs stable 0.0 % (limit +1 pt: 1.0 %)');
    expect(result.checks.find((c) => c.check === 'error_rate')).toMatchObject({ passed: false, canary: 0.2, stable: 0, limit: 0.01 });
  });

  it('passes exactly at the limits (1 point more errors, 1.2x latency)', () => {
    const result = evaluateInterval(
      policy,
      window({ requests: 1000, errors: 15, latency_p95_ms: 120 }, { requests: 1000, errors: 5, latency_p95_ms: 100 }),
    );
    expect(result.verdict).toBe('passing');
    expect(result.reason).toBe('every check held');
  });

  it('fails on p95 latency above the ratio, but not within the noise floor', () => {
    const slow = evaluateInterval(policy, window({ requests: 1000, errors: 0, latency_p95_ms: 130 }, { requests: 1000, errors: 0, latency_p95_ms: 100 }));
    expect(slow.verdict).toBe('failing');
    expect(slow.reason).toContain('canary p95 130 ms vs stable 100 ms');
    const noise = evaluateInterval(policy, window({ requests: 1000, errors: 0, latency_avg_ms: 4 }, { requests: 1000, errors: 0, latency_avg_ms: 1 }));
    expect(noise.verdict).toBe('passing');
  });

  it('is inconclusive when no latency figure is shared, or a configured business metric is missing', () => {
    const noLatency = evaluateInterval(policy, window({ requests: 1000, errors: 0, latency_p95_ms: 10 }, { requests: 1000, errors: 0 }));
    expect(noLatency.verdict).toBe('inconclusive');
    const withBusiness = { ...policy, business_metric: { metric: 'click_through', max_drop_pct: 5 } };
    const missing = evaluateInterval(withBusiness, window({ requests: 1000, errors: 0, latency_p95_ms: 10 }, { requests: 1000, errors: 0, latency_p95_ms: 10 }));
    expect(missing).toMatchObject({ verdict: 'inconclusive', reason: 'click_through not reported for both versions' });
    const dropped = evaluateInterval(
      withBusiness,
      window({ requests: 1000, errors: 0, latency_p95_ms: 10, click_through: 0.09 }, { requests: 1000, errors: 0, latency_p95_ms: 10, click_through: 0.1 }),
    );
    expect(dropped.verdict).toBe('failing');
    expect(dropped.checks.at(-1)).toMatchObject({ check: 'business_metric', passed: false });
  });

  it('a failing check wins over a missing one', () => {
    const result = evaluateInterval(policy, window({ requests: 1000, errors: 500 }, { requests: 1000, errors: 0 }));
    expect(result.verdict).toBe('failing');
  });
});

describe('step progress', () => {
  const verdicts = fc.array(fc.constantFrom<OnlineVerdict>('passing', 'failing', 'inconclusive'), { maxLength: 60 });
  const run = (sequence: OnlineVerdict[]): StepProgress => sequence.reduce(advanceProgress, NO_PROGRESS);

  it('bakes only after N passes in a row (property)', () => {
    fc.assert(
      fc.property(verdicts, fc.integer({ min: 1, max: 10 }), (sequence, bake) => {
        let streak = 0;
        for (const verdict of sequence) streak = verdict === 'passing' ? streak + 1 : 0;
        expect(isBaked(run(sequence), { bake_intervals: bake })).toBe(streak >= bake);
      }),
    );
  });

  it('inconclusive intervals never bake a step (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 10 }), (count, bake) => {
        expect(isBaked(run(Array<OnlineVerdict>(count).fill('inconclusive')), { bake_intervals: bake })).toBe(false);
      }),
    );
  });

  it('rolls back after K failures with no pass between them; inconclusive ones neither count nor clear (property)', () => {
    fc.assert(
      fc.property(verdicts, fc.integer({ min: 1, max: 10 }), (sequence, k) => {
        let failures = 0;
        for (const verdict of sequence) failures = verdict === 'passing' ? 0 : verdict === 'failing' ? failures + 1 : failures;
        expect(mustRollBack(run(sequence), { fail_intervals: k })).toBe(failures >= k);
      }),
    );
  });

  it('names the status and the bake progress', () => {
    const limits = { bake_intervals: 5, fail_intervals: 3 };
    expect(stepStatus(NO_PROGRESS, limits)).toBe('waiting');
    expect(stepStatus(run(['passing', 'passing', 'passing']), limits)).toBe('baking');
    expect(bakeProgressText(run(['passing', 'passing', 'passing']), limits)).toBe('3 of 5 intervals passed');
    expect(stepStatus(run(['passing', 'failing']), limits)).toBe('failing');
    expect(stepStatus(run(Array<OnlineVerdict>(5).fill('passing')), limits)).toBe('baked');
    expect(bakeProgressText(run(Array<OnlineVerdict>(7).fill('passing')), limits)).toBe('5 of 5 intervals passed');
  });
});

describe('live metrics wire shapes', () => {
  it('refuses negative counts, errors above requests, bad business metric names and an end before the start', () => {
    expect(LiveVersionMetrics.safeParse({ requests: -1, errors: 0 }).success).toBe(false);
    expect(LiveVersionMetrics.safeParse({ requests: 1, errors: 2 }).success).toBe(false);
    expect(LiveVersionMetrics.safeParse({ requests: 1, errors: 0, 'Bad Name': 1 }).success).toBe(false);
    expect(LiveVersionMetrics.safeParse({ requests: 10, errors: 1, click_through: 0.1 }).success).toBe(true);
    const body = { window_start: '2030-01-01T00:01:00Z', window_end: '2030-01-01T00:00:00Z', versions: { '1.0.0': { requests: 1, errors: 0 } } };
    expect(LiveMetricsWindow.safeParse(body).success).toBe(false);
  });

  it('merges windows: counts add up, latencies weigh by requests', () => {
    expect(mergeVersionMetrics([])).toBeNull();
    expect(
      mergeVersionMetrics([
        { requests: 100, errors: 1, latency_p95_ms: 10 },
        { requests: 300, errors: 3, latency_p95_ms: 20 },
      ]),
    ).toEqual({ requests: 400, errors: 4, latency_p95_ms: 17.5 });
  });
});
