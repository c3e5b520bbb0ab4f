// Online canary analysis (DESIGN §9): live metrics per version while a canary
// runs, the online gate that judges each interval, the verdicts and the
// summary of one rollout step that consoles and approvers see.
import { z } from 'zod';
import { MetricName } from './gate.js';
import { ModelId, SemVer, Timestamp } from './primitives.js';

/** The actor of everything the analysis loop does on its own (verdicts, automatic rollback). */
export const CANARY_ANALYSIS_ACTOR = 'system:canary-analysis';

const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Millis = z.number().finite().min(0).max(3_600_000);
/** Business metrics a serving layer may report beside the counts (e.g. click_through), at most this many per version. */
export const MAX_BUSINESS_METRICS = 16;
const RESERVED_METRIC_KEYS = ['requests', 'errors', 'latency_p50_ms', 'latency_p95_ms', 'latency_avg_ms'];

/**
 * One version's traffic in one window. `latency_avg_ms` is what HAProxy's
 * `show stat` offers (rtime); serving layers that know percentiles report
 * p50/p95. Any other key is a business metric (a finite number).
 */
export const LiveVersionMetrics = z
  .object({
    requests: Count,
    errors: Count,
    latency_p50_ms: Millis.optional(),
    latency_p95_ms: Millis.optional(),
    latency_avg_ms: Millis.optional(),
  })
  .catchall(z.number().finite())
  .superRefine((metrics, ctx) => {
    if (metrics.errors > metrics.requests) ctx.addIssue({ code: 'custom', message: 'errors cannot exceed requests', path: ['errors'] });
    const business = Object.keys(metrics).filter((key) => !RESERVED_METRIC_KEYS.includes(key));
    if (business.length > MAX_BUSINESS_METRICS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_BUSINESS_METRICS} business metrics` });
    for (const key of business) {
      if (!MetricName.safeParse(key).success) ctx.addIssue({ code: 'custom', message: `${key} is not a metric name (lowercase, e.g. click_through)`, path: [key] });
    }
  });
export type LiveVersionMetrics = z.infer<typeof LiveVersionMetrics>;

/** `POST /admin/models/{id}/live-metrics` body (service role metrics_reporter). */
export const LiveMetricsWindow = z
  .strictObject({
    window_start: Timestamp,
    window_end: Timestamp,
    versions: z.record(SemVer, LiveVersionMetrics).refine((versions) => {
      const count = Object.keys(versions).length;
      return count >= 1 && count <= 8;
    }, 'report 1 to 8 versions'),
  })
  .refine((window) => Date.parse(window.window_end) > Date.parse(window.window_start), {
    message: 'window_end must be after window_start',
    path: ['window_end'],
  });
export type LiveMetricsWindow = z.infer<typeof LiveMetricsWindow>;

/** A business metric the canary may not lose against stable by more than `max_drop_pct` percent. */
export const BusinessMetricCheck = z.strictObject({
  metric: MetricName,
  max_drop_pct: z.number().finite().min(0).max(100),
});

/**
 * The online gate of one model. `interval_s` may be below a second only for
 * tests and demos. Inconclusive intervals (too little traffic) neither pass
 * nor fail: the step bakes only on `bake_intervals` passes in a row, and
 * `fail_intervals` failures without a pass between them roll the canary back.
 */
export const OnlineGatePolicy = z.strictObject({
  interval_s: z.number().finite().min(0.2).max(3600),
  /** Requests each of canary and stable must have served in the interval before a verdict. */
  min_requests: z.number().int().min(1).max(10_000_000),
  /** Canary error rate may exceed stable's by at most this many percentage points. */
  max_error_rate_increase_pts: z.number().finite().min(0).max(100),
  /** Canary p95 (or average, where only that is known) latency at most this multiple of stable's. */
  max_p95_latency_ratio: z.number().finite().min(1).max(100),
  /** Latency differences below this many ms are noise, never a failure. */
  latency_noise_floor_ms: z.number().finite().min(0).max(10_000),
  bake_intervals: z.number().int().min(1).max(1000),
  fail_intervals: z.number().int().min(1).max(1000),
  business_metric: BusinessMetricCheck.optional(),
});
export type OnlineGatePolicy = z.infer<typeof OnlineGatePolicy>;

export const OnlineVerdict = z.enum(['passing', 'failing', 'inconclusive']);
export type OnlineVerdict = z.infer<typeof OnlineVerdict>;

export const OnlineCheckName = z.enum(['traffic', 'error_rate', 'latency', 'business_metric']);
export type OnlineCheckName = z.infer<typeof OnlineCheckName>;

export const OnlineCheck = z.strictObject({
  check: OnlineCheckName,
  /** null: not judged (missing data), which makes the interval inconclusive. */
  passed: z.boolean().nullable(),
  canary: z.number().nullable(),
  stable: z.number().nullable(),
  /** The largest canary value allowed (or smallest, for a business metric). */
  limit: z.number().nullable(),
  /** A sentence for people: "canary 20.1 % errors vs stable 0.0 % (limit +1 pt)". */
  message: z.string(),
});
export type OnlineCheck = z.infer<typeof OnlineCheck>;

/** What one side (canary or stable) served in an interval. */
export const VersionWindowSummary = z.strictObject({
  version: SemVer,
  requests: Count,
  errors: Count,
  /** errors / requests, 0-1; null without requests. */
  error_rate: z.number().min(0).max(1).nullable(),
  latency_ms: z.number().min(0).nullable(),
  latency_stat: z.enum(['p95', 'avg']).nullable(),
});
export type VersionWindowSummary = z.infer<typeof VersionWindowSummary>;

/** The verdict of one interval, with the numbers behind it. */
export const IntervalEvaluation = z.strictObject({
  verdict: OnlineVerdict,
  window_start: Timestamp,
  window_end: Timestamp,
  canary: VersionWindowSummary,
  stable: VersionWindowSummary,
  checks: z.array(OnlineCheck),
  /** One sentence: why it failed or was inconclusive, or that it passed. */
  reason: z.string(),
});
export type IntervalEvaluation = z.infer<typeof IntervalEvaluation>;

export const StepAnalysisStatus = z.enum(['waiting', 'baking', 'baked', 'failing', 'rolled_back']);
export type StepAnalysisStatus = z.infer<typeof StepAnalysisStatus>;

/** Where a step's analysis stands: what a console's live panel and an approver read. */
export const StepAnalysisSummary = z.strictObject({
  model_id: ModelId,
  /** The deployment state this step is (each approved step bumps it). */
  state_version: z.number().int().min(0),
  canary_version: SemVer,
  stable_version: SemVer,
  canary_pct: z.number().int().min(0).max(100),
  status: StepAnalysisStatus,
  policy: OnlineGatePolicy,
  intervals_evaluated: z.number().int().min(0),
  consecutive_passes: z.number().int().min(0),
  /** Failing evaluations since the last pass (inconclusive ones neither count nor clear). */
  consecutive_failures: z.number().int().min(0),
  last: IntervalEvaluation.nullable(),
  /** The reason of the newest failing interval of this step, if any. */
  last_failure: z.string().nullable(),
  started_at: Timestamp,
  updated_at: Timestamp,
});
export type StepAnalysisSummary = z.infer<typeof StepAnalysisSummary>;
