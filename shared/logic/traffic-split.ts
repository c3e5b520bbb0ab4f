// The approved traffic split of a deployment beside the split the serving layer
// reports (deployment.dispatch.observed), version by version. The console's
// deployment card and its drift notifications both word a drift from this.
import type { Deployment } from '../domain/deployment.js';

/** Percent of traffic per version. */
export type Split = Record<string, number>;

export interface SplitRow {
  version: string;
  /** What the approved state asks for (0 for a version the serving layer still routes to). */
  approvedPct: number;
  /** What the serving layer reports, or null when it reports nothing for this version. */
  observedPct: number | null;
  /** observed - approved; null without an observation. */
  deltaPct: number | null;
}

/** Differences below this many percentage points are rounding of weights, not drift. */
export const SPLIT_TOLERANCE_PCT = 0.5;

/** The approved state as a split: stable 100 - p, canary p; nothing when nothing is deployed. */
export function approvedSplit(deployment: Pick<Deployment, 'stable_version' | 'canary_version' | 'canary_pct'>): Split {
  const split: Split = {};
  const canaryPct = deployment.canary_version === null ? 0 : deployment.canary_pct;
  if (deployment.stable_version !== null) split[deployment.stable_version] = 100 - canaryPct;
  if (deployment.canary_version !== null) split[deployment.canary_version] = (split[deployment.canary_version] ?? 0) + canaryPct;
  return split;
}

/**
 * One row per version that is approved or observed: approved ones first in
 * stable, canary order, then any version only the serving layer knows.
 */
export function splitRows(deployment: Deployment): SplitRow[] {
  const approved = approvedSplit(deployment);
  const observed = deployment.dispatch.observed;
  const versions = [...Object.keys(approved), ...Object.keys(observed ?? {}).filter((v) => !(v in approved)).sort()];
  return versions.map((version) => {
    const approvedPct = approved[version] ?? 0;
    const observedPct = observed ? (observed[version] ?? 0) : null;
    return { version, approvedPct, observedPct, deltaPct: observedPct === null ? null : observedPct - approvedPct };
  });
}

/** The version whose observed share is furthest from the approved one (beyond the tolerance), or null. */
export function largestDrift(deployment: Deployment): SplitRow | null {
  let worst: SplitRow | null = null;
  for (const row of splitRows(deployment)) {
    if (row.deltaPct === null || Math.abs(row.deltaPct) < SPLIT_TOLERANCE_PCT) continue;
    // Prefer the version that gets more than approved: "sends 12 % to 2.1.0" reads as the problem.
    if (!worst || Math.abs(row.deltaPct) > Math.abs(worst.deltaPct!) || (Math.abs(row.deltaPct) === Math.abs(worst.deltaPct!) && row.deltaPct > 0)) worst = row;
  }
  return worst;
}

/** A percentage of traffic for sentences: whole numbers as is, others to one decimal ("12 %", "4.8 %"). */
export function formatSplitPct(pct: number): string {
  const rounded = Math.round(pct * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} %`;
}
