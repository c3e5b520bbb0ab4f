// Repository of deployments (where each model's traffic goes). A deployment
// leaves with its rollout plan, taken from the model's policy or the default.
import type { Db } from './database.js';
import { Deployment, type DeploymentState } from '../../../shared/domain/deployment.js';
import { DEFAULT_ROLLOUT_PLAN, ModelPolicy, type Model, type ModelVersion } from '../../../shared/domain/model.js';
import { joinedDispatchView, type JoinedDispatchColumns } from './dispatches.js';
import { modelJsonFields, touchModelSummary } from './model-summaries.js';
import { engineOf } from './engine.js';
import { jsonObjectText, type JsonText } from './json-text.js';
import { firstRow, preparedQuery } from './prepared.js';
import type { DeploymentRow } from './schema.js';

function deploymentFromRow(row: DeploymentRow & JoinedDispatchColumns, policyJson: string): Deployment {
  const policy = ModelPolicy.parse(JSON.parse(policyJson));
  return Deployment.parse(deploymentOf(row, policy));
}

/**
 * deploymentFromRow without re-validating: the row and the policy were checked
 * by the shared schemas when written (the model detail's hot read, issue 12).
 */
function deploymentFromStoredRow(row: DeploymentRow & JoinedDispatchColumns, policyJson: string): Deployment {
  return deploymentOf(row, JSON.parse(policyJson) as ModelPolicy);
}

function deploymentOf(row: DeploymentRow & JoinedDispatchColumns, policy: ModelPolicy): Deployment {
  return {
    model_id: row.model_id,
    stable_version: row.stable_version,
    canary_version: row.canary_version,
    canary_pct: row.canary_pct,
    phase: row.phase,
    state_version: row.state_version,
    previous_stable: row.previous_stable,
    plan: policy.rollout_plan ?? DEFAULT_ROLLOUT_PLAN,
    updated_at: row.updated_at,
    dispatch: joinedDispatchView(row),
  };
}

/** A new model's deployment: nothing live yet. */
export async function insertDeployment(db: Db, modelId: string, salt: string, at: string): Promise<void> {
  await db
    .insertInto('deployments')
    .values({
      model_id: modelId,
      stable_version: null,
      canary_version: null,
      canary_pct: 0,
      phase: 'idle',
      state_version: 0,
      previous_stable: null,
      salt,
      updated_at: at,
    })
    .execute();
  // The list's stored item shows the deployment's state.
  await touchModelSummary(db, modelId, at);
}

/** A deployment's dispatch status as joinedDispatchView reads it: its serving target's kind and its outbox row. */
const JOINED_DISPATCH_COLUMNS = [
  'serving_targets.kind as target_kind',
  'dispatches.status as dispatch_status',
  'dispatches.attempts as dispatch_attempts',
  'dispatches.last_error as dispatch_last_error',
  'dispatches.applied_at as dispatch_applied_at',
  'dispatches.next_attempt_at as dispatch_next_attempt_at',
  'dispatches.observed as dispatch_observed',
] as const;

/** A deployment row with its model's policy and its dispatch status (serving target and outbox row). */
function selectWithPolicy(db: Db) {
  return db
    .selectFrom('deployments')
    .innerJoin('models', 'models.id', 'deployments.model_id')
    .leftJoin('serving_targets', 'serving_targets.model_id', 'deployments.model_id')
    .leftJoin('dispatches', 'dispatches.model_id', 'deployments.model_id')
    .selectAll('deployments')
    .select(['models.policy', ...JOINED_DISPATCH_COLUMNS]);
}

/**
 * The model detail's model (as JSON text), its versions (the array text the
 * store keeps with its summary, migration 066; null when it has none) and its
 * deployment, in one prepared read (deployment null: the model has no deployment row).
 */
export async function findModelWithDeployment(
  db: Db,
  modelId: string,
): Promise<{ model: JsonText<Model>; versions: JsonText<ModelVersion[]> | null; deployment: Deployment | null } | undefined> {
  const row = await firstRow(db, modelWithDeployment(db, modelId));
  if (!row) return undefined;
  return {
    model: row.model_json,
    versions: row.versions_json,
    deployment: row.model_id === null ? null : deploymentFromStoredRow(row as DeploymentRow & JoinedDispatchColumns, row.policy),
  };
}

const modelWithDeployment = preparedQuery((db: Db, modelId: string) =>
  db
    .selectFrom('models')
    .leftJoin('deployments', 'deployments.model_id', 'models.id')
    .leftJoin('serving_targets', 'serving_targets.model_id', 'models.id')
    .leftJoin('dispatches', 'dispatches.model_id', 'models.id')
    .leftJoin('model_versions_json', 'model_versions_json.model_id', 'models.id')
    .selectAll('deployments')
    .select([
      jsonObjectText(engineOf(db), modelJsonFields('models')).as('model_json'),
      'model_versions_json.versions_json',
      'models.policy',
      ...JOINED_DISPATCH_COLUMNS,
    ])
    .where('models.id', '=', modelId),
);

/** The routing salt of a model (what the webhook's desired state carries). */
export async function saltOf(db: Db, modelId: string): Promise<string | undefined> {
  const row = await db.selectFrom('deployments').select('salt').where('model_id', '=', modelId).executeTakeFirst();
  return row?.salt;
}

export async function findDeployment(db: Db, modelId: string): Promise<Deployment | undefined> {
  const row = await selectWithPolicy(db).where('deployments.model_id', '=', modelId).executeTakeFirst();
  return row ? deploymentFromRow(row, row.policy) : undefined;
}

/**
 * Writes `next` only if the stored state is still `expectedStateVersion`
 * (compare-and-set), so two writers can never both move the same state.
 * Returns whether the write happened.
 */
export async function replaceDeployment(db: Db, next: DeploymentState, expectedStateVersion: number): Promise<boolean> {
  const result = await db
    .updateTable('deployments')
    .set({
      stable_version: next.stable_version,
      canary_version: next.canary_version,
      canary_pct: next.canary_pct,
      phase: next.phase,
      state_version: next.state_version,
      previous_stable: next.previous_stable,
      updated_at: next.updated_at,
    })
    .where('model_id', '=', next.model_id)
    .where('state_version', '=', expectedStateVersion)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return false;
  await touchModelSummary(db, next.model_id, next.updated_at);
  return true;
}
