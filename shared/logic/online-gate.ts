// The online gate's maths (DESIGN §9): defaults per model type, the verdict of
// one interval from canary and stable traffic, and how a step's consecutive
// passes and failures move. Pure: the BFF's analysis loop and the console use
// the same functions.
import type {
  IntervalEvaluation,
  LiveVersionMetrics,
  OnlineCheck,
  OnlineGatePolicy,
  OnlineVerdict,
  StepAnalysisStatus,
  VersionWindowSummary,
} from '../domain/online-gate.js';

/** Every type starts here; the per-type defaults below change only what differs. */
export const BASE_ONLINE_GATE: OnlineGatePolicy = {
  interval_s: 60,
  min_requests: 200,
  max_error_rate_increase_pts: 1,
  max_p95_latency_ratio: 1.2,
  latency_noise_floor_ms: 5,
  bake_intervals: 5,
  fail_intervals: 3,
};

const TYPE_DEFAULTS: Record<string, Partial<OnlineGatePolicy>> = {
  // Ranking sits in the search path: tight latency, plenty of traffic.
  LTR: { min_requests: 500 },
  RERANKER: { min_requests: 300 },
  // Embedding calls are cheap and many; a slower encoder shows at once.
  EMBEDDING: { min_requests: 1000, max_p95_latency_ratio: 1.1 },
  // Generation is slow and variable, with less traffic per minute.
  RAG: { interval_s: 120, min_requests: 100, max_p95_latency_ratio: 1.3, latency_noise_floor_ms: 50 },
  CLASSIFIER: { min_requests: 300 },
};

/** The online gate a model gets until an admin sets one (any unknown type gets the base). */
export function defaultOnlineGatePolicy(modelType: string): OnlineGatePolicy {
  return { ...BASE_ONLINE_GATE, ...(TYPE_DEFAULTS[modelType] ?? {}) };
}

/** Adds several windows of one version: counts sum, latencies average weighted by requests. */
export function mergeVersionMetrics(parts: readonly LiveVersionMetrics[]): LiveVersionMetrics | null {
  if (parts.length === 0) return null;
  const merged: Record<string, number> = { requests: 0, errors: 0 };
  const weighted = new Map<string, { sum: number; weight: number }>();
  for (const part of parts) {
    merged.requests! += part.requests;
    merged.errors! += part.errors;
    for (const [key, value] of Object.entries(part)) {
      if (key === 'requests' || key === 'errors' || value === undefined) continue;
      // A window without requests still carries its figure, with a minimal weight.
      const weight = Math.max(part.requests, 1e-9);
      const entry = weighted.get(key) ?? { sum: 0, weight: 0 };
      entry.sum += value * weight;
      entry.weight += weight;
      weighted.set(key, entry);
    }
  }
  for (const [key, { sum, weight }] of weighted) merged[key] = sum / weight;
  return merged as LiveVersionMetrics;
}

export interface IntervalInput {
  window_start: string;
  window_end: string;
  canary: { version: string; metrics: LiveVersionMetrics | null };
  stable: { version: string; metrics: LiveVersionMetrics | null };
}

function summarize(version: string, metrics: LiveVersionMetrics | null, stat: 'p95' | 'avg' | null): VersionWindowSummary {
  const requests = metrics?.requests ?? 0;
  const errors = metrics?.errors ?? 0;
  const latency = stat === 'p95' ? metrics?.latency_p95_ms : stat === 'avg' ? metrics?.latency_avg_ms : undefined;
  return {
    version,
    requests,
    errors,
    error_rate: requests > 0 ? errors / requests : null,
    latency_ms: latency ?? null,
    latency_stat: latency === undefined ? null : stat,
  };
}

/** The latency figure both sides have: p95 where both report it, else the average; null when they share none. */
function sharedLatencyStat(canary: LiveVersionMetrics | null, stable: LiveVersionMetrics | null): 'p95' | 'avg' | null {
  if (canary?.latency_p95_ms !== undefined && stable?.latency_p95_ms !== undefined) return 'p95';
  if (canary?.latency_avg_ms !== undefined && stable?.latency_avg_ms !== undefined) return 'avg';
  return null;
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;
const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;

/**
 * Judges one interval. Too little traffic on either side is inconclusive —
 * never passing: a canary nobody used has shown nothing. Otherwise any failed
 * check fails the interval; a check without data (no shared latency figure, a
 * configured business metric not reported) makes it inconclusive.
 */
export function evaluateInterval(policy: OnlineGatePolicy, input: IntervalInput): IntervalEvaluation {
  const stat = sharedLatencyStat(input.canary.metrics, input.stable.metrics);
  const canary = summarize(input.canary.version, input.canary.metrics, stat);
  const stable = summarize(input.stable.version, input.stable.metrics, stat);
  const base = { window_start: input.window_start, window_end: input.window_end, canary, stable };

  const enough = canary.requests >= policy.min_requests && stable.requests >= policy.min_requests;
  const traffic: OnlineCheck = {
    check: 'traffic',
    passed: enough ? true : null,
    canary: canary.requests,
    stable: stable.requests,
    limit: policy.min_requests,
    message: `canary ${canary.requests}, stable ${stable.requests} requests (at least ${policy.min_requests} each)`,
  };
  if (!enough) {
    return { ...base, verdict: 'inconclusive', checks: [traffic], reason: `too little traffic: ${traffic.message}` };
  }

  const checks: OnlineCheck[] = [traffic];
  const canaryRate = canary.error_rate!;
  const stableRate = stable.error_rate!;
  const rateLimit = stableRate + policy.max_error_rate_increase_pts / 100;
  checks.push({
    check: 'error_rate',
    // A hair of tolerance: 1 point above a 0.5 % stable is 1.5 %, which must pass.
    passed: canaryRate <= rateLimit + 1e-12,
    canary: canaryRate,
    stable: stableRate,
    limit: rateLimit,
    message: `canary ${pct(canaryRate)} errors vs stable ${pct(stableRate)} (limit +${policy.max_error_rate_increase_pts} pt: ${pct(Math.min(1, rateLimit))})`,
  });

  if (stat === null || canary.latency_ms === null || stable.latency_ms === null) {
    checks.push({ check: 'latency', passed: null, canary: null, stable: null, limit: null, message: 'no latency figure reported for both versions' });
  } else {
    const latencyLimit = Math.max(stable.latency_ms * policy.max_p95_latency_ratio, stable.latency_ms + policy.latency_noise_floor_ms);
    checks.push({
      check: 'latency',
      passed: canary.latency_ms <= latencyLimit + 1e-9,
      canary: canary.latency_ms,
      stable: stable.latency_ms,
      limit: latencyLimit,
      message: `canary ${stat} ${ms(canary.latency_ms)} vs stable ${ms(stable.latency_ms)} (limit ${policy.max_p95_latency_ratio}x: ${ms(latencyLimit)})`,
    });
  }

  if (policy.business_metric) {
    const { metric, max_drop_pct } = policy.business_metric;
    const canaryValue = input.canary.metrics?.[metric];
    const stableValue = input.stable.metrics?.[metric];
    if (typeof canaryValue !== 'number' || typeof stableValue !== 'number') {
      checks.push({ check: 'business_metric', passed: null, canary: null, stable: null, limit: null, message: `${metric} not reported for both versions` });
    } else {
      const floor = stableValue - (Math.abs(stableValue) * max_drop_pct) / 100;
      checks.push({
        check: 'business_metric',
        passed: canaryValue >= floor - 1e-12,
        canary: canaryValue,
        stable: stableValue,
        limit: floor,
        message: `${metric}: canary ${canaryValue} vs stable ${stableValue} (at most ${max_drop_pct} % lower: ${Math.round(floor * 10_000) / 10_000})`,
      });
    }
  }

  const failed = checks.filter((check) => check.passed === false);
  if (failed.length > 0) return { ...base, verdict: 'failing', checks, reason: failed.map((check) => check.message).join('; ') };
  const unknown = checks.filter((check) => check.passed === null);
  if (unknown.length > 0) return { ...base, verdict: 'inconclusive', checks, reason: unknown.map((check) => check.message).join('; ') };
  return { ...base, verdict: 'passing', checks, reason: 'every check held' };
}

export interface StepProgress {
  intervals_evaluated: number;
  consecutive_passes: number;
  consecutive_failures: number;
}

export const NO_PROGRESS: StepProgress = { intervals_evaluated: 0, consecutive_passes: 0, consecutive_failures: 0 };

/**
 * How a step's counters move with one verdict: a pass adds to the passes and
 * clears the failures; a failure adds to the failures and clears the passes;
 * an inconclusive interval clears the passes (a bake needs passes in a row)
 * and leaves the failures as they were (a traffic dip must not hide a failing canary).
 */
export function advanceProgress(progress: StepProgress, verdict: OnlineVerdict): StepProgress {
  const intervals_evaluated = progress.intervals_evaluated + 1;
  switch (verdict) {
    case 'passing':
      return { intervals_evaluated, consecutive_passes: progress.consecutive_passes + 1, consecutive_failures: 0 };
    case 'failing':
      return { intervals_evaluated, consecutive_passes: 0, consecutive_failures: progress.consecutive_failures + 1 };
    case 'inconclusive':
      return { intervals_evaluated, consecutive_passes: 0, consecutive_failures: progress.consecutive_failures };
  }
}

export function isBaked(progress: StepProgress, policy: Pick<OnlineGatePolicy, 'bake_intervals'>): boolean {
  return progress.consecutive_passes >= policy.bake_intervals;
}

export function mustRollBack(progress: StepProgress, policy: Pick<OnlineGatePolicy, 'fail_intervals'>): boolean {
  return progress.consecutive_failures >= policy.fail_intervals;
}

/** The step's status from its counters (rolled_back is recorded, not derived). */
export function stepStatus(progress: StepProgress, policy: Pick<OnlineGatePolicy, 'bake_intervals' | 'fail_intervals'>): StepAnalysisStatus {
  if (mustRollBack(progress, policy)) return 'rolled_back';
  if (isBaked(progress, policy)) return 'baked';
  if (progress.consecutive_failures > 0) return 'failing';
  if (progress.intervals_evaluated === 0) return 'waiting';
  return 'baking';
}

/** "3 of 5 intervals passed" — passes in a row toward the bake, capped at the bake. */
export function bakeProgressText(progress: Pick<StepProgress, 'consecutive_passes'>, policy: Pick<OnlineGatePolicy, 'bake_intervals'>): string {
  return `${Math.min(progress.consecutive_passes, policy.bake_intervals)} of ${policy.bake_intervals} intervals passed`;
}
