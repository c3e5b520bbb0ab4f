// Offline evaluation runs: a candidate version measured against a baseline
// on one dataset, both sides reported by the eval runner.
import { z } from 'zod';
import { MetricDelta, GateResult, MetricName } from './gate.js';
import { FreeText, ModelId, SemVer, Sha256Hex, Timestamp } from './primitives.js';

export const RANKING_METRICS = ['ndcg@10', 'mrr@10', 'recall@100', 'zero_result_rate', 'latency_proxy'] as const;

export const MetricMap = z
  .record(MetricName, z.number().finite())
  .refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= 128, 'between 1 and 128 metrics');
export type MetricMap = z.infer<typeof MetricMap>;

export const Dataset = z.strictObject({
  name: FreeText(200).min(1),
  hash: Sha256Hex,
});

export const EvalRunReport = z
  .strictObject({
    version: SemVer,
    baseline_version: SemVer,
    dataset: Dataset,
    started_at: z.iso.datetime({ offset: true }),
    finished_at: z.iso.datetime({ offset: true }),
    metrics: MetricMap,
    baseline_metrics: MetricMap,
  })
  .refine((run) => Date.parse(run.finished_at) >= Date.parse(run.started_at), {
    message: 'finished_at must not be before started_at',
    path: ['finished_at'],
  });
export type EvalRunReport = z.infer<typeof EvalRunReport>;

export const EvalRun = z.strictObject({
  id: z.string().regex(/^run_[0-9a-z]{8,40}$/),
  model_id: ModelId,
  version: SemVer,
  baseline_version: SemVer,
  dataset: Dataset,
  started_at: Timestamp,
  finished_at: Timestamp,
  metrics: MetricMap,
  baseline_metrics: MetricMap,
  reported_by: z.string(),
  reported_at: Timestamp,
});
export type EvalRun = z.infer<typeof EvalRun>;

/** A run as the API lists it: with its delta and gate computed by shared/logic. */
export const EvalRunResult = z.strictObject({
  ...EvalRun.shape,
  delta: z.array(MetricDelta),
  gate: GateResult,
});
export type EvalRunResult = z.infer<typeof EvalRunResult>;
