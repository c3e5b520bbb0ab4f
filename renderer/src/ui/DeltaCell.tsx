// A metric change, coloured by better / worse for the metric's direction, with
// an arrow for the sign and a word, so colour is never the only signal.
import type { ReactElement } from 'react';
import type { MetricDelta, MetricDirection, Verdict } from '../../../shared/domain/gate.js';
import { formatPercent, formatSignedMetric } from '../lib/format.js';
import { Icon } from './Icon.js';

export const VERDICT_WORD: Record<Verdict, string> = { better: 'better', worse: 'worse', same: 'no change' };
export const DIRECTION_WORD: Record<MetricDirection, string> = { higher_is_better: 'higher is better', lower_is_better: 'lower is better' };

export function DeltaCell({ delta, kind }: { delta: MetricDelta; kind: 'abs' | 'rel' }): ReactElement {
  const value = kind === 'abs' ? delta.abs : delta.rel;
  if (value === null || delta.verdict === null) {
    const why = delta.abs === null ? 'missing on one side' : 'no relative change from a zero baseline';
    return (
      <span className="delta delta-none" aria-label={`${delta.metric}: ${why}`}>
        —
      </span>
    );
  }
  const text = kind === 'abs' ? formatSignedMetric(value) : formatPercent(value, true);
  const verdict = delta.verdict;
  const arrow = value > 0 ? 'arrowUp' : value < 0 ? 'arrowDown' : 'minus';
  return (
    <span
      className={`delta delta-${verdict} num`}
      aria-label={`${delta.metric} ${kind === 'abs' ? 'change' : 'relative change'} ${text}: ${VERDICT_WORD[verdict]} (${DIRECTION_WORD[delta.direction]})`}
    >
      <Icon name={arrow} size={12} />
      {text}
    </span>
  );
}

/** The verdict as a word in a pill: the table's own "better / worse" column. */
export function VerdictLabel({ verdict }: { verdict: Verdict | null }): ReactElement {
  if (verdict === null) return <span className="verdict verdict-none">n/a</span>;
  return <span className={`verdict verdict-${verdict}`}>{VERDICT_WORD[verdict]}</span>;
}
