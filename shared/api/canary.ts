// Online canary analysis over HTTP (DESIGN §9): live metrics from a serving
// layer, the per-model online gate, and a step's analysis for the live panel.
import { z } from 'zod';
import { IntervalEvaluation, OnlineGatePolicy, StepAnalysisSummary } from '../domain/online-gate.js';
import { SemVer } from '../domain/primitives.js';

export { LiveMetricsWindow as LiveMetricsRequest } from '../domain/online-gate.js';

/** `POST /admin/models/{id}/live-metrics` (service role metrics_reporter) -> 202. */
export const LiveMetricsResponse = z.strictObject({
  /** The versions stored for the model's live step; versions not in the step are ignored. */
  accepted_versions: z.array(SemVer),
  ignored_versions: z.array(SemVer),
});
export type LiveMetricsResponse = z.infer<typeof LiveMetricsResponse>;

/** `GET|PUT /admin/models/{id}/online-gate`: the policy in force and whether it is the type's default. */
export const OnlineGateResponse = z.strictObject({ policy: OnlineGatePolicy, is_default: z.boolean() });
export type OnlineGateResponse = z.infer<typeof OnlineGateResponse>;

/** `PUT /admin/models/{id}/online-gate` (admin, step-up purpose `policy`); null restores the type's default. */
export const SetOnlineGateRequest = z.strictObject({ policy: OnlineGatePolicy.nullable() });
export type SetOnlineGateRequest = z.infer<typeof SetOnlineGateRequest>;

/** `GET /admin/models/{id}/canary-analysis`: the newest step's summary and its intervals, oldest first. */
export const CanaryAnalysisResponse = z.strictObject({
  analysis: StepAnalysisSummary.nullable(),
  intervals: z.array(IntervalEvaluation),
});
export type CanaryAnalysisResponse = z.infer<typeof CanaryAnalysisResponse>;
