// Gate policy and the results of comparing a candidate with its baseline.
import { z } from 'zod';

export const MetricName = z
  .string()
  .regex(/^[a-z][a-z0-9_@.-]{0,63}$/, 'metric names are lowercase, e.g. ndcg@10 or latency_p99_ms');
export type MetricName = z.infer<typeof MetricName>;

export const MetricDirection = z.enum(['higher_is_better', 'lower_is_better']);
export type MetricDirection = z.infer<typeof MetricDirection>;

/**
 * One gated metric. A regression is a move in the worse direction; the gate
 * fails when it exceeds `max_regression_abs` (in metric units) or
 * `max_regression_rel` (a fraction of the baseline, 0.01 = 1 %), or when the
 * candidate falls below `floor` / rises above `ceiling`.
 */
export const MetricGate = z
  .strictObject({
    direction: MetricDirection,
    max_regression_abs: z.number().finite().min(0).optional(),
    max_regression_rel: z.number().finite().min(0).optional(),
    floor: z.number().finite().optional(),
    ceiling: z.number().finite().optional(),
  })
  .refine(
    (gate) => [gate.max_regression_abs, gate.max_regression_rel, gate.floor, gate.ceiling].some((limit) => limit !== undefined),
    'a gated metric needs at least one limit',
  );
export type MetricGate = z.infer<typeof MetricGate>;

export const GatePolicy = z.strictObject({
  metrics: z.record(MetricName, MetricGate).refine((m) => Object.keys(m).length <= 64, 'at most 64 gated metrics'),
});
export type GatePolicy = z.infer<typeof GatePolicy>;

export const Verdict = z.enum(['better', 'worse', 'same']);
export type Verdict = z.infer<typeof Verdict>;

export const MetricDelta = z.strictObject({
  metric: MetricName,
  direction: MetricDirection,
  baseline: z.number().nullable(),
  candidate: z.number().nullable(),
  /** candidate - baseline; null when either side is missing. */
  abs: z.number().nullable(),
  /** (candidate - baseline) / |baseline|; null when the baseline is 0 or missing. */
  rel: z.number().nullable(),
  verdict: Verdict.nullable(),
});
export type MetricDelta = z.infer<typeof MetricDelta>;

export const GateFailureReason = z.enum(['regression_abs', 'regression_rel', 'below_floor', 'above_ceiling', 'missing_metric']);
export type GateFailureReason = z.infer<typeof GateFailureReason>;

export const GateCheck = z.strictObject({
  metric: MetricName,
  direction: MetricDirection,
  passed: z.boolean(),
  /** Set when the check failed: which limit, its value and what was observed. */
  reason: GateFailureReason.optional(),
  limit: z.number().optional(),
  observed: z.number().optional(),
  /** A sentence for people, e.g. "ndcg@10 fell 2.1 % (limit 1 %)". */
  message: z.string(),
});
export type GateCheck = z.infer<typeof GateCheck>;

export const GateResult = z.strictObject({
  passed: z.boolean(),
  checks: z.array(GateCheck),
  failed_metrics: z.array(MetricName),
});
export type GateResult = z.infer<typeof GateResult>;
