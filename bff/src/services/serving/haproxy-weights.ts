// Which HAProxy server serves which model version, and the integer weights
// that give each version its share of requests (docs/decisions/0003).
//
// Naming rule: the servers of version V are named `v` + V with `.` and `+`
// replaced by `_`, optionally followed by `-<suffix>` (`v2_1_0`, `v2_1_0-b`).
// A pre-release hyphen makes names ambiguous (`v1_2_0-rc_1` is 1.2.0-rc.1, or
// 1.2.0 with suffix `rc_1`): the longest registered version that matches wins.

/** The server-name stem of a version: `2.1.0+build.5` -> `v2_1_0_build_5`. */
export function serverStem(version: string): string {
  return `v${version.replace(/[.+]/g, '_')}`;
}

/** The registered version a server belongs to, or null when it follows the rule for none of them. */
export function versionOfServer(serverName: string, versions: readonly string[]): string | null {
  let best: string | null = null;
  for (const version of versions) {
    const stem = serverStem(version);
    if (serverName !== stem && !serverName.startsWith(`${stem}-`)) continue;
    if (best === null || stem.length > serverStem(best).length) best = version;
  }
  return best;
}

/** HAProxy's weight range for `set server … weight`. */
export const MAX_SERVER_WEIGHT = 256;

export interface WeightPlan {
  /** Weight per server name; every server of the backend is listed. */
  weights: Map<string, number>;
  /** The share (percent) each version gets with these weights. */
  shares: Map<string, number>;
  /** Largest difference, in percentage points, between a version's share and its target. */
  maxErrorPts: number;
}

/**
 * Integer per-server weights so that each version's share of requests equals
 * `targets` (version -> percent, summing to 100), whatever the number of
 * servers per version. Every server of a version gets the same weight; servers
 * of other versions, or of no version, get 0.
 *
 * A version's share is n_v * w_v / sum(n_u * w_u). Exact shares need
 * w_v proportional to p_v / n_v; the search tries every weight 1..256 for the
 * version with the largest per-server weight, rounds the others to the nearest
 * integer (at least 1 when their target is above 0) and keeps the smallest
 * error, preferring the smallest weights among equals. Stable 95 % on 3
 * servers and canary 5 % on 1 gives 19 and 3 (57/60 = 95 % exactly); shares
 * that no integers up to 256 express exactly come within a fraction of a point.
 */
export function planWeights(serverNames: readonly string[], versions: readonly string[], targets: ReadonlyMap<string, number>): WeightPlan {
  const serversOfVersion = new Map<string, string[]>();
  for (const name of serverNames) {
    const version = versionOfServer(name, versions);
    if (version === null || (targets.get(version) ?? 0) <= 0) continue;
    serversOfVersion.set(version, [...(serversOfVersion.get(version) ?? []), name]);
  }
  const live = [...targets].filter(([, pct]) => pct > 0);
  for (const [version] of live) {
    if (!serversOfVersion.has(version)) {
      throw new MissingServersError(version);
    }
  }
  const perServerTarget = (version: string) => (targets.get(version) ?? 0) / serversOfVersion.get(version)!.length;
  const top = live.reduce((a, b) => (perServerTarget(b[0]) > perServerTarget(a[0]) ? b : a))[0];

  let best: { weightOf: Map<string, number>; error: number } | null = null;
  for (let topWeight = 1; topWeight <= MAX_SERVER_WEIGHT; topWeight++) {
    const scale = topWeight / perServerTarget(top);
    const weightOf = new Map<string, number>();
    for (const [version] of live) {
      const raw = version === top ? topWeight : Math.round(perServerTarget(version) * scale);
      weightOf.set(version, Math.min(MAX_SERVER_WEIGHT, Math.max(1, raw)));
    }
    const error = maxError(sharesOf(weightOf, serversOfVersion), targets);
    if (best === null || error < best.error - 1e-9) best = { weightOf, error };
    if (best.error < 1e-9) break;
  }
  const weights = new Map<string, number>(serverNames.map((name) => [name, 0]));
  for (const [version, names] of serversOfVersion) for (const name of names) weights.set(name, best!.weightOf.get(version)!);
  return { weights, shares: sharesOf(best!.weightOf, serversOfVersion), maxErrorPts: best!.error };
}

function sharesOf(weightOf: ReadonlyMap<string, number>, serversOfVersion: ReadonlyMap<string, string[]>): Map<string, number> {
  let total = 0;
  for (const [version, weight] of weightOf) total += weight * serversOfVersion.get(version)!.length;
  const shares = new Map<string, number>();
  for (const [version, weight] of weightOf) shares.set(version, (100 * weight * serversOfVersion.get(version)!.length) / total);
  return shares;
}

function maxError(shares: ReadonlyMap<string, number>, targets: ReadonlyMap<string, number>): number {
  let error = 0;
  for (const [version, pct] of targets) error = Math.max(error, Math.abs((shares.get(version) ?? 0) - pct));
  return error;
}

/**
 * The share of requests each registered version gets from the weights HAProxy
 * reports (percent, rounded to 0.01). Servers of no registered version are
 * left out, so the shares then sum to less than 100.
 */
export function observedShares(servers: ReadonlyArray<{ name: string; weight: number }>, versions: readonly string[]): Record<string, number> {
  const total = servers.reduce((sum, server) => sum + server.weight, 0);
  const observed: Record<string, number> = {};
  for (const server of servers) {
    const version = versionOfServer(server.name, versions);
    if (version === null) continue;
    const share = total === 0 ? 0 : (100 * server.weight) / total;
    observed[version] = (observed[version] ?? 0) + share;
  }
  for (const version of Object.keys(observed)) observed[version] = Math.round(observed[version]! * 100) / 100;
  return observed;
}

export class MissingServersError extends Error {
  constructor(readonly version: string) {
    super(`the backend has no server for version ${version} (expected one named ${serverStem(version)} or ${serverStem(version)}-<suffix>)`);
    this.name = 'MissingServersError';
  }
}
