// The online gate and live metrics as the routes use them (DESIGN §9): a
// model's online gate (the type's default until an admin sets one, with
// step-up, audited), live metrics from a serving layer's metrics_reporter,
// and the live step's analysis for consoles and for rollout requests.
import type { CanaryAnalysisResponse, LiveMetricsResponse, OnlineGateResponse } from '../../../../shared/api/canary.js';
import type { LiveMetricsWindow, OnlineGatePolicy, StepAnalysisSummary } from '../../../../shared/domain/online-gate.js';
import type { Model } from '../../../../shared/domain/model.js';
import { defaultOnlineGatePolicy } from '../../../../shared/logic/online-gate.js';
import { onlineGateLoosening } from '../../../../shared/logic/online-gate-loosening.js';
import type { PolicyChange } from '../../../../shared/domain/policy-change.js';
import { applyOnlineGate, proposePolicyChange } from '../policy-changes.js';
import type { BffContext } from '../../context.js';
import { fail } from '../../errors.js';
import type { Principal } from '../principal.js';
import { findCanaryStep, findOnlineGatePolicy, insertSamples, stepEvaluations, stepSummaryOf, type NewSample } from '../../store/canary-analysis.js';
import type { Db } from '../../store/database.js';
import { requireDeployment, requireModel, type Actor } from '../registry.js';
import type { SpendStepUp } from '../step-up.js';
import { DEFAULT_CANARY_ANALYSIS_SETTINGS, type CanaryAnalysisSettings } from './canary-settings.js';

/** A reporter's clock may run this far ahead of ours before its window counts as "in the future". */
export const LIVE_METRICS_CLOCK_SKEW_MS = 5000;
/** Verdicts the analysis endpoint answers per step (the live panel's history). */
const INTERVALS_SHOWN = 200;

export function canarySettingsOf(ctx: Pick<BffContext, 'settings'>): CanaryAnalysisSettings {
  return ctx.settings.canaryAnalysis ?? DEFAULT_CANARY_ANALYSIS_SETTINGS;
}

/** The online gate in force for a model: its own, or its type's default. */
export async function effectiveOnlineGate(db: Db, model: Pick<Model, 'id' | 'type'>): Promise<OnlineGateResponse> {
  const own = await findOnlineGatePolicy(db, model.id);
  return own ? { policy: own, is_default: false } : { policy: defaultOnlineGatePolicy(model.type), is_default: true };
}

export async function getOnlineGate(ctx: BffContext, modelId: string): Promise<OnlineGateResponse> {
  return effectiveOnlineGate(ctx.db, await requireModel(ctx.db, modelId));
}

export type OnlineGateUpdate = { kind: 'applied'; gate: OnlineGateResponse } | { kind: 'pending'; change: PolicyChange };

/**
 * Sets (or with null, resets to the type's default) a model's online gate;
 * admin with step-up, audited. An edit that loosens the effective gate waits
 * for a second admin like any policy loosening (two-person rule 10); a
 * tightening applies at once. A live step keeps the gate it started with.
 */
export async function setOnlineGate(ctx: BffContext, actor: Actor, modelId: string, policy: OnlineGatePolicy | null, spendStepUp: SpendStepUp): Promise<OnlineGateUpdate> {
  const now = ctx.now();
  const at = now.toISOString();
  return ctx.db.transaction().execute(async (trx): Promise<OnlineGateUpdate> => {
    const { authTime } = await spendStepUp(trx, now);
    const model = await requireModel(trx, modelId);
    const before = await findOnlineGatePolicy(trx, modelId);
    const gate = { before, after: policy };
    const loosens = onlineGateLoosening(model.type, before, policy);
    if (loosens.length > 0) {
      const change = await proposePolicyChange(trx, now, actor, model, { before: model.policy, after: model.policy, loosens, authTime, online_gate: gate });
      return { kind: 'pending', change };
    }
    await applyOnlineGate(trx, at, actor, model, gate, { auth_time: authTime });
    return { kind: 'applied', gate: await effectiveOnlineGate(trx, model) };
  });
}

/**
 * Stores a serving layer's window for the model's live step. Versions that
 * are neither its canary nor its stable are answered as ignored, as is
 * everything while no canary is live: a reporter posts on its own schedule.
 */
export async function reportLiveMetrics(ctx: BffContext, reporter: Principal, modelId: string, body: LiveMetricsWindow): Promise<LiveMetricsResponse> {
  const now = ctx.now();
  if (Date.parse(body.window_end) > now.getTime() + LIVE_METRICS_CLOCK_SKEW_MS) {
    fail('invalid_request', `window_end ${body.window_end} lies in the future`, { now: now.toISOString() });
  }
  await requireModel(ctx.db, modelId);
  const deployment = await requireDeployment(ctx.db, modelId);
  const live = deployment.canary_version !== null && deployment.canary_pct > 0 && deployment.stable_version !== null;
  const stepVersions = live ? [deployment.canary_version, deployment.stable_version] : [];
  const accepted = Object.keys(body.versions).filter((version) => stepVersions.includes(version));
  const ignored = Object.keys(body.versions).filter((version) => !stepVersions.includes(version));
  const at = now.toISOString();
  const samples: NewSample[] = accepted.map((version) => ({
    model_id: modelId,
    state_version: deployment.state_version,
    version,
    source: 'reported',
    reported_by: reporter.username,
    window_start: new Date(body.window_start).toISOString(),
    window_end: new Date(body.window_end).toISOString(),
    metrics: body.versions[version]!,
    received_at: at,
  }));
  await insertSamples(ctx.db, samples, canarySettingsOf(ctx).keepSamplesPerModel);
  return { accepted_versions: accepted, ignored_versions: ignored };
}

/** The model's newest analysed step (live or finished) and its verdicts. */
export async function getCanaryAnalysis(ctx: BffContext, modelId: string): Promise<CanaryAnalysisResponse> {
  await requireModel(ctx.db, modelId);
  const row = await findCanaryStep(ctx.db, modelId);
  if (!row) return { analysis: null, intervals: [] };
  return { analysis: stepSummaryOf(row), intervals: await stepEvaluations(ctx.db, modelId, row.state_version, INTERVALS_SHOWN) };
}

/** The live step's analysis when the deployment is still at `stateVersion` (what a rollout request carries). */
export async function liveStepSummary(db: Db, modelId: string, stateVersion: number): Promise<StepAnalysisSummary | null> {
  const row = await findCanaryStep(db, modelId);
  return row && row.state_version === stateVersion ? stepSummaryOf(row) : null;
}
