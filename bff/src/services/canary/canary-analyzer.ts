// The online canary analysis loop (DESIGN §9, README "Online canary
// analysis"): for each model with a live canary step it samples HAProxy's
// `show stat` per version and the windows reported by metrics_reporter
// accounts, judges each interval with the model's online gate, records the
// verdict and announces it, and after `fail_intervals` failures rolls the
// canary back through the one rollback path, as `system:canary-analysis`.
// Advancing is never automatic. One evaluator per model at a time, across
// replicas: the analysis row is claimed with a lease, as the dispatch outbox is.
import type { ChangeRequest } from '../../../../shared/domain/change-request.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { CANARY_ANALYSIS_ACTOR, type IntervalEvaluation, type LiveVersionMetrics, type OnlineGatePolicy } from '../../../../shared/domain/online-gate.js';
import { OnlineGatePolicy as OnlineGatePolicySchema } from '../../../../shared/domain/online-gate.js';
import type { JsonValue } from '../../../../shared/domain/primitives.js';
import { advanceProgress, evaluateInterval, mergeVersionMetrics, mustRollBack, stepStatus } from '../../../../shared/logic/online-gate.js';
import type { BffContext } from '../../context.js';
import {
  claimCanaryStep,
  activeSteps,
  endStep,
  findCanaryStep,
  hasReportedSamples,
  insertEvaluation,
  insertSamples,
  liveCanaries,
  releaseCanaryStep,
  reportedSamples,
  stepSummaryOf,
  updateCanaryStep,
  type NewSample,
} from '../../store/canary-analysis.js';
import { listChangeRequests } from '../../store/change-requests.js';
import type { Db } from '../../store/database.js';
import { findDeployment } from '../../store/deployments.js';
import { appendEvent } from '../../store/event-log.js';
import { findModel } from '../../store/models.js';
import type { CanaryStepRow, CanaryStepsTable } from '../../store/schema.js';
import { addressOf, findServingTarget } from '../../store/serving-targets.js';
import { listVersions } from '../../store/versions.js';
import { rollbackInTransaction } from '../rollout.js';
import { canarySettingsOf, effectiveOnlineGate } from './canary-service.js';
import { readServerCounters, snapshotOf, trafficSince, type CounterSnapshot } from './haproxy-stats.js';

type Log = (level: 'warn' | 'error', message: string, error?: unknown) => void;

class LeaseLost extends Error {}

function isLive(deployment: Deployment | undefined): deployment is Deployment & { canary_version: string; stable_version: string } {
  return deployment !== undefined && deployment.canary_version !== null && deployment.stable_version !== null && deployment.canary_pct > 0;
}

const later = (at: Date, policy: OnlineGatePolicy) => new Date(at.getTime() + Math.round(policy.interval_s * 1000)).toISOString();

/** The people a rollout step answers to: who requested the canary's steps and who approved them. */
export function peopleOfRollout(dispatched: readonly ChangeRequest[], canaryVersion: string): string[] {
  const people = new Set<string>();
  for (const request of dispatched) {
    if (request.target_version !== canaryVersion) break;
    people.add(request.requested_by);
    for (const decision of request.decisions) if (decision.decision === 'approve') people.add(decision.by);
    if (request.action === 'start_canary') break;
  }
  return [...people];
}

export class CanaryAnalyzer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;

  constructor(
    private readonly ctx: BffContext,
    private readonly log: Log = () => undefined,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => {
      // One pass at a time: a slow HAProxy must not pile passes up.
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.log('warn', 'canary analysis pass failed', error))
        .finally(() => (this.running = null));
    }, canarySettingsOf(this.ctx).tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: starts new steps and evaluates the steps that are due (tests call it directly). */
  async runOnce(): Promise<void> {
    const now = this.ctx.now();
    const at = now.toISOString();
    // An idle pass only reads: steps that are over are ended one by one, which is rare.
    const lives = await liveCanaries(this.ctx.db);
    for (const step of await activeSteps(this.ctx.db)) {
      if (!lives.some((live) => live.model_id === step.model_id && live.state_version === step.state_version)) await endStep(this.ctx.db, step.model_id, step.state_version, at);
    }
    for (const live of lives) {
      const newStep = live.step_state_version !== live.state_version;
      if (!newStep && (live.next_evaluation_at === null || live.next_evaluation_at > at)) continue;
      const leaseUntil = new Date(now.getTime() + canarySettingsOf(this.ctx).leaseMs).toISOString();
      try {
        if (newStep) await this.startStep(live.model_id, now, leaseUntil);
        else if (await claimCanaryStep(this.ctx.db, live.model_id, at, leaseUntil, null, true)) await this.evaluate(live.model_id, leaseUntil);
      } catch (error) {
        if (!(error instanceof LeaseLost)) this.log('warn', `canary analysis of ${live.model_id} failed`, error);
        await releaseCanaryStep(this.ctx.db, live.model_id, leaseUntil).catch(() => undefined);
      }
    }
  }

  private async stepValues(deployment: Deployment & { canary_version: string; stable_version: string }, now: Date): Promise<Omit<CanaryStepsTable, 'claimed_until'> | null> {
    const model = await findModel(this.ctx.db, deployment.model_id);
    if (!model) return null;
    const { policy } = await effectiveOnlineGate(this.ctx.db, model);
    const at = now.toISOString();
    return {
      model_id: deployment.model_id,
      state_version: deployment.state_version,
      canary_version: deployment.canary_version,
      stable_version: deployment.stable_version,
      canary_pct: deployment.canary_pct,
      status: 'waiting',
      policy: JSON.stringify(policy),
      intervals_evaluated: 0,
      consecutive_passes: 0,
      consecutive_failures: 0,
      last_evaluation: null,
      last_failure: null,
      window_start: at,
      next_evaluation_at: later(now, policy),
      haproxy_counters: null,
      started_at: at,
      updated_at: at,
    };
  }

  /** A newly approved step: fresh counters, the online gate as it is now, and HAProxy's counters as the baseline. */
  private async startStep(modelId: string, now: Date, leaseUntil: string): Promise<void> {
    const deployment = await findDeployment(this.ctx.db, modelId);
    if (!isLive(deployment)) return;
    const values = await this.stepValues(deployment, now);
    if (!values) return;
    const claimed = await claimCanaryStep(this.ctx.db, modelId, now.toISOString(), leaseUntil, values, false);
    if (claimed === null) return;
    // Another replica may have started this very step since the pass read the list.
    if (claimed === 'claimed' && (await findCanaryStep(this.ctx.db, modelId))?.state_version === deployment.state_version) {
      await releaseCanaryStep(this.ctx.db, modelId, leaseUntil);
      return;
    }
    const baseline = await this.readHaproxy(modelId).catch(() => null);
    await this.ctx.db.transaction().execute(async (trx) => {
      const update = { ...values, haproxy_counters: baseline ? JSON.stringify(baseline.snapshot) : null };
      if (!(await updateCanaryStep(trx, modelId, leaseUntil, update))) throw new LeaseLost();
      const row = (await findCanaryStep(trx, modelId))!;
      await appendEvent(trx, values.updated_at, { type: 'canary.evaluated', model_id: modelId, analysis: stepSummaryOf(row) });
    });
    this.ctx.events.wake();
  }

  /** HAProxy's counters for the model's backend; null when its target is not HAProxy. */
  private async readHaproxy(modelId: string): Promise<{ snapshot: CounterSnapshot; traffic: (before: CounterSnapshot | null) => Map<string, LiveVersionMetrics>; backend: string } | null> {
    const target = addressOf(await findServingTarget(this.ctx.db, modelId));
    if (target?.kind !== 'haproxy') return null;
    const [counters, versions] = await Promise.all([readServerCounters(target), listVersions(this.ctx.db, modelId)]);
    const names = versions.map((version) => version.version);
    return { snapshot: snapshotOf(counters), traffic: (before) => trafficSince(before, counters, names), backend: target.backend };
  }

  private async evaluate(modelId: string, leaseUntil: string): Promise<void> {
    const row = await findCanaryStep(this.ctx.db, modelId);
    const deployment = await findDeployment(this.ctx.db, modelId);
    if (!row || !isLive(deployment) || deployment.state_version !== row.state_version) {
      await releaseCanaryStep(this.ctx.db, modelId, leaseUntil);
      return;
    }
    const policy = OnlineGatePolicySchema.parse(JSON.parse(row.policy));
    const now = this.ctx.now();
    const at = now.toISOString();

    const samples: NewSample[] = [];
    let haproxyProblem: string | null = null;
    let snapshot: CounterSnapshot | null = row.haproxy_counters === null ? null : (JSON.parse(row.haproxy_counters) as CounterSnapshot);
    let haproxyTraffic = new Map<string, LiveVersionMetrics>();
    let haproxyTarget = false;
    try {
      const reading = await this.readHaproxy(modelId);
      if (reading) {
        haproxyTarget = true;
        haproxyTraffic = reading.traffic(snapshot);
        snapshot = reading.snapshot;
        for (const version of [row.canary_version, row.stable_version]) {
          const metrics = haproxyTraffic.get(version);
          if (metrics) samples.push({ model_id: modelId, state_version: row.state_version, version, source: 'haproxy', reported_by: `haproxy:${reading.backend}`, window_start: row.window_start, window_end: at, metrics, received_at: at });
        }
      }
    } catch (error) {
      haproxyTarget = true;
      haproxyProblem = error instanceof Error ? error.message : String(error);
    }
    const reported = await reportedSamples(this.ctx.db, modelId, row.state_version, row.window_start, at);
    if (!haproxyTarget && reported.length === 0 && !(await hasReportedSamples(this.ctx.db, modelId, row.state_version))) {
      // No source of live metrics for this model at all: nothing to judge, no verdict to announce.
      if (!(await updateCanaryStep(this.ctx.db, modelId, leaseUntil, { window_start: at, next_evaluation_at: later(now, policy), updated_at: at }))) throw new LeaseLost();
      return;
    }
    const metricsOf = (version: string) =>
      mergeVersionMetrics([...(haproxyTraffic.has(version) ? [haproxyTraffic.get(version)!] : []), ...reported.filter((sample) => sample.version === version).map((sample) => sample.metrics)]);
    let evaluation: IntervalEvaluation = evaluateInterval(policy, {
      window_start: row.window_start,
      window_end: at,
      canary: { version: row.canary_version, metrics: metricsOf(row.canary_version) },
      stable: { version: row.stable_version, metrics: metricsOf(row.stable_version) },
    });
    if (haproxyProblem !== null && evaluation.verdict === 'inconclusive') evaluation = { ...evaluation, reason: `could not read HAProxy (${haproxyProblem}); ${evaluation.reason}` };

    const progress = advanceProgress(row, evaluation.verdict);
    const rollBack = mustRollBack(progress, policy);
    const settings = canarySettingsOf(this.ctx);
    const rolledBack = await this.ctx.db.transaction().execute(async (trx) => {
      await insertSamples(trx, samples, settings.keepSamplesPerModel);
      await insertEvaluation(trx, modelId, row.state_version, evaluation, settings.keepEvaluationsPerModel);
      const updated = await updateCanaryStep(trx, modelId, leaseUntil, {
        ...progress,
        status: stepStatus(progress, policy),
        last_evaluation: JSON.stringify(evaluation),
        last_failure: evaluation.verdict === 'failing' ? evaluation.reason : row.last_failure,
        window_start: at,
        next_evaluation_at: rollBack ? null : later(now, policy),
        haproxy_counters: snapshot === null ? null : JSON.stringify(snapshot),
        updated_at: at,
      });
      if (!updated) throw new LeaseLost();
      const analysis = stepSummaryOf((await findCanaryStep(trx, modelId))!);
      await appendEvent(trx, at, { type: 'canary.evaluated', model_id: modelId, analysis });
      if (!rollBack) return false;
      await this.rollBack(trx, row, analysis, evaluation, policy, at);
      return true;
    });
    this.ctx.events.wake();
    if (rolledBack) this.ctx.dispatch.wake();
  }

  /** The automatic rollback: the same path as a person's, audited with the numbers that triggered it. */
  private async rollBack(trx: Db, row: CanaryStepRow, analysis: ReturnType<typeof stepSummaryOf>, evaluation: IntervalEvaluation, policy: OnlineGatePolicy, at: string): Promise<void> {
    const failures = analysis.consecutive_failures;
    const reason = `online gate failed ${failures} interval${failures === 1 ? '' : 's'} in a row at ${row.canary_pct} %: ${evaluation.reason}`;
    const next = await rollbackInTransaction(trx, {
      actor: CANARY_ANALYSIS_ACTOR,
      modelId: row.model_id,
      justification: reason,
      at,
      expectedStateVersion: row.state_version,
      details: {
        canary_version: row.canary_version,
        stable_version: row.stable_version,
        canary_pct: row.canary_pct,
        consecutive_failures: failures,
        online_gate: policy as unknown as JsonValue,
        evaluation: evaluation as unknown as JsonValue,
      },
    });
    const dispatched = await listChangeRequests(trx, { status: 'dispatched', modelId: row.model_id, limit: 20 });
    await appendEvent(trx, at, {
      type: 'canary.rolled_back',
      model_id: row.model_id,
      by: CANARY_ANALYSIS_ACTOR,
      reason,
      analysis: { ...analysis, status: 'rolled_back' },
      notify: peopleOfRollout(dispatched, row.canary_version),
      deployment: next,
    });
    await appendEvent(trx, at, { type: 'deployment.changed', deployment: next });
  }
}
