// Applies a desired state to an HAProxy backend through its Runtime API and
// reads it back: weights set, confirmed, and the observed split computed from
// what HAProxy reports (not from what was sent).
import type { Applied, DesiredState } from './desired-state.js';
import { trafficTargets } from './desired-state.js';
import { DispatchError } from './dispatch-error.js';
import { MissingServersError, observedShares, planWeights, type WeightPlan } from './haproxy-weights.js';
import { runtimeApi, serversOf, setServerWeight, type RuntimeApi, type ServerState } from './haproxy-runtime-api.js';

export interface HaproxyAddress {
  runtime_api: string;
  backend: string;
}

function plan(servers: readonly ServerState[], versions: readonly string[], state: Parameters<typeof trafficTargets>[0]): WeightPlan {
  const targets = trafficTargets(state);
  if (targets.size === 0) throw new DispatchError('nothing to route: the deployment has no stable version', true);
  try {
    return planWeights(
      servers.map((server) => server.name),
      versions,
      targets,
    );
  } catch (error) {
    if (error instanceof MissingServersError) throw new DispatchError(error.message, true);
    throw error;
  }
}

/** Sets every server's weight (raises first, then lowers, so the backend never drops to all zeros), then confirms. */
export async function applyToHaproxy(
  target: HaproxyAddress,
  state: DesiredState,
  versions: readonly string[],
  api: RuntimeApi = runtimeApi(target.runtime_api),
): Promise<Applied> {
  const servers = await serversOf(api, target.backend);
  const weights = plan(servers, versions, state).weights;
  const changes = servers
    .filter((server) => weights.get(server.name) !== server.weight)
    .sort((a, b) => weights.get(b.name)! - b.weight - (weights.get(a.name)! - a.weight));
  for (const server of changes) await setServerWeight(api, target.backend, server.name, weights.get(server.name)!);

  const readBack = await serversOf(api, target.backend);
  const wrong = readBack.filter((server) => weights.has(server.name) && weights.get(server.name) !== server.weight);
  if (wrong.length > 0 || readBack.length !== servers.length) {
    const first = wrong[0];
    throw new DispatchError(
      first
        ? `HAProxy reports weight ${first.weight} for ${target.backend}/${first.name} after it was set to ${weights.get(first.name)}`
        : `the servers of ${target.backend} changed while weights were being set`,
      false,
    );
  }
  return { observed: observedShares(readBack, versions) };
}

export interface HaproxyObservation {
  observed: Record<string, number>;
  /** Servers whose weight is not what the desired state gives them. */
  differences: Array<{ server: string; expected: number; actual: number }>;
}

/** Reads the backend's weights and compares them with what `state` would set (the reconcile loop). */
export async function observeHaproxy(
  target: HaproxyAddress,
  state: Parameters<typeof trafficTargets>[0],
  versions: readonly string[],
  api: RuntimeApi = runtimeApi(target.runtime_api),
): Promise<HaproxyObservation> {
  const servers = await serversOf(api, target.backend);
  const observed = observedShares(servers, versions);
  let weights: Map<string, number>;
  try {
    weights = plan(servers, versions, state).weights;
  } catch (error) {
    // A server of a live version was removed by hand: that is drift too.
    if (error instanceof DispatchError) return { observed, differences: [{ server: error.message, expected: 1, actual: 0 }] };
    throw error;
  }
  const differences = servers
    .filter((server) => weights.get(server.name) !== server.weight)
    .map((server) => ({ server: server.name, expected: weights.get(server.name) ?? 0, actual: server.weight }));
  return { observed, differences };
}
