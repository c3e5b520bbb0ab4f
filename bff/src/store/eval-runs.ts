// Repository of evaluation runs as the eval runner reported them; deltas and
// gates are derived on the way out by the evaluation service, never stored.
import type { Db } from './database.js';
import { EvalRun } from '../../../shared/domain/eval-run.js';
import { refreshModelSummary } from './model-summaries.js';
import type { EvalRunRow } from './schema.js';

export function evalRunFromRow(row: EvalRunRow): EvalRun {
  return EvalRun.parse({
    id: row.id,
    model_id: row.model_id,
    version: row.version,
    baseline_version: row.baseline_version,
    dataset: { name: row.dataset_name, hash: row.dataset_hash },
    started_at: row.started_at,
    finished_at: row.finished_at,
    metrics: JSON.parse(row.metrics) as unknown,
    baseline_metrics: JSON.parse(row.baseline_metrics) as unknown,
    reported_by: row.reported_by,
    reported_at: row.reported_at,
  });
}

export async function insertEvalRun(db: Db, run: EvalRun): Promise<void> {
  await db
    .insertInto('eval_runs')
    .values({
      id: run.id,
      model_id: run.model_id,
      version: run.version,
      baseline_version: run.baseline_version,
      dataset_name: run.dataset.name,
      dataset_hash: run.dataset.hash,
      started_at: run.started_at,
      finished_at: run.finished_at,
      metrics: JSON.stringify(run.metrics),
      baseline_metrics: JSON.stringify(run.baseline_metrics),
      reported_by: run.reported_by,
      reported_at: run.reported_at,
    })
    .execute();
  // A run moves the last gate, never a version row: the stored versions array stays.
  await refreshModelSummary(db, run.model_id, run.reported_at, { versions: false });
}

/** A model's runs (optionally of one version), newest first: by finish time, then by report time and id (ids grow with time). */
export async function listEvalRuns(db: Db, modelId: string, version?: string): Promise<EvalRun[]> {
  let query = db.selectFrom('eval_runs').selectAll().where('model_id', '=', modelId);
  if (version !== undefined) query = query.where('version', '=', version);
  const rows = await query.orderBy('finished_at', 'desc').orderBy('reported_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(evalRunFromRow);
}

/** The newest run of one version, the one a rollout's gate snapshot comes from. */
export async function newestEvalRun(db: Db, modelId: string, version: string): Promise<EvalRun | undefined> {
  const row = await db
    .selectFrom('eval_runs')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .orderBy('finished_at', 'desc')
    .orderBy('reported_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? evalRunFromRow(row) : undefined;
}

/**
 * The newest run of each listed model (any version), in one query. A scalar
 * subquery per model walks the (model_id, finished_at) index from the top, so
 * the cost does not grow with a model's history (a window over all of a
 * page's runs was 20x slower at 20 runs per model).
 */
export async function newestEvalRunPerModel(db: Db, modelIds: readonly string[]): Promise<Map<string, EvalRun>> {
  const newest = new Map<string, EvalRun>();
  if (modelIds.length === 0) return newest;
  const rows = await db
    .selectFrom('eval_runs')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('models')
        .select((inner) =>
          inner
            .selectFrom('eval_runs as newest')
            .select('newest.id')
            .whereRef('newest.model_id', '=', 'models.id')
            .orderBy('newest.finished_at', 'desc')
            .orderBy('newest.reported_at', 'desc')
            .orderBy('newest.id', 'desc')
            .limit(1)
            .as('id'),
        )
        .where('models.id', 'in', modelIds),
    )
    .execute();
  for (const row of rows) newest.set(row.model_id, evalRunFromRow(row));
  return newest;
}
