// What a serving target is told: a model's approved traffic split, with a
// delivery id that stays the same for every retry of the same desired state.
import type { Deployment } from '../../../../shared/domain/deployment.js';

export interface DesiredState {
  delivery_id: string;
  model_id: string;
  stable_version: string | null;
  canary_version: string | null;
  canary_pct: number;
  state_version: number;
  salt: string;
  /** When this state was approved (the deployment's updated_at). */
  at: string;
}

export function desiredStateOf(deployment: Deployment, deliveryId: string, salt: string): DesiredState {
  const canary = deployment.canary_version;
  return {
    delivery_id: deliveryId,
    model_id: deployment.model_id,
    stable_version: deployment.stable_version,
    canary_version: canary,
    canary_pct: canary === null ? 0 : deployment.canary_pct,
    state_version: deployment.state_version,
    salt,
    at: deployment.updated_at,
  };
}

/** Percent of requests per version that the desired state asks for (versions at 0 % left out). */
export function trafficTargets(state: Pick<DesiredState, 'stable_version' | 'canary_version' | 'canary_pct'>): Map<string, number> {
  const targets = new Map<string, number>();
  const canaryPct = state.canary_version === null ? 0 : state.canary_pct;
  if (state.stable_version !== null && canaryPct < 100) targets.set(state.stable_version, 100 - canaryPct);
  if (state.canary_version !== null && canaryPct > 0) targets.set(state.canary_version, canaryPct);
  return targets;
}

/** The outcome of a successful application, recorded on the deployment. */
export interface Applied {
  /** Share per version read back from the serving layer; absent where it cannot be observed (webhooks). */
  observed?: Record<string, number>;
}
