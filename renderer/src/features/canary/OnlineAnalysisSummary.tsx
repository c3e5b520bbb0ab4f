// A step's online analysis in a few lines: status, bake progress, the newest
// verdict with canary and stable numbers, and why the last failure failed.
// Shown on the rollout tab, in the approvals view and with a rollout request.
import type { ReactElement } from 'react';
import type { StepAnalysisSummary, VersionWindowSummary } from '../../../../shared/domain/online-gate.js';
import { bakeProgressText } from '../../../../shared/logic/online-gate.js';
import { Badge, type Tone } from '../../ui/Badge.js';

const STATUS: Record<StepAnalysisSummary['status'], { label: string; tone: Tone }> = {
  waiting: { label: 'Waiting for the first interval', tone: 'neutral' },
  baking: { label: 'Baking', tone: 'info' },
  baked: { label: 'Baked: the next step may be requested', tone: 'good' },
  failing: { label: 'Failing', tone: 'bad' },
  rolled_back: { label: 'Rolled back automatically', tone: 'bad' },
};

const VERDICT_TONE: Record<string, Tone> = { passing: 'good', failing: 'bad', inconclusive: 'neutral' };

export const verdictTone = (verdict: string): Tone => VERDICT_TONE[verdict] ?? 'neutral';

function side(summary: VersionWindowSummary): string {
  const rate = summary.error_rate === null ? 'no requests' : `${(summary.error_rate * 100).toFixed(1)} % errors`;
  const latency = summary.latency_ms === null ? '' : `, ${summary.latency_stat} ${Math.round(summary.latency_ms * 10) / 10} ms`;
  return `${summary.version}: ${summary.requests} requests, ${rate}${latency}`;
}

export function OnlineAnalysisSummary({ analysis, title = 'Online analysis' }: { analysis: StepAnalysisSummary; title?: string }): ReactElement {
  const status = STATUS[analysis.status];
  const last = analysis.last;
  return (
    <section className="online-summary" aria-label={title} data-testid="online-analysis">
      <div className="online-summary-header">
        <h4>{title}</h4>
        <Badge tone={status.tone}>{status.label}</Badge>
        <span className="muted num" data-testid="bake-progress">
          {bakeProgressText(analysis, analysis.policy)}
        </span>
      </div>
      <p className="muted">
        {analysis.canary_version} at {analysis.canary_pct} % against {analysis.stable_version}; {analysis.intervals_evaluated} interval
        {analysis.intervals_evaluated === 1 ? '' : 's'} judged, every {analysis.policy.interval_s} s; rolls back after {analysis.policy.fail_intervals} failures in a row
        {analysis.consecutive_failures > 0 ? ` (${analysis.consecutive_failures} so far)` : ''}.
      </p>
      {last && (
        <dl className="online-summary-last">
          <dt>Last interval</dt>
          <dd>
            <Badge tone={verdictTone(last.verdict)}>{last.verdict}</Badge> {last.reason}
          </dd>
          <dt>Canary</dt>
          <dd className="num">{side(last.canary)}</dd>
          <dt>Stable</dt>
          <dd className="num">{side(last.stable)}</dd>
        </dl>
      )}
      {analysis.last_failure && (
        <p className="online-summary-failure" data-testid="last-failure">
          Why the last failing interval failed: {analysis.last_failure}
        </p>
      )}
    </section>
  );
}
