// Repository of deployments (where each model's traffic goes). A deployment
// leaves with its rollout plan, taken from the model's policy or the default.
import type { Kysely } from 'kysely';
import { Deployment } from '../../../shared/domain/deployment.js';
import { DEFAULT_ROLLOUT_PLAN, ModelPolicy } from '../../../shared/domain/model.js';
import type { DB, DeploymentRow } from './schema.js';

function deploymentFromRow(row: DeploymentRow, policyJson: string): Deployment {
  const policy = ModelPolicy.parse(JSON.parse(policyJson));
  return Deployment.parse({
    model_id: row.model_id,
    stable_version: row.stable_version,
    canary_version: row.canary_version,
    canary_pct: row.canary_pct,
    phase: row.phase,
    state_version: row.state_version,
    previous_stable: row.previous_stable,
    plan: policy.rollout_plan ?? DEFAULT_ROLLOUT_PLAN,
    updated_at: row.updated_at,
  });
}

/** A new model's deployment: nothing live yet. */
export async function insertDeployment(db: Kysely<DB>, modelId: string, salt: string, at: string): Promise<void> {
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
}

function selectWithPolicy(db: Kysely<DB>) {
  return db.selectFrom('deployments').innerJoin('models', 'models.id', 'deployments.model_id').selectAll('deployments').select('models.policy');
}

export async function findDeployment(db: Kysely<DB>, modelId: string): Promise<Deployment | undefined> {
  const row = await selectWithPolicy(db).where('deployments.model_id', '=', modelId).executeTakeFirst();
  return row ? deploymentFromRow(row, row.policy) : undefined;
}

export async function deploymentsOf(db: Kysely<DB>, modelIds: readonly string[]): Promise<Map<string, Deployment>> {
  const found = new Map<string, Deployment>();
  if (modelIds.length === 0) return found;
  const rows = await selectWithPolicy(db).where('deployments.model_id', 'in', modelIds).execute();
  for (const row of rows) found.set(row.model_id, deploymentFromRow(row, row.policy));
  return found;
}

/**
 * Writes `next` only if the stored state is still `expectedStateVersion`
 * (compare-and-set), so two writers can never both move the same state.
 * Returns whether the write happened.
 */
export async function replaceDeployment(db: Kysely<DB>, next: Deployment, expectedStateVersion: number): Promise<boolean> {
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
  return result.numUpdatedRows === 1n;
}
