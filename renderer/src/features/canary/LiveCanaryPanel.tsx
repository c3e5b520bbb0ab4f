// The rollout tab's live panel (DESIGN §9): canary against stable error rate
// and latency over the step's intervals (echarts), each interval's verdict,
// the bake progress and why the last failure failed. Loaded once, then updated
// from the event stream (canary.* events), never polled.
import { useEffect, useMemo, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { IntervalEvaluation } from '../../../../shared/domain/online-gate.js';
import { useStore } from '../../app/store.js';
import { ChartFrame } from '../evals/ChartFrame.js';
import { themeColors } from '../evals/chart-options.js';
import { Badge } from '../../ui/Badge.js';
import { ErrorState } from '../../ui/States.js';
import { liveCanaryOption } from './canary-chart-options.js';
import { OnlineAnalysisSummary, verdictTone } from './OnlineAnalysisSummary.js';

const NO_INTERVALS: readonly IntervalEvaluation[] = [];

/** Verdict chips shown under the charts: the newest ones. */
const CHIPS_SHOWN = 30;

export function LiveCanaryPanel({ modelId }: { modelId: string }): ReactElement | null {
  const { analysis, intervals, status, error } = useStore(
    useShallow((s) => (s.canary.modelId === modelId ? { analysis: s.canary.analysis, intervals: s.canary.intervals, status: s.canary.status, error: s.canary.error } : { analysis: null, intervals: NO_INTERVALS, status: 'idle' as const, error: null })),
  );
  const loadCanary = useStore((s) => s.loadCanary);
  useEffect(() => {
    void loadCanary(modelId);
  }, [loadCanary, modelId]);
  const colors = useMemo(() => themeColors(), []);
  const errorOption = useMemo(() => liveCanaryOption(intervals, 'error_rate', colors), [intervals, colors]);
  const latencyOption = useMemo(() => liveCanaryOption(intervals, 'latency', colors), [intervals, colors]);

  if (status === 'error' && error) return <ErrorState error={error} onRetry={() => void loadCanary(modelId)} title="The online analysis could not be read" />;
  if (!analysis) return null;
  return (
    <article className="card live-canary" aria-labelledby="live-canary-title" data-testid="live-canary">
      <header className="card-header">
        <h3 id="live-canary-title">
          Live canary analysis · {analysis.canary_version} at {analysis.canary_pct} %
        </h3>
      </header>
      <OnlineAnalysisSummary analysis={analysis} title="This step" />
      {intervals.length > 0 && (
        <>
          <div className="live-canary-charts">
            <figure>
              <figcaption>Error rate, canary vs stable (%)</figcaption>
              <ChartFrame option={errorOption} label={`Error rate of canary ${analysis.canary_version} and stable ${analysis.stable_version} per interval`} className="live-canary-chart" />
            </figure>
            <figure>
              <figcaption>Latency, canary vs stable (ms)</figcaption>
              <ChartFrame option={latencyOption} label={`Latency of canary ${analysis.canary_version} and stable ${analysis.stable_version} per interval`} className="live-canary-chart" />
            </figure>
          </div>
          <ol className="live-canary-verdicts" aria-label="Verdict of each interval" data-testid="interval-verdicts">
            {intervals.slice(-CHIPS_SHOWN).map((interval) => (
              <li key={interval.window_end} title={`${interval.window_end}: ${interval.reason}`}>
                <Badge tone={verdictTone(interval.verdict)}>{interval.verdict}</Badge>
              </li>
            ))}
          </ol>
          <table className="visually-hidden" data-testid="live-canary-series">
            <caption>Canary and stable per interval</caption>
            <thead>
              <tr>
                <th>Interval end</th>
                <th>Verdict</th>
                <th>Canary errors</th>
                <th>Stable errors</th>
                <th>Canary latency</th>
                <th>Stable latency</th>
              </tr>
            </thead>
            <tbody>
              {intervals.map((interval) => (
                <tr key={interval.window_end}>
                  <td>{interval.window_end}</td>
                  <td>{interval.verdict}</td>
                  <td>{interval.canary.error_rate === null ? '–' : `${(interval.canary.error_rate * 100).toFixed(1)} %`}</td>
                  <td>{interval.stable.error_rate === null ? '–' : `${(interval.stable.error_rate * 100).toFixed(1)} %`}</td>
                  <td>{interval.canary.latency_ms ?? '–'}</td>
                  <td>{interval.stable.latency_ms ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </article>
  );
}
