// What the rollout controls offer for a deployment as it is now: each action
// with its from -> to, traffic and the gate it would be judged by. Built on
// shared/logic's rollout machine, so the screen and the BFF agree.
import type { RolloutAction } from '../../../../shared/domain/change-request.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { EvalRunResult } from '../../../../shared/domain/eval-run.js';
import type { GateResult } from '../../../../shared/domain/gate.js';
import type { ModelVersion } from '../../../../shared/domain/model.js';
import type { RolloutRequest } from '../../../../shared/api/rollout.js';
import { availableActions, planCommand, type RolloutCommand } from '../../../../shared/logic/rollout-machine.js';
import { compareSemver } from '../../lib/semver.js';
import { latestRunOf } from '../evals/eval-view.js';

export const ACTION_LABEL: Record<RolloutAction, string> = {
  start_canary: 'Start canary',
  advance: 'Advance',
  promote: 'Promote',
  rollback: 'Roll back',
};

export type GateStatus =
  | { kind: 'passed'; gate: GateResult; run: EvalRunResult }
  | { kind: 'failed'; gate: GateResult; run: EvalRunResult }
  /** No eval run for the version: the BFF treats it as a failed gate. */
  | { kind: 'missing' }
  /** Rollback is judged by no gate: an outage cannot wait. */
  | { kind: 'not_applicable' };

export type PlannedAction = {
  action: RolloutAction;
  fromVersion: string | null;
  targetVersion: string;
  targetPct: number;
  gate: GateStatus;
};

/** Versions a canary (or first release) may use: not deprecated, not already serving. */
export function releasableVersions(deployment: Deployment, versions: readonly ModelVersion[]): ModelVersion[] {
  return versions
    .filter((v) => v.status !== 'deprecated' && v.version !== deployment.stable_version && v.version !== deployment.canary_version)
    .sort((a, b) => compareSemver(b.version, a.version));
}

export function gateStatusOf(runs: readonly EvalRunResult[], version: string): GateStatus {
  const run = latestRunOf(runs, version);
  if (!run) return { kind: 'missing' };
  return run.gate.passed ? { kind: 'passed', gate: run.gate, run } : { kind: 'failed', gate: run.gate, run };
}

function commandOf(action: RolloutAction, version: string | null): RolloutCommand | null {
  switch (action) {
    case 'start_canary':
      return version === null ? null : { action, version };
    case 'advance':
      return { action };
    case 'promote':
      return version === null ? { action } : { action, version };
    case 'rollback':
      return { action };
  }
}

/**
 * The planned change for `action` (with `version` where the action needs one),
 * or the machine's sentence saying why not. `promote` names the live canary;
 * the machine still allows it only from the plan's last step before 100 %.
 */
export function planAction(
  deployment: Deployment,
  runs: readonly EvalRunResult[],
  action: RolloutAction,
  version: string | null,
): { ok: true; plan: PlannedAction } | { ok: false; message: string } {
  const named = action === 'promote' && version === null && deployment.canary_version !== null ? deployment.canary_version : version;
  const command = commandOf(action, named);
  if (!command) return { ok: false, message: 'Choose a version first.' };
  const planned = planCommand(deployment, command, { now: new Date().toISOString(), demoteTo: 'candidate' });
  if (!planned.ok) return { ok: false, message: planned.message };
  return {
    ok: true,
    plan: {
      action,
      fromVersion: planned.fromVersion,
      targetVersion: planned.targetVersion,
      targetPct: planned.targetPct,
      gate: action === 'rollback' ? { kind: 'not_applicable' } : gateStatusOf(runs, planned.targetVersion),
    },
  };
}

/** The actions to show as buttons now. */
export function offeredActions(deployment: Deployment): RolloutAction[] {
  return availableActions(deployment);
}

export function needsOverride(gate: GateStatus): boolean {
  return gate.kind === 'failed' || gate.kind === 'missing';
}

/** The body of `POST /rollout` for a planned (non-rollback) action. */
export function rolloutRequestOf(
  plan: PlannedAction,
  deployment: Deployment,
  justification: string,
  override: boolean,
): RolloutRequest {
  const strategy = plan.action === 'start_canary' ? 'canary' : plan.action === 'advance' ? 'advance' : 'promote';
  return {
    target_version: plan.targetVersion,
    strategy,
    ...(strategy === 'promote' ? {} : { canary_pct: plan.targetPct }),
    justification: justification.trim(),
    expected_state_version: deployment.state_version,
    ...(needsOverride(plan.gate) && override ? { gate_override: true } : {}),
  };
}

/** Where the deployment stands on its plan: the index of the current step, -1 before the first. */
export function currentStepIndex(deployment: Deployment): number {
  if (deployment.canary_version === null) return deployment.stable_version === null ? -1 : deployment.phase === 'complete' ? deployment.plan.length - 1 : -1;
  return deployment.plan.findIndex((step) => step === deployment.canary_pct);
}
