// The live canary panel: read once, then moved by canary.* events (no polling);
// verdicts, bake progress and the last failure's reason; the series the charts
// draw; the next step held until the step baked.
import { act, cleanup, configure, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IntervalEvaluation, StepAnalysisSummary } from '../../../../shared/domain/online-gate.js';
import { defaultOnlineGatePolicy } from '../../../../shared/logic/online-gate.js';
import { handleServerEvent } from '../../app/push-bridge.js';
import { useStore } from '../../app/store.js';
import { deployment, OLIVIA } from '../../test-support/fixtures.js';
import { installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { resetStore } from '../../test-support/store-reset.js';
import { onlineHold } from './online-hold.js';
import { liveCanaryOption } from './canary-chart-options.js';
import { LiveCanaryPanel } from './LiveCanaryPanel.js';

vi.mock('../evals/echarts-loader.js', () => ({ loadEcharts: () => new Promise(() => {}) }));
configure({ asyncUtilTimeout: 5000 });

const policy = { ...defaultOnlineGatePolicy('LTR'), bake_intervals: 5, fail_intervals: 3 };
const interval = (second: number, verdict: IntervalEvaluation['verdict'], canaryErrors: number): IntervalEvaluation => ({
  verdict,
  window_start: `2030-01-01T00:00:${String(second - 1).padStart(2, '0')}.000Z`,
  window_end: `2030-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
  canary: { version: '2.1.0', requests: 600, errors: canaryErrors, error_rate: canaryErrors / 600, latency_ms: 12, latency_stat: 'p95' },
  stable: { version: '2.0.0', requests: 9000, errors: 9, error_rate: 0.001, latency_ms: 11, latency_stat: 'p95' },
  checks: [],
  reason: verdict === 'failing' ? `canary ${((canaryErrors / 600) * 100).toFixed(1)} % errors vs stable 0.1 % (limit +1 pt: 1.1 %)` : 'every check held',
});
const summary = (intervals: IntervalEvaluation[], overrides: Partial<StepAnalysisSummary> = {}): StepAnalysisSummary => ({
  model_id: 'ltr-ranker',
  state_version: 4,
  canary_version: '2.1.0',
  stable_version: '2.0.0',
  canary_pct: 5,
  status: 'baking',
  policy,
  intervals_evaluated: intervals.length,
  consecutive_passes: intervals.filter((i) => i.verdict === 'passing').length,
  consecutive_failures: 0,
  last: intervals.at(-1) ?? null,
  last_failure: null,
  started_at: '2030-01-01T00:00:00.000Z',
  updated_at: '2030-01-01T00:00:10.000Z',
  ...overrides,
});

let double: ModelOpsDouble;
beforeEach(() => {
  resetStore();
  const first = [interval(1, 'passing', 0), interval(2, 'passing', 1), interval(3, 'passing', 0)];
  double = installModelOpsDouble({ 'app:canary:get': () => ok({ analysis: summary(first), intervals: first }) });
  useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: OLIVIA } }));
});
afterEach(() => {
  cleanup();
  double.uninstall();
});

describe('live canary panel', () => {
  it('shows the bake progress and every verdict, then follows the event stream without reading again', async () => {
    render(<LiveCanaryPanel modelId="ltr-ranker" />);
    expect(await screen.findByTestId('bake-progress')).toHaveProperty('textContent', '3 of 5 intervals passed');
    expect(within(screen.getByTestId('interval-verdicts')).getAllByText('passing')).toHaveLength(3);
    const reads = double.callsTo('app:canary:get').length;

    const failed = interval(4, 'failing', 120);
    act(() =>
      handleServerEvent({
        id: 10,
        at: failed.window_end,
        data: { type: 'canary.evaluated', model_id: 'ltr-ranker', analysis: summary([failed], { status: 'failing', consecutive_passes: 0, consecutive_failures: 1, intervals_evaluated: 4, last_failure: failed.reason }) },
      }),
    );
    expect(screen.getByTestId('bake-progress').textContent).toBe('0 of 5 intervals passed');
    expect(within(screen.getByTestId('interval-verdicts')).getAllByText(/passing|failing/).map((chip) => chip.textContent)).toEqual(['passing', 'passing', 'passing', 'failing']);
    expect(screen.getByTestId('last-failure').textContent).toBe('Why the last failing interval failed: canary 20.0 % errors vs stable 0.1 % (limit +1 pt: 1.1 %)');
    // Both series, per interval, in the table the charts draw from.
    const rows = within(screen.getByTestId('live-canary-series')).getAllByRole('row');
    expect(rows.at(-1)!.textContent).toContain('20.0 %');
    expect(rows.at(-1)!.textContent).toContain('0.1 %');
    // An event of another model changes nothing; nothing was read again.
    act(() => handleServerEvent({ id: 11, at: failed.window_end, data: { type: 'canary.evaluated', model_id: 'other', analysis: summary([], { model_id: 'other' }) } }));
    expect(double.callsTo('app:canary:get')).toHaveLength(reads);
  });

  it('builds a canary and a stable line per metric, marking failing intervals', () => {
    const option = liveCanaryOption([interval(1, 'passing', 0), interval(2, 'failing', 60)], 'error_rate', {
      text: '#000', muted: '#555', grid: '#eee', better: '#0a0', worse: '#a00', same: '#777', accent: '#00a', baseline: '#777', surface: '#fff',
    }) as { series: Array<{ name: string; data: unknown[] }> };
    expect(option.series.map((s) => s.name)).toEqual(['canary', 'stable']);
    expect(option.series[0]!.data).toEqual([0, { value: 10, itemStyle: { color: '#a00' }, symbolSize: 8 }]);
    expect(option.series[1]!.data).toEqual([0.1, 0.1]);
  });

  it('holds the next step until the live step baked, and never holds a step without live metrics', () => {
    const live = deployment({ state_version: 4 });
    expect(onlineHold(live, summary([interval(1, 'passing', 0)]))).toBe('Offered once the online analysis has baked this step: 1 of 5 intervals passed.');
    expect(onlineHold(live, summary([], { status: 'waiting', intervals_evaluated: 0 }))).toBeNull();
    expect(onlineHold(live, summary([], { status: 'baked', intervals_evaluated: 5, consecutive_passes: 5 }))).toBeNull();
    expect(onlineHold(deployment({ state_version: 5 }), summary([interval(1, 'passing', 0)]))).toBeNull();
  });
});
