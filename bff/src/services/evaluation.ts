// Evaluation runs: ingest what the eval runner reports and serve runs with
// their delta and gate, computed by shared/logic under the model's current policy.
import type { EvalRunRequest } from '../../../shared/api/models.js';
import type { EvalRun, EvalRunResult } from '../../../shared/domain/eval-run.js';
import type { GateResult } from '../../../shared/domain/gate.js';
import type { Model } from '../../../shared/domain/model.js';
import { computeDelta, effectiveGatePolicy, evaluateGate } from '../../../shared/logic/gate.js';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import { appendAudit } from '../store/audit-log.js';
import { insertEvalRun, listEvalRuns as listEvalRunRows, newestEvalRun } from '../store/eval-runs.js';
import { appendEvent } from '../store/event-log.js';
import { newId } from '../store/ids.js';
import type { Db } from '../store/database.js';
import { requireModel, requireVersion, type Actor } from './registry.js';

export function gateOf(model: Model, run: EvalRun): GateResult {
  return evaluateGate(effectiveGatePolicy(model), run.metrics, run.baseline_metrics);
}

export function evalRunResult(model: Model, run: EvalRun): EvalRunResult {
  const policy = effectiveGatePolicy(model);
  return {
    ...run,
    delta: computeDelta(run.metrics, run.baseline_metrics, policy),
    gate: evaluateGate(policy, run.metrics, run.baseline_metrics),
  };
}

/** The gate of a version's newest run, or null when it has never been evaluated. */
export async function latestGate(db: Db, model: Model, version: string): Promise<{ run: EvalRun; gate: GateResult } | null> {
  const run = await newestEvalRun(db, model.id, version);
  return run ? { run, gate: gateOf(model, run) } : null;
}

/**
 * How far ahead of the BFF's clock a run may claim to have finished (the
 * runner's clock may be a little fast). Beyond it the run is refused: a run
 * dated in the future would stay a version's "latest" run, and so its gate, forever.
 */
export const EVAL_RUN_CLOCK_SKEW_MS = 2 * 60_000;

export async function reportEvalRun(ctx: BffContext, actor: Actor, modelId: string, report: EvalRunRequest): Promise<EvalRunResult> {
  const now = ctx.now();
  const at = now.toISOString();
  if (Date.parse(report.finished_at) > now.getTime() + EVAL_RUN_CLOCK_SKEW_MS) {
    throw new ApiError('invalid_request', `finished_at ${report.finished_at} lies in the future (the BFF's clock says ${at})`, {
      field: 'finished_at',
      max_clock_skew_seconds: EVAL_RUN_CLOCK_SKEW_MS / 1000,
    });
  }
  const result = await ctx.db.transaction().execute(async (trx) => {
    const model = await requireModel(trx, modelId);
    await requireVersion(trx, modelId, report.version);
    await requireVersion(trx, modelId, report.baseline_version);
    const run: EvalRun = {
      id: newId('run'),
      model_id: modelId,
      version: report.version,
      baseline_version: report.baseline_version,
      dataset: report.dataset,
      // Stored in UTC so that runs order correctly as text whatever offset the runner used.
      started_at: new Date(report.started_at).toISOString(),
      finished_at: new Date(report.finished_at).toISOString(),
      metrics: report.metrics,
      baseline_metrics: report.baseline_metrics,
      reported_by: actor.username,
      reported_at: at,
    };
    await insertEvalRun(trx, run);
    const result = evalRunResult(model, run);
    await appendAudit(trx, {
      at,
      actor: actor.username,
      action: 'eval_run.reported',
      target: `model:${modelId}`,
      details: {
        model_id: modelId,
        run_id: run.id,
        version: run.version,
        baseline_version: run.baseline_version,
        dataset: run.dataset.name,
        passed: result.gate.passed,
        failed_metrics: result.gate.failed_metrics,
      },
    });
    await appendEvent(trx, at, {
      type: 'eval_run.reported',
      model_id: modelId,
      version: run.version,
      run_id: run.id,
      passed: result.gate.passed,
    });
    return result;
  });
  ctx.events.wake();
  return result;
}

export async function listEvalRuns(ctx: BffContext, modelId: string, version?: string): Promise<EvalRunResult[]> {
  const model = await requireModel(ctx.db, modelId);
  const runs = await listEvalRunRows(ctx.db, modelId, version);
  return runs.map((run) => evalRunResult(model, run));
}
