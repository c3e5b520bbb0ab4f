// Delta and gate maths for eval runs: which way each metric should move, and
// whether a candidate held against its baseline under a model's gate policy.
import type { GateCheck, GateFailureReason, GatePolicy, GateResult, MetricDelta, MetricDirection, MetricGate, Verdict } from '../domain/gate.js';
import { RANKING_METRICS, type MetricMap } from '../domain/eval-run.js';
import type { ModelPolicy } from '../domain/model.js';

/**
 * Metrics where a smaller number is the better one, recognised by name when a
 * policy does not say: costs, latencies, error rates and losses.
 */
export const LOWER_IS_BETTER = {
  names: ['zero_result_rate', 'latency_proxy', 'error_rate', 'loss', 'log_loss', 'perplexity'],
  prefixes: ['latency', 'cost'],
  suffixes: ['_ms', '_seconds', '_loss', '_error_rate'],
} as const;

/**
 * Differences this small relative to the baseline (or 1, whichever is larger)
 * are rounding noise: 0.5 - 0.495 is 0.005000000000000004 in binary floating
 * point, and a 1 % limit must still pass a drop of exactly 1 %.
 */
export const GATE_TOLERANCE = 1e-12;

const RETRIEVAL_TYPES: readonly string[] = ['LTR', 'RERANKER', 'RAG', 'EMBEDDING'];

/** Direction of `metric`: the policy's entry when it gates the metric, otherwise by name. */
export function metricDirection(metric: string, policy?: GatePolicy): MetricDirection {
  const gate = policy ? gateFor(policy, metric) : undefined;
  if (gate) return gate.direction;
  const lower =
    (LOWER_IS_BETTER.names as readonly string[]).includes(metric) ||
    LOWER_IS_BETTER.prefixes.some((prefix) => metric.startsWith(prefix)) ||
    LOWER_IS_BETTER.suffixes.some((suffix) => metric.endsWith(suffix));
  return lower ? 'lower_is_better' : 'higher_is_better';
}

/**
 * The gate a model gets when its policy names none. Types without a default
 * (the set of model types is open) get an empty policy: every run passes and
 * nothing is gated until an admin sets a policy for that model.
 */
export function defaultGatePolicy(modelType: string): GatePolicy {
  if (RETRIEVAL_TYPES.includes(modelType)) {
    return {
      metrics: {
        'ndcg@10': { direction: 'higher_is_better', max_regression_rel: 0.01 },
        'mrr@10': { direction: 'higher_is_better', max_regression_rel: 0.01 },
        'recall@100': { direction: 'higher_is_better', max_regression_abs: 0.01 },
        zero_result_rate: { direction: 'lower_is_better', max_regression_abs: 0.005, ceiling: 0.1 },
        latency_proxy: { direction: 'lower_is_better', max_regression_rel: 0.1 },
      },
    };
  }
  if (modelType === 'CLASSIFIER') {
    return {
      metrics: {
        accuracy: { direction: 'higher_is_better', max_regression_abs: 0.005 },
        f1: { direction: 'higher_is_better', max_regression_abs: 0.01 },
        auc_roc: { direction: 'higher_is_better', max_regression_abs: 0.005 },
        latency_p99_ms: { direction: 'lower_is_better', max_regression_rel: 0.1 },
      },
    };
  }
  return { metrics: {} };
}

/** The gate that applies to a model: its own policy's gate, else its type's default. */
export function effectiveGatePolicy(model: { type: string; policy: ModelPolicy }): GatePolicy {
  return model.policy.gate ?? defaultGatePolicy(model.type);
}

/**
 * Candidate minus baseline for every metric either side reports. Rows come
 * gated metrics first (in policy order), then the usual ranking metrics, then
 * the rest alphabetically, so tables read the same for every run. A value that
 * is not a finite number counts as missing.
 */
export function computeDelta(candidate: MetricMap, baseline: MetricMap, policy?: GatePolicy): MetricDelta[] {
  const names = [...new Set([...Object.keys(candidate), ...Object.keys(baseline)])];
  return names.sort(metricOrder(policy)).map((metric): MetricDelta => {
    const direction = metricDirection(metric, policy);
    const candidateValue = valueOf(candidate, metric);
    const baselineValue = valueOf(baseline, metric);
    if (candidateValue === null || baselineValue === null) {
      return { metric, direction, baseline: baselineValue, candidate: candidateValue, abs: null, rel: null, verdict: null };
    }
    const abs = candidateValue - baselineValue;
    return {
      metric,
      direction,
      baseline: baselineValue,
      candidate: candidateValue,
      abs,
      rel: shareOf(abs, baselineValue),
      verdict: verdictOf(direction, abs, baselineValue),
    };
  });
}

/** Checks every gated metric, in policy order; the gate passes when all of them hold. */
export function evaluateGate(policy: GatePolicy, candidate: MetricMap, baseline: MetricMap): GateResult {
  const checks = Object.entries(policy.metrics).map(([metric, gate]) =>
    checkMetric(metric, gate, valueOf(candidate, metric), valueOf(baseline, metric)),
  );
  const failedMetrics = checks.filter((check) => !check.passed).map((check) => check.metric);
  return { passed: failedMetrics.length === 0, checks, failed_metrics: failedMetrics };
}

function checkMetric(metric: string, gate: MetricGate, candidate: number | null, baseline: number | null): GateCheck {
  const { direction } = gate;
  const failure = (reason: GateFailureReason, message: string, limit?: number, observed?: number): GateCheck => ({
    metric,
    direction,
    passed: false,
    reason,
    ...(limit === undefined ? {} : { limit }),
    ...(observed === undefined ? {} : { observed }),
    message,
  });

  if (candidate === null || baseline === null) {
    const where = candidate === null && baseline === null ? 'candidate and baseline runs' : candidate === null ? 'candidate run' : 'baseline run';
    return failure('missing_metric', `${metric} is missing from the ${where}`);
  }
  if (gate.floor !== undefined && candidate < gate.floor) {
    const [value, floor] = formatNumberPair(candidate, gate.floor);
    return failure('below_floor', `${metric} ${value} is below the floor ${floor}`, gate.floor, candidate);
  }
  if (gate.ceiling !== undefined && candidate > gate.ceiling) {
    const [value, ceiling] = formatNumberPair(candidate, gate.ceiling);
    return failure('above_ceiling', `${metric} ${value} is above the ceiling ${ceiling}`, gate.ceiling, candidate);
  }

  const regression = Math.max(0, direction === 'higher_is_better' ? baseline - candidate : candidate - baseline);
  const moved = direction === 'higher_is_better' ? 'fell' : 'rose';
  const noise = GATE_TOLERANCE * Math.max(1, Math.abs(baseline), Math.abs(candidate));

  if (gate.max_regression_abs !== undefined && regression > gate.max_regression_abs + noise) {
    const [amount, limit] = formatNumberPair(regression, gate.max_regression_abs);
    const ratio = shareOf(regression, baseline);
    const share = ratio === null ? '' : ` (${formatPercent(ratio)})`;
    return failure(
      'regression_abs',
      `${metric} ${moved} by ${amount}${share}, more than the allowed ${limit}`,
      gate.max_regression_abs,
      regression,
    );
  }
  if (gate.max_regression_rel !== undefined) {
    const ratio = shareOf(regression, baseline);
    if (ratio === null) {
      // No share of a zero (or vanishingly small) baseline is a number, so any real regression breaks a relative limit.
      if (regression > noise) {
        return failure(
          'regression_rel',
          `${metric} ${moved} by ${formatNumber(regression)} from a baseline of ${formatNumber(baseline)}, ` +
            `so no relative limit (allowed ${formatPercent(gate.max_regression_rel)}) can hold`,
          gate.max_regression_rel,
        );
      }
    } else if (ratio > gate.max_regression_rel + GATE_TOLERANCE * Math.max(1, gate.max_regression_rel)) {
      const [share, limit] = formatPercentPair(ratio, gate.max_regression_rel);
      return failure(
        'regression_rel',
        `${metric} ${moved} by ${formatNumber(regression)} (${share}), more than the allowed ${limit}`,
        gate.max_regression_rel,
        ratio,
      );
    }
  }
  return { metric, direction, passed: true, message: passedMessage(metric, gate, candidate, baseline) };
}

function passedMessage(metric: string, gate: MetricGate, candidate: number, baseline: number): string {
  const abs = candidate - baseline;
  const rel = shareOf(abs, baseline);
  if (verdictOf(gate.direction, abs, baseline) === 'better') {
    return `${metric} improved (${signed(abs, formatNumber(abs))}${rel === null ? '' : `, ${signed(rel, formatPercent(rel))}`})`;
  }
  const parts: string[] = [];
  if (gate.max_regression_abs !== undefined) {
    parts.push(`${signed(abs, formatNumber(abs))}, limit ${formatNumber(gate.max_regression_abs)}`);
  }
  if (gate.max_regression_rel !== undefined) {
    const change = rel === null ? `${signed(abs, formatNumber(abs))} from 0` : signed(rel, formatPercent(rel));
    parts.push(`${change}, limit ${formatPercent(gate.max_regression_rel)}`);
  }
  const bounds = [
    gate.floor === undefined ? null : `floor ${formatNumber(gate.floor)}`,
    gate.ceiling === undefined ? null : `ceiling ${formatNumber(gate.ceiling)}`,
  ].filter((bound) => bound !== null);
  if (bounds.length > 0) parts.push(`${formatNumber(candidate)}, ${bounds.join(' and ')}`);
  return `${metric} held (${parts.join('; ')})`;
}

/**
 * `change` as a share of |baseline|; null where there is none: a zero baseline, or one
 * so small (a subnormal) that the share is not a finite number and could not be stored.
 */
function shareOf(change: number, baseline: number): number | null {
  if (baseline === 0) return null;
  const share = change / Math.abs(baseline);
  return Number.isFinite(share) ? share : null;
}

function verdictOf(direction: MetricDirection, abs: number, baseline: number): Verdict {
  if (Math.abs(abs) <= GATE_TOLERANCE * Math.max(1, Math.abs(baseline))) return 'same';
  return abs > 0 === (direction === 'higher_is_better') ? 'better' : 'worse';
}

// Metric names come from run reports: "constructor" or "__proto__" must not find Object.prototype.
function valueOf(metrics: MetricMap, metric: string): number | null {
  if (!Object.hasOwn(metrics, metric)) return null;
  const value = metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function gateFor(policy: GatePolicy, metric: string): MetricGate | undefined {
  return Object.hasOwn(policy.metrics, metric) ? policy.metrics[metric] : undefined;
}

function metricOrder(policy?: GatePolicy): (a: string, b: string) => number {
  const gated = policy ? Object.keys(policy.metrics) : [];
  const ranking: readonly string[] = RANKING_METRICS;
  const rank = (metric: string): [number, number] => {
    const gatedAt = gated.indexOf(metric);
    if (gatedAt >= 0) return [0, gatedAt];
    const rankingAt = ranking.indexOf(metric);
    return rankingAt >= 0 ? [1, rankingAt] : [2, 0];
  };
  return (a, b) => {
    const [groupA, indexA] = rank(a);
    const [groupB, indexB] = rank(b);
    if (groupA !== groupB) return groupA - groupB;
    if (indexA !== indexB) return indexA - indexB;
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

// Numbers in messages: three significant digits, more only where two shown
// side by side would otherwise look equal ("0.1 is above the ceiling 0.1").
const MINUS = '\u2212';

function digits(value: number, significant: number): string {
  const magnitude = Math.abs(value);
  const decimals = magnitude === 0 ? significant - 1 : significant - 1 - Math.floor(Math.log10(magnitude));
  return magnitude.toFixed(Math.min(100, Math.max(0, decimals)));
}

function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}

function withSign(value: number, text: string): string {
  return value < 0 && /[1-9]/.test(text) ? MINUS + text : text;
}

function signed(value: number, text: string): string {
  return value > 0 ? `+${text}` : text;
}

function formatNumber(value: number, significant = 3): string {
  return withSign(value, trimZeros(digits(value, significant)));
}

function formatPercent(fraction: number, significant = 3): string {
  return `${withSign(fraction, digits(fraction * 100, significant))} %`;
}

function formatNumberPair(a: number, b: number): [string, string] {
  for (let significant = 3; ; significant++) {
    const decimals = Math.max(decimalsOf(formatNumber(a, significant)), decimalsOf(formatNumber(b, significant)));
    const pair: [string, string] = [fixed(a, decimals), fixed(b, decimals)];
    if (pair[0] !== pair[1] || a === b || significant >= 17) return pair;
  }
}

function formatPercentPair(a: number, b: number): [string, string] {
  for (let significant = 3; ; significant++) {
    const pair: [string, string] = [formatPercent(a, significant), formatPercent(b, significant)];
    if (pair[0] !== pair[1] || a === b || significant >= 17) return pair;
  }
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 || text.includes('e') ? 0 : text.length - dot - 1;
}

function fixed(value: number, decimals: number): string {
  return withSign(value, Math.abs(value).toFixed(decimals));
}
