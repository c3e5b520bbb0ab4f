// A gate result in a badge: passed, or failed naming the failing metric and
// its threshold; the full list of checks is in the title and in GateChecks.
import type { ReactElement } from 'react';
import type { GateCheck, GateResult } from '../../../shared/domain/gate.js';
import { formatMetric, formatPercent } from '../lib/format.js';
import { Badge } from './Badge.js';
import { Icon } from './Icon.js';

/** "ndcg@10 fell 2.1 % (limit 1 %)" in a few words, from a failed check's numbers. */
export function shortFailure(check: GateCheck): string {
  const moved = check.direction === 'higher_is_better' ? 'fell' : 'rose';
  switch (check.reason) {
    case 'regression_rel':
      return check.observed === undefined
        ? `${check.metric} ${moved} from 0 (limit ${formatPercent(check.limit)})`
        : `${check.metric} ${moved} ${formatPercent(check.observed)} (limit ${formatPercent(check.limit)})`;
    case 'regression_abs':
      return `${check.metric} ${moved} ${formatMetric(check.observed)} (limit ${formatMetric(check.limit)})`;
    case 'below_floor':
      return `${check.metric} ${formatMetric(check.observed)} below floor ${formatMetric(check.limit)}`;
    case 'above_ceiling':
      return `${check.metric} ${formatMetric(check.observed)} above ceiling ${formatMetric(check.limit)}`;
    case 'missing_metric':
      return `${check.metric} missing`;
    default:
      return check.message;
  }
}

export function GateBadge({ gate, compact = false }: { gate: GateResult | null; compact?: boolean }): ReactElement {
  if (gate === null) return <Badge tone="neutral">No eval run</Badge>;
  if (gate.passed) {
    return (
      <Badge tone="good" title={gate.checks.map((c) => c.message).join('\n')}>
        <Icon name="check" size={12} />
        Gate passed
      </Badge>
    );
  }
  const failed = gate.checks.filter((check) => !check.passed);
  const first = failed[0];
  const more = failed.length - 1;
  const text = first ? shortFailure(first) : gate.failed_metrics.join(', ');
  return (
    <Badge tone="bad" title={failed.map((c) => c.message).join('\n')}>
      <Icon name="cross" size={12} />
      {compact ? `Gate failed: ${first?.metric ?? gate.failed_metrics[0] ?? ''}` : `Gate failed: ${text}`}
      {more > 0 && ` +${more}`}
    </Badge>
  );
}

/** Every check of a gate, failed first, each with the BFF's sentence. */
export function GateChecks({ gate }: { gate: GateResult }): ReactElement {
  const checks = [...gate.checks].sort((a, b) => Number(a.passed) - Number(b.passed));
  if (checks.length === 0) return <p className="muted">No metric is gated for this model.</p>;
  return (
    <ul className="gate-checks">
      {checks.map((check) => (
        <li key={check.metric} className={check.passed ? 'is-passed' : 'is-failed'}>
          <Icon name={check.passed ? 'check' : 'cross'} size={14} label={check.passed ? 'held' : 'failed'} />
          <span className="gate-check-metric mono">{check.metric}</span>
          <span className="gate-check-message">{check.message}</span>
        </li>
      ))}
    </ul>
  );
}
