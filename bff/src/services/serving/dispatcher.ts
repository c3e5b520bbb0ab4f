// The dispatcher and reconcile loop (README.md#connecting-your-serving-layer, docs/decisions/0003): applies
// each model's latest desired state from the outbox to its serving target,
// retries with exponential backoff and jitter, records the outcome with an
// audit entry and an event, and on an interval compares HAProxy's weights with
// the approved state to report drift. Level-triggered: it always works from
// what is stored, so a crash or restart loses nothing.
import type { DispatchRow } from '../../store/schema.js';
import type { BffContext, DispatchNotifier, DispatchSettings } from '../../context.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { JsonValue } from '../../../../shared/domain/primitives.js';
import { appendAudit } from '../../store/audit-log.js';
import { findDeployment, saltOf } from '../../store/deployments.js';
import { claimDue, claimForReconcile, findDispatch, nextDueAt, releaseClaim, updateDispatch, type DispatchUpdate } from '../../store/dispatches.js';
import { appendEvent } from '../../store/event-log.js';
import { addressOf, findServingTarget, type ServingTargetAddress } from '../../store/serving-targets.js';
import { listVersions } from '../../store/versions.js';
import { desiredStateOf, trafficTargets, type Applied, type DesiredState } from './desired-state.js';
import { asDispatchError, DispatchError } from './dispatch-error.js';
import { applyToHaproxy, observeHaproxy } from './haproxy-target.js';
import { applyToWebhook } from './webhook-target.js';

export const DISPATCHER_ACTOR = 'system:dispatcher';
/** Rows worked on at once per pass; the rest wait for the next pass. */
const BATCH = 8;
/** How long "Retry dispatch" waits for a try that another pass holds (longer than the webhook timeout). */
const APPLY_NOW_WAIT_MS = 12_000;

type Log = (level: 'warn' | 'error', message: string, error?: unknown) => void;

/** Delay before try `attempts + 1`: base * 2^(attempts-1), capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempts: number, settings: Pick<DispatchSettings, 'retryBaseMs' | 'retryMaxMs'>, random = Math.random): number {
  const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** "HAProxy sends 12 % to 2.1.0, approved 5 %" for every version whose share differs. */
export function describeDrift(observed: Record<string, number>, deployment: Pick<Deployment, 'stable_version' | 'canary_version' | 'canary_pct'>): string {
  const targets = trafficTargets(deployment);
  const versions = new Set([...targets.keys(), ...Object.keys(observed)]);
  const parts: string[] = [];
  for (const version of versions) {
    const approved = targets.get(version) ?? 0;
    const seen = observed[version] ?? 0;
    if (Math.abs(seen - approved) >= 0.01) parts.push(`HAProxy sends ${formatPct(seen)} to ${version}, approved ${formatPct(approved)}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'HAProxy weights differ from the approved state';
}

function formatPct(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(2)} %`;
}

interface Work {
  deployment: Deployment;
  state: DesiredState;
  target: ServingTargetAddress;
  versions: string[];
}

export class Dispatcher implements DispatchNotifier {
  private timer: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private reconciling: Promise<void> | null = null;
  private rerun = false;
  private started = false;
  /** Attempts in flight in this process, by model (the lease guards other processes). */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: Pick<BffContext, 'db' | 'now' | 'events'> & { settings: { dispatch: DispatchSettings } },
    private readonly log: Log = () => undefined,
  ) {}

  private get settings(): DispatchSettings {
    return this.ctx.settings.dispatch;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.reconcileTimer = setInterval(() => {
      // One reconcile at a time: a slow HAProxy must not pile up passes.
      if (this.reconciling) return;
      this.reconciling = this.reconcileOnce()
        .catch((error: unknown) => this.log('warn', 'reconcile failed', error))
        .finally(() => (this.reconciling = null));
    }, this.settings.reconcileIntervalMs);
    this.reconcileTimer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.timer = null;
    this.reconcileTimer = null;
    await Promise.all([this.running, this.reconciling, ...this.inFlight.values()]);
  }

  wake(): void {
    if (!this.started) return;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), Math.max(0, delayMs));
    this.timer.unref();
  }

  /** One pass over due rows, then a timer for the next due row (or the fallback poll). */
  private async pass(): Promise<void> {
    this.timer = null;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.rerun = false;
          while ((await this.runOnce()) > 0 && this.started) {
            // Keep going while a full batch was found.
          }
        } while (this.rerun && this.started);
      } catch (error) {
        this.log('error', 'dispatch pass failed', error);
      }
    })();
    await this.running;
    this.running = null;
    if (!this.started) return;
    let delay = this.settings.pollIntervalMs;
    try {
      const due = await nextDueAt(this.ctx.db);
      if (due !== null) delay = Math.min(delay, Date.parse(due) - this.ctx.now().getTime());
    } catch (error) {
      this.log('warn', 'reading the next due dispatch failed', error);
    }
    this.schedule(delay);
  }

  /** Claims and works on due rows once; resolves with how many a full batch found (tests call it directly). */
  async runOnce(onlyModel?: string): Promise<number> {
    const now = this.ctx.now();
    const rows = (await claimDue(this.ctx.db, now.toISOString(), new Date(now.getTime() + this.settings.leaseMs).toISOString(), BATCH, onlyModel)).filter(
      (row) => !this.inFlight.has(row.model_id),
    );
    await Promise.all(rows.map((row) => this.attempt(row)));
    return rows.length === BATCH ? rows.length : 0;
  }

  /**
   * Tries the model's due row now. When another pass (here or on another
   * replica) holds it, waits for that try instead, so the caller reads its outcome.
   */
  async applyNow(modelId: string): Promise<void> {
    const start = await findDispatch(this.ctx.db, modelId);
    const deadline = Date.now() + APPLY_NOW_WAIT_MS;
    for (;;) {
      await this.runOnce(modelId);
      await this.inFlight.get(modelId);
      const row = await findDispatch(this.ctx.db, modelId);
      if (!row || !start || Date.now() > deadline) return;
      const now = this.ctx.now().toISOString();
      const held = row.claimed_until !== null && row.claimed_until > now;
      const due = row.next_attempt_at !== null && row.next_attempt_at <= now;
      const tried = row.attempts !== start.attempts || row.delivery_id !== start.delivery_id || row.status !== start.status;
      if (!held && (tried || !due)) return;
      if (held) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async load(row: DispatchRow): Promise<Work | null> {
    const [deployment, salt, targetRow, versions] = await Promise.all([
      findDeployment(this.ctx.db, row.model_id),
      saltOf(this.ctx.db, row.model_id),
      findServingTarget(this.ctx.db, row.model_id),
      listVersions(this.ctx.db, row.model_id),
    ]);
    const target = addressOf(targetRow);
    if (!deployment || salt === undefined || !target) return null;
    return { deployment, state: desiredStateOf(deployment, row.delivery_id, salt), target, versions: versions.map((v) => v.version) };
  }

  private async deliver(work: Work): Promise<Applied> {
    if (work.target.kind === 'haproxy') return applyToHaproxy(work.target, work.state, work.versions);
    return applyToWebhook(work.target, work.state, this.ctx.now());
  }

  private attempt(row: DispatchRow): Promise<void> {
    const running = this.tryOnce(row).finally(() => this.inFlight.delete(row.model_id));
    this.inFlight.set(row.model_id, running);
    return running;
  }

  private async tryOnce(row: DispatchRow): Promise<void> {
    try {
      const work = await this.load(row);
      if (!work) {
        await releaseClaim(this.ctx.db, row.model_id);
        return;
      }
      let outcome: { ok: true; applied: Applied } | { ok: false; error: DispatchError };
      try {
        outcome = { ok: true, applied: await this.deliver(work) };
      } catch (error) {
        outcome = { ok: false, error: asDispatchError(error) };
      }
      await this.record(row, work, outcome);
    } catch (error) {
      this.log('error', `dispatch of ${row.model_id} failed to record`, error);
      await releaseClaim(this.ctx.db, row.model_id).catch(() => undefined);
    }
  }

  private async record(row: DispatchRow, work: Work, outcome: { ok: true; applied: Applied } | { ok: false; error: DispatchError }): Promise<void> {
    const now = this.ctx.now();
    const at = now.toISOString();
    const attempts = row.attempts + 1;
    const details: Record<string, JsonValue> = {
      model_id: row.model_id,
      delivery_id: row.delivery_id,
      state_version: row.state_version,
      target_kind: work.target.kind,
      target: work.target.kind === 'haproxy' ? `${work.target.runtime_api} backend ${work.target.backend}` : work.target.url,
      stable_version: work.state.stable_version,
      canary_version: work.state.canary_version,
      canary_pct: work.state.canary_pct,
      attempts,
    };
    const recorded = await this.ctx.db.transaction().execute(async (trx) => {
      let update: DispatchUpdate;
      if (outcome.ok) {
        update = {
          status: 'applied',
          attempts,
          last_error: null,
          next_attempt_at: null,
          applied_at: at,
          updated_at: at,
          ...(outcome.applied.observed ? { observed: JSON.stringify(outcome.applied.observed) } : {}),
        };
      } else {
        const permanent = outcome.error.permanent;
        update = {
          status: permanent ? 'failed' : 'retrying',
          attempts,
          last_error: outcome.error.message.slice(0, 1000),
          next_attempt_at: permanent ? null : new Date(now.getTime() + backoffMs(attempts, this.settings)).toISOString(),
          updated_at: at,
        };
      }
      // A newer desired state replaced this delivery while it was in flight: it goes next, this outcome is moot.
      if (!(await updateDispatch(trx, row.model_id, row.delivery_id, update))) return false;
      const deployment = (await findDeployment(trx, row.model_id))!;
      if (outcome.ok) {
        await appendAudit(trx, {
          at,
          actor: DISPATCHER_ACTOR,
          action: 'dispatch.applied',
          target: `model:${row.model_id}`,
          details: { ...details, ...(outcome.applied.observed ? { observed: outcome.applied.observed } : {}) },
        });
        await appendEvent(trx, at, { type: 'deployment.applied', deployment });
      } else if (update.status !== row.status) {
        // Told once per change of status (pending -> retrying, -> failed), not at every retry.
        await appendAudit(trx, {
          at,
          actor: DISPATCHER_ACTOR,
          action: 'dispatch.failed',
          target: `model:${row.model_id}`,
          details: { ...details, status: update.status ?? 'retrying', error: outcome.error.message.slice(0, 1000) },
        });
        await appendEvent(trx, at, { type: 'deployment.dispatch_failed', deployment });
      }
      return true;
    });
    if (!recorded) await releaseClaim(this.ctx.db, row.model_id);
    this.ctx.events.wake();
    // The superseding state (if any) is due now.
    if (!recorded) this.wake();
  }

  /** Reads back every applied HAProxy target once and records drift (or its repair by hand). */
  async reconcileOnce(): Promise<void> {
    // Page by page (a few HAProxy connections at a time), so any number of models is covered.
    let after = '';
    for (;;) {
      const now = this.ctx.now();
      const page = await claimForReconcile(this.ctx.db, now.toISOString(), new Date(now.getTime() + this.settings.leaseMs).toISOString(), BATCH, after);
      await Promise.all(page.rows.map((row) => this.reconcile(row)));
      if (page.last === null || !this.started) return;
      after = page.last;
    }
  }

  private reconcile(row: DispatchRow): Promise<void> {
    const running = this.compare(row).finally(() => this.inFlight.delete(row.model_id));
    this.inFlight.set(row.model_id, running);
    return running;
  }

  private async compare(row: DispatchRow): Promise<void> {
    try {
      const work = await this.load(row);
      if (!work || work.target.kind !== 'haproxy') {
        await releaseClaim(this.ctx.db, row.model_id);
        return;
      }
      let observation;
      try {
        observation = await observeHaproxy(work.target, work.state, work.versions);
      } catch (error) {
        // Unreachable now: the last observation stands; the next interval tries again.
        this.log('warn', `reconcile of ${row.model_id} could not read HAProxy`, error);
        await releaseClaim(this.ctx.db, row.model_id);
        return;
      }
      const at = this.ctx.now().toISOString();
      const observedJson = JSON.stringify(observation.observed);
      const drifted = observation.differences.length > 0;
      const status = drifted ? 'drift' : 'applied';
      const changed = status !== row.status;
      const reapply = drifted && this.settings.reapplyOnDrift;
      if (!changed && observedJson === row.observed && !reapply) {
        await releaseClaim(this.ctx.db, row.model_id);
        return;
      }
      const message = drifted ? describeDrift(observation.observed, work.deployment) : null;
      const recorded = await this.ctx.db.transaction().execute(async (trx) => {
        const update: DispatchUpdate = { status, observed: observedJson, last_error: message, updated_at: at };
        if (reapply) Object.assign(update, { next_attempt_at: at, attempts: 0 });
        // Only while nothing is queued: a retry or a new state since the read wins over this observation.
        if (!(await updateDispatch(trx, row.model_id, row.delivery_id, update, { onlyIfIdle: true }))) return false;
        if (!changed) return true;
        const deployment = (await findDeployment(trx, row.model_id))!;
        await appendAudit(trx, {
          at,
          actor: DISPATCHER_ACTOR,
          action: drifted ? 'dispatch.drift' : 'dispatch.drift_resolved',
          target: `model:${row.model_id}`,
          details: {
            model_id: row.model_id,
            delivery_id: row.delivery_id,
            state_version: row.state_version,
            backend: work.target.kind === 'haproxy' ? work.target.backend : null,
            observed: observation.observed,
            differences: observation.differences,
            ...(message ? { message } : {}),
            reapply,
          },
        });
        await appendEvent(trx, at, drifted ? { type: 'deployment.drift', deployment } : { type: 'deployment.applied', deployment });
        return true;
      });
      // Superseded meanwhile: leave the row to the dispatcher.
      if (!recorded) await releaseClaim(this.ctx.db, row.model_id);
      this.ctx.events.wake();
      if (reapply || !recorded) this.wake();
    } catch (error) {
      this.log('warn', `reconcile of ${row.model_id} failed`, error);
      await releaseClaim(this.ctx.db, row.model_id).catch(() => undefined);
    }
  }
}
