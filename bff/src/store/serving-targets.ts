// Repository of serving targets: where each model's approved traffic split is
// applied. The webhook secret goes in and is read only by the dispatcher; the
// view that answers requests never carries it.
import type { Db } from './database.js';
import type { Serving, ServingTargetInput } from '../../../shared/domain/serving.js';
import type { ServingTargetRow } from './schema.js';

/** A target with what the dispatcher needs to reach it (including the secret). */
export type ServingTargetAddress =
  | { kind: 'haproxy'; runtime_api: string; backend: string }
  | { kind: 'webhook'; url: string; secret: string };

export async function findServingTarget(db: Db, modelId: string): Promise<ServingTargetRow | undefined> {
  return db.selectFrom('serving_targets').selectAll().where('model_id', '=', modelId).executeTakeFirst();
}

export function addressOf(row: ServingTargetRow | undefined): ServingTargetAddress | null {
  if (!row || row.kind === null) return null;
  if (row.kind === 'haproxy') return { kind: 'haproxy', runtime_api: row.runtime_api ?? '', backend: row.backend ?? '' };
  return { kind: 'webhook', url: row.url ?? '', secret: row.secret ?? '' };
}

/** The answer of any read: built field by field so the secret cannot slip in. */
export function servingView(row: ServingTargetRow | undefined): Serving {
  if (!row) return { target: null, updated_at: null, updated_by: null };
  const target =
    row.kind === 'haproxy'
      ? { kind: 'haproxy' as const, runtime_api: row.runtime_api ?? '', backend: row.backend ?? '' }
      : row.kind === 'webhook'
        ? { kind: 'webhook' as const, url: row.url ?? '', secret_set: true as const }
        : null;
  return { target, updated_at: row.updated_at, updated_by: row.updated_by };
}

export async function saveServingTarget(db: Db, modelId: string, target: ServingTargetInput | null, at: string, by: string): Promise<void> {
  const values = {
    kind: target?.kind ?? null,
    runtime_api: target?.kind === 'haproxy' ? target.runtime_api : null,
    backend: target?.kind === 'haproxy' ? target.backend : null,
    url: target?.kind === 'webhook' ? target.url : null,
    secret: target?.kind === 'webhook' ? target.secret : null,
    updated_at: at,
    updated_by: by,
  };
  await db
    .insertInto('serving_targets')
    .values({ model_id: modelId, ...values })
    .onConflict((conflict) => conflict.column('model_id').doUpdateSet(values))
    .execute();
}
