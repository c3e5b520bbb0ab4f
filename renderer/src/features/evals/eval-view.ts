// Reading eval runs: the metrics each version has, comparisons between any two
// versions, and a metric's trend across runs. Pure, so the charts and tables
// (and the benchmark) share one definition.
import type { EvalRunResult, MetricMap } from '../../../../shared/domain/eval-run.js';
import { RANKING_METRICS } from '../../../../shared/domain/eval-run.js';
import type { GatePolicy, GateResult, MetricDelta } from '../../../../shared/domain/gate.js';
import { computeDelta, evaluateGate } from '../../../../shared/logic/gate.js';
import { compareSemver } from '../../lib/semver.js';

const byFinished = (a: EvalRunResult, b: EvalRunResult) => (a.finished_at < b.finished_at ? -1 : a.finished_at > b.finished_at ? 1 : 0);

/** Runs newest first, the order of the runs list. */
export function newestFirst(runs: readonly EvalRunResult[]): EvalRunResult[] {
  return [...runs].sort((a, b) => byFinished(b, a));
}

/** The latest run of each candidate version (what the BFF gates a rollout on). */
export function latestRunOf(runs: readonly EvalRunResult[], version: string): EvalRunResult | null {
  let latest: EvalRunResult | null = null;
  for (const run of runs) {
    if (run.version === version && (latest === null || byFinished(run, latest) > 0)) latest = run;
  }
  return latest;
}

/** Every version that appears in a run, as candidate or baseline, newest version first. */
export function versionsInRuns(runs: readonly EvalRunResult[]): string[] {
  const versions = new Set<string>();
  for (const run of runs) {
    versions.add(run.version);
    versions.add(run.baseline_version);
  }
  return [...versions].sort((a, b) => compareSemver(b, a));
}

export type VersionMetrics = { metrics: MetricMap; run: EvalRunResult; side: 'candidate' | 'baseline' };

/** A version's measured metrics: its latest run as candidate, else its latest appearance as a baseline. */
export function metricsOfVersion(runs: readonly EvalRunResult[], version: string): VersionMetrics | null {
  const asCandidate = latestRunOf(runs, version);
  if (asCandidate) return { metrics: asCandidate.metrics, run: asCandidate, side: 'candidate' };
  let asBaseline: EvalRunResult | null = null;
  for (const run of runs) {
    if (run.baseline_version === version && (asBaseline === null || byFinished(run, asBaseline) > 0)) asBaseline = run;
  }
  return asBaseline ? { metrics: asBaseline.baseline_metrics, run: asBaseline, side: 'baseline' } : null;
}

export type Comparison = {
  candidate: string;
  baseline: string;
  delta: MetricDelta[];
  gate: GateResult;
  /** The run both numbers come from, when one measured exactly this pair. */
  run: EvalRunResult | null;
  /** Datasets of the two sides; they differ when the pair was never measured together. */
  datasets: { candidate: string; baseline: string };
};

/**
 * Candidate against baseline. A run of exactly this pair is used as reported
 * (same dataset, the BFF's delta and gate); otherwise each side's own latest
 * numbers are compared under the model's gate policy.
 */
export function compareVersions(
  runs: readonly EvalRunResult[],
  candidate: string,
  baseline: string,
  policy: GatePolicy,
): Comparison | null {
  let pair: EvalRunResult | null = null;
  for (const run of runs) {
    if (run.version === candidate && run.baseline_version === baseline && (pair === null || byFinished(run, pair) > 0)) pair = run;
  }
  if (pair) {
    return { candidate, baseline, delta: pair.delta, gate: pair.gate, run: pair, datasets: { candidate: pair.dataset.name, baseline: pair.dataset.name } };
  }
  const left = metricsOfVersion(runs, candidate);
  const right = metricsOfVersion(runs, baseline);
  if (!left || !right) return null;
  return {
    candidate,
    baseline,
    delta: computeDelta(left.metrics, right.metrics, policy),
    gate: evaluateGate(policy, left.metrics, right.metrics),
    run: null,
    datasets: { candidate: left.run.dataset.name, baseline: right.run.dataset.name },
  };
}

/** Metric names across the runs: the ranking metrics first, then the rest alphabetically. */
export function metricNames(runs: readonly EvalRunResult[]): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const name of Object.keys(run.metrics)) names.add(name);
  const ranking = (RANKING_METRICS as readonly string[]).filter((name) => names.has(name));
  const rest = [...names].filter((name) => !ranking.includes(name)).sort();
  return [...ranking, ...rest];
}

export type TrendPoint = { runId: string; version: string; finishedAt: string; value: number | null; baseline: number | null; passed: boolean };

/** One metric across runs, oldest first: the trend line's data. */
export function trendOf(runs: readonly EvalRunResult[], metric: string): TrendPoint[] {
  return [...runs].sort(byFinished).map((run) => ({
    runId: run.id,
    version: run.version,
    finishedAt: run.finished_at,
    value: Object.hasOwn(run.metrics, metric) ? (run.metrics[metric] ?? null) : null,
    baseline: Object.hasOwn(run.baseline_metrics, metric) ? (run.baseline_metrics[metric] ?? null) : null,
    passed: run.gate.passed,
  }));
}
