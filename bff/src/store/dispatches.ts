// Repository of the dispatch outbox: one row per model holding the latest
// desired state to apply and how applying it went. Work is claimed with a
// lease (`claimed_until`) taken by a conditional UPDATE, which SQLite and
// PostgreSQL both make atomic, so two dispatchers never work on one model at once.
import type { Db } from './database.js';
import { sql } from 'kysely';
import type { DeploymentDispatch, ServingTargetKind } from '../../../shared/domain/serving.js';
import { newId } from './ids.js';
import type { DispatchRow, DispatchesTable, ServingTargetRow } from './schema.js';

/**
 * Queues the deployment's state `stateVersion` for the model's target, in the
 * caller's transaction. Whatever was queued before is replaced (level-triggered:
 * only the latest desired state matters). The lease is left alone: an attempt
 * in flight finishes, sees it was superseded, and the new state goes next.
 */
export async function enqueueDispatch(db: Db, modelId: string, stateVersion: number, targetKind: ServingTargetKind, at: string): Promise<string> {
  const deliveryId = newId('dlv');
  const values = {
    state_version: stateVersion,
    delivery_id: deliveryId,
    status: 'pending' as const,
    target_kind: targetKind,
    attempts: 0,
    last_error: null,
    next_attempt_at: at,
    applied_at: null,
    enqueued_at: at,
    updated_at: at,
  };
  await db
    .insertInto('dispatches')
    .values({ model_id: modelId, ...values, claimed_until: null, observed: null })
    .onConflict((conflict) => conflict.column('model_id').doUpdateSet(values))
    .execute();
  return deliveryId;
}

export async function deleteDispatch(db: Db, modelId: string): Promise<void> {
  await db.deleteFrom('dispatches').where('model_id', '=', modelId).execute();
}

export async function findDispatch(db: Db, modelId: string): Promise<DispatchRow | undefined> {
  return db.selectFrom('dispatches').selectAll().where('model_id', '=', modelId).executeTakeFirst();
}

/** Takes the lease of one model's row when `condition` holds and nobody holds it; true when taken. */
async function claim(db: Db, modelId: string, now: string, leaseUntil: string, due: 'attempt' | 'reconcile'): Promise<boolean> {
  let update = db
    .updateTable('dispatches')
    .set({ claimed_until: leaseUntil })
    .where('model_id', '=', modelId)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
  update =
    due === 'attempt'
      ? update.where('next_attempt_at', 'is not', null).where('next_attempt_at', '<=', now)
      : update.where('next_attempt_at', 'is', null).where('status', 'in', ['applied', 'drift']).where('target_kind', '=', 'haproxy');
  const result = await update.executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Claims up to `limit` rows due for an attempt at `now`, oldest first. */
export async function claimDue(db: Db, now: string, leaseUntil: string, limit: number, onlyModel?: string): Promise<DispatchRow[]> {
  let query = db
    .selectFrom('dispatches')
    .select('model_id')
    .where('next_attempt_at', 'is not', null)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit);
  if (onlyModel !== undefined) query = query.where('model_id', '=', onlyModel);
  const claimed: DispatchRow[] = [];
  for (const { model_id } of await query.execute()) {
    if (!(await claim(db, model_id, now, leaseUntil, 'attempt'))) continue;
    const row = await findDispatch(db, model_id);
    if (row) claimed.push(row);
  }
  return claimed;
}

/** Claims one page (by model id, after `afterModelId`) of the HAProxy rows the reconcile loop compares with what HAProxy reports; `last` is the cursor of the next page. */
export async function claimForReconcile(db: Db, now: string, leaseUntil: string, limit: number, afterModelId = ''): Promise<{ rows: DispatchRow[]; last: string | null }> {
  const candidates = await db
    .selectFrom('dispatches')
    .select('model_id')
    .where('next_attempt_at', 'is', null)
    .where('status', 'in', ['applied', 'drift'])
    .where('target_kind', '=', 'haproxy')
    .where('model_id', '>', afterModelId)
    .orderBy('model_id')
    .limit(limit)
    .execute();
  const claimed: DispatchRow[] = [];
  for (const { model_id } of candidates) {
    if (!(await claim(db, model_id, now, leaseUntil, 'reconcile'))) continue;
    const row = await findDispatch(db, model_id);
    if (row) claimed.push(row);
  }
  return { rows: claimed, last: candidates.length === limit ? candidates[candidates.length - 1]!.model_id : null };
}

export type DispatchUpdate = Partial<Omit<DispatchesTable, 'model_id' | 'delivery_id' | 'state_version' | 'enqueued_at'>>;

/**
 * Records an outcome for `deliveryId` and releases the lease. Returns false,
 * changing nothing, when a newer desired state replaced that delivery meanwhile
 * (or, with `onlyIfIdle`, when a try was queued meanwhile).
 */
export async function updateDispatch(
  db: Db,
  modelId: string,
  deliveryId: string,
  update: DispatchUpdate,
  options: { onlyIfIdle?: boolean } = {},
): Promise<boolean> {
  let query = db
    .updateTable('dispatches')
    .set({ ...update, claimed_until: null })
    .where('model_id', '=', modelId)
    .where('delivery_id', '=', deliveryId);
  // The reconcile loop records only while no try is queued (a retry may have been asked for meanwhile).
  if (options.onlyIfIdle) query = query.where('next_attempt_at', 'is', null);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function releaseClaim(db: Db, modelId: string): Promise<void> {
  await db.updateTable('dispatches').set({ claimed_until: null }).where('model_id', '=', modelId).execute();
}

/** When the next row falls due (null: nothing queued). */
export async function nextDueAt(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('dispatches')
    .select(sql<string | null>`min(next_attempt_at)`.as('due'))
    .where('next_attempt_at', 'is not', null)
    .executeTakeFirst();
  return row?.due ?? null;
}

/** The dispatch status a deployment carries, from its target kind and outbox row. */
export function dispatchView(targetKind: ServingTargetKind | null, row: Pick<DispatchRow, 'status' | 'attempts' | 'last_error' | 'applied_at' | 'next_attempt_at' | 'observed'> | null): DeploymentDispatch {
  if (targetKind === null || row === null) return { status: 'none', target_kind: targetKind, attempts: 0 };
  const view: DeploymentDispatch = { status: row.status, target_kind: targetKind, attempts: row.attempts };
  if (row.last_error !== null) view.last_error = row.last_error.slice(0, 1000);
  if (row.applied_at !== null) view.applied_at = row.applied_at;
  if (row.next_attempt_at !== null && row.status !== 'pending') view.next_attempt_at = row.next_attempt_at;
  if (row.observed !== null) view.observed = JSON.parse(row.observed) as Record<string, number>;
  return view;
}

/** The serving target's kind and outbox row as a read joins them onto a deployment (left joins: all may be null). */
export type JoinedDispatchColumns = {
  target_kind: ServingTargetRow['kind'] | null;
  dispatch_status: DispatchRow['status'] | null;
  dispatch_attempts: number | null;
  dispatch_last_error: string | null;
  dispatch_applied_at: string | null;
  dispatch_next_attempt_at: string | null;
  dispatch_observed: string | null;
};

/** dispatchView over the joined columns (the deployment read and the registry list both join them). */
export function joinedDispatchView(row: JoinedDispatchColumns): DeploymentDispatch {
  const dispatchRow =
    row.dispatch_status === null
      ? null
      : {
          status: row.dispatch_status,
          attempts: row.dispatch_attempts ?? 0,
          last_error: row.dispatch_last_error,
          applied_at: row.dispatch_applied_at,
          next_attempt_at: row.dispatch_next_attempt_at,
          observed: row.dispatch_observed,
        };
  return dispatchView(row.target_kind ?? null, dispatchRow);
}
