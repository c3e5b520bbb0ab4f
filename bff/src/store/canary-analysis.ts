// Repository of the online canary analysis (migration 060): online gate
// policies, one analysis row per model for its live step (claimed with a lease
// by a conditional UPDATE, as the dispatch outbox is), live samples and the
// verdict of each interval. Samples and verdicts are pruned to a fixed number
// per model after every write, so neither table grows without bound.
import type { Kysely } from 'kysely';
import { IntervalEvaluation, LiveVersionMetrics, OnlineGatePolicy, StepAnalysisSummary } from '../../../shared/domain/online-gate.js';
import { newId } from './ids.js';
import type { CanaryStepRow, CanaryStepsTable, DB } from './schema.js';

export async function findOnlineGatePolicy(db: Kysely<DB>, modelId: string): Promise<OnlineGatePolicy | null> {
  const row = await db.selectFrom('online_gate_policies').select('policy').where('model_id', '=', modelId).executeTakeFirst();
  return row ? OnlineGatePolicy.parse(JSON.parse(row.policy)) : null;
}

export async function saveOnlineGatePolicy(db: Kysely<DB>, modelId: string, policy: OnlineGatePolicy | null, at: string, by: string): Promise<void> {
  if (policy === null) {
    await db.deleteFrom('online_gate_policies').where('model_id', '=', modelId).execute();
    return;
  }
  const values = { policy: JSON.stringify(policy), updated_at: at, updated_by: by };
  await db
    .insertInto('online_gate_policies')
    .values({ model_id: modelId, ...values })
    .onConflict((conflict) => conflict.column('model_id').doUpdateSet(values))
    .execute();
}

export async function findCanaryStep(db: Kysely<DB>, modelId: string): Promise<CanaryStepRow | undefined> {
  return db.selectFrom('canary_steps').selectAll().where('model_id', '=', modelId).executeTakeFirst();
}

/** Models whose deployment has a canary taking traffic, with their analysis row's state (null: none yet). */
export async function liveCanaries(db: Kysely<DB>): Promise<Array<{ model_id: string; state_version: number; step_state_version: number | null; next_evaluation_at: string | null }>> {
  return db
    .selectFrom('deployments')
    .leftJoin('canary_steps', 'canary_steps.model_id', 'deployments.model_id')
    .select(['deployments.model_id as model_id', 'deployments.state_version as state_version', 'canary_steps.state_version as step_state_version', 'canary_steps.next_evaluation_at as next_evaluation_at'])
    .where('deployments.canary_version', 'is not', null)
    .where('deployments.canary_pct', '>', 0)
    .where('deployments.stable_version', 'is not', null)
    .orderBy('deployments.model_id')
    .execute();
}

/** Analysis rows still waiting for a verdict (the loop ends those whose step is over). */
export async function activeSteps(db: Kysely<DB>): Promise<Array<{ model_id: string; state_version: number }>> {
  return db.selectFrom('canary_steps').select(['model_id', 'state_version']).where('next_evaluation_at', 'is not', null).execute();
}

/** Ends a step whose canary is gone (rolled back by a person, promoted, or replaced): no more verdicts for it. */
export async function endStep(db: Kysely<DB>, modelId: string, stateVersion: number, at: string): Promise<void> {
  await db
    .updateTable('canary_steps')
    .set({ next_evaluation_at: null, updated_at: at })
    .where('model_id', '=', modelId)
    .where('state_version', '=', stateVersion)
    .where('next_evaluation_at', 'is not', null)
    .execute();
}

/**
 * Takes the lease of the model's analysis row, or with `fresh` creates it
 * leased when the model has none: 'inserted', 'claimed', or null when someone
 * else holds it. `dueOnly`: only when its next evaluation is due at `now`.
 */
export async function claimCanaryStep(
  db: Kysely<DB>,
  modelId: string,
  now: string,
  leaseUntil: string,
  fresh: Omit<CanaryStepsTable, 'claimed_until'> | null,
  dueOnly: boolean,
): Promise<'inserted' | 'claimed' | null> {
  if (fresh) {
    const inserted = await db
      .insertInto('canary_steps')
      .values({ ...fresh, claimed_until: leaseUntil })
      .onConflict((conflict) => conflict.column('model_id').doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 1n) return 'inserted';
  }
  let update = db
    .updateTable('canary_steps')
    .set({ claimed_until: leaseUntil })
    .where('model_id', '=', modelId)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
  if (dueOnly) update = update.where('next_evaluation_at', 'is not', null).where('next_evaluation_at', '<=', now);
  const result = await update.executeTakeFirst();
  return result.numUpdatedRows === 1n ? 'claimed' : null;
}

/** Writes the row and releases the lease, only while `leaseUntil` is still ours; false when it was lost. */
export async function updateCanaryStep(db: Kysely<DB>, modelId: string, leaseUntil: string, update: Partial<Omit<CanaryStepsTable, 'model_id'>>): Promise<boolean> {
  const result = await db
    .updateTable('canary_steps')
    .set({ ...update, claimed_until: null })
    .where('model_id', '=', modelId)
    .where('claimed_until', '=', leaseUntil)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function releaseCanaryStep(db: Kysely<DB>, modelId: string, leaseUntil: string): Promise<void> {
  await db.updateTable('canary_steps').set({ claimed_until: null }).where('model_id', '=', modelId).where('claimed_until', '=', leaseUntil).execute();
}

export interface NewSample {
  model_id: string;
  state_version: number;
  version: string;
  source: 'haproxy' | 'reported';
  reported_by: string;
  window_start: string;
  window_end: string;
  metrics: LiveVersionMetrics;
  received_at: string;
}

export async function insertSamples(db: Kysely<DB>, samples: readonly NewSample[], keepPerModel: number): Promise<void> {
  if (samples.length === 0) return;
  await db
    .insertInto('canary_samples')
    .values(samples.map((sample) => ({ ...sample, id: newId('smp'), metrics: JSON.stringify(sample.metrics) })))
    .execute();
  for (const modelId of new Set(samples.map((sample) => sample.model_id))) await pruneNewest(db, 'canary_samples', 'received_at', modelId, keepPerModel);
}

/** Reported samples of a step received in (after, upTo]. */
export async function reportedSamples(db: Kysely<DB>, modelId: string, stateVersion: number, after: string, upTo: string): Promise<Array<{ version: string; metrics: LiveVersionMetrics }>> {
  const rows = await db
    .selectFrom('canary_samples')
    .select(['version', 'metrics'])
    .where('model_id', '=', modelId)
    .where('state_version', '=', stateVersion)
    .where('source', '=', 'reported')
    .where('received_at', '>', after)
    .where('received_at', '<=', upTo)
    .orderBy('received_at')
    .execute();
  return rows.map((row) => ({ version: row.version, metrics: LiveVersionMetrics.parse(JSON.parse(row.metrics)) }));
}

export async function hasReportedSamples(db: Kysely<DB>, modelId: string, stateVersion: number): Promise<boolean> {
  const row = await db
    .selectFrom('canary_samples')
    .select('id')
    .where('model_id', '=', modelId)
    .where('state_version', '=', stateVersion)
    .where('source', '=', 'reported')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertEvaluation(db: Kysely<DB>, modelId: string, stateVersion: number, evaluation: IntervalEvaluation, keepPerModel: number): Promise<void> {
  await db
    .insertInto('canary_evaluations')
    .values({
      id: newId('cev'),
      model_id: modelId,
      state_version: stateVersion,
      verdict: evaluation.verdict,
      window_end: evaluation.window_end,
      evaluation: JSON.stringify(evaluation),
    })
    .execute();
  await pruneNewest(db, 'canary_evaluations', 'window_end', modelId, keepPerModel);
}

/** A step's newest `limit` verdicts, oldest first. */
export async function stepEvaluations(db: Kysely<DB>, modelId: string, stateVersion: number, limit: number): Promise<IntervalEvaluation[]> {
  const rows = await db
    .selectFrom('canary_evaluations')
    .select('evaluation')
    .where('model_id', '=', modelId)
    .where('state_version', '=', stateVersion)
    .orderBy('window_end', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((row) => IntervalEvaluation.parse(JSON.parse(row.evaluation)));
}

/** Deletes a model's rows beyond the newest `keep` (by `column`): the retention limit. */
async function pruneNewest(db: Kysely<DB>, table: 'canary_samples' | 'canary_evaluations', column: 'received_at' | 'window_end', modelId: string, keep: number): Promise<void> {
  const boundary = await db
    .selectFrom(table)
    .select(column)
    .where('model_id', '=', modelId)
    .orderBy(column, 'desc')
    .offset(keep)
    .limit(1)
    .executeTakeFirst();
  if (!boundary) return;
  const cut = (boundary as Record<string, string>)[column]!;
  await db.deleteFrom(table).where('model_id', '=', modelId).where(column, '<=', cut).execute();
}

/** The summary a console or approver reads, from the model's analysis row. */
export function stepSummaryOf(row: CanaryStepRow): StepAnalysisSummary {
  return StepAnalysisSummary.parse({
    model_id: row.model_id,
    state_version: row.state_version,
    canary_version: row.canary_version,
    stable_version: row.stable_version,
    canary_pct: row.canary_pct,
    status: row.status,
    policy: JSON.parse(row.policy),
    intervals_evaluated: row.intervals_evaluated,
    consecutive_passes: row.consecutive_passes,
    consecutive_failures: row.consecutive_failures,
    last: row.last_evaluation === null ? null : JSON.parse(row.last_evaluation),
    last_failure: row.last_failure,
    started_at: row.started_at,
    updated_at: row.updated_at,
  });
}
