// The rollout state machine over a model's Deployment: which commands are
// legal now and exactly what each one changes. Pure; the BFF stores the result.
import type { RolloutAction } from '../domain/change-request.js';
import type { DeploymentState } from '../domain/deployment.js';
import type { VersionStatus } from '../domain/model.js';

export type RolloutCommand =
  | { action: 'start_canary'; version: string }
  | { action: 'advance'; targetPct?: number }
  | { action: 'promote'; version?: string }
  | { action: 'rollback' };

export type StatusChange = { version: string; status: VersionStatus };

export type PlannedChange = {
  ok: true;
  /** What the command amounts to: a start_canary on a one-step plan is a promote. */
  action: RolloutAction;
  /** What traffic moves away from: the stable version, or the canary when a live canary is rolled back. Null on a first release. */
  fromVersion: string | null;
  /** The version that carries `targetPct` % of the traffic afterwards. */
  targetVersion: string;
  /** Canary share after start_canary/advance; 100 after promote and rollback (all traffic on targetVersion). */
  targetPct: number;
  next: DeploymentState;
  /** Version statuses to write with `next`, in order. */
  statusChanges: StatusChange[];
};

export type MachineError = { ok: false; code: 'illegal_transition' | 'nothing_to_roll_back'; message: string };

export type PlanOptions = {
  /** ISO timestamp written to `updated_at`. */
  now: string;
  /** Status the replaced stable version takes on promotion (the model's policy). */
  demoteTo: 'candidate' | 'deprecated';
};

/** The first plan step above `currentPct`, or null when the plan has none. */
export function nextStep(plan: readonly number[], currentPct: number): number | null {
  return plan.find((step) => step > currentPct) ?? null;
}

/** The actions `planCommand` can accept for `d` as it is now (with a suitable version where one is needed). */
export function availableActions(d: DeploymentState): RolloutAction[] {
  if (inconsistency(d) !== null) return [];
  if (d.canary_version === null) {
    if (d.stable_version === null) return ['promote'];
    const actions: RolloutAction[] = ['start_canary'];
    if (d.plan[0] === 100) actions.push('promote');
    if (d.previous_stable !== null) actions.push('rollback');
    return actions;
  }
  const step = nextStep(d.plan, d.canary_pct);
  return step !== null && step < 100 ? ['advance', 'rollback'] : ['promote', 'rollback'];
}

/**
 * What `command` would do to `d`: the next deployment (state_version + 1,
 * updated_at = now) and the version statuses to write with it, or an error
 * value when the command is not legal now. Never modifies `d`.
 */
export function planCommand(d: DeploymentState, command: RolloutCommand, options: PlanOptions): PlannedChange | MachineError {
  const broken = inconsistency(d);
  if (broken !== null) return illegal(d, `the deployment of ${d.model_id} is inconsistent (${broken}); repair it before changing it`);
  switch (command.action) {
    case 'start_canary':
      return startCanary(d, command.version, options);
    case 'advance':
      return advance(d, command.targetPct, options);
    case 'promote':
      return promote(d, command.version, options);
    case 'rollback':
      return rollback(d, options);
    default:
      return illegal(d, `unknown action ${JSON.stringify((command as { action: unknown }).action)}`);
  }
}

function startCanary(d: DeploymentState, version: string, options: PlanOptions): PlannedChange | MachineError {
  const stable = d.stable_version;
  if (d.canary_version !== null) return illegal(d, `a canary of ${d.canary_version} is already live at ${d.canary_pct} %`);
  if (stable === null) return illegal(d, `${d.model_id} has no stable version yet, so there is nothing to compare a canary with`);
  if (version === stable) return illegal(d, `${version} is already the stable version`);
  const firstStep = d.plan[0];
  if (firstStep === undefined) return illegal(d, `the rollout plan of ${d.model_id} has no steps`);
  // A one-step plan has no canary stage: the first step already moves all traffic.
  if (firstStep === 100) return promotion(d, version, options);
  return planned(d, options, {
    action: 'start_canary',
    fromVersion: stable,
    targetVersion: version,
    targetPct: firstStep,
    changes: { canary_version: version, canary_pct: firstStep, phase: 'canary' },
    statusChanges: [],
  });
}

function advance(d: DeploymentState, targetPct: number | undefined, options: PlanOptions): PlannedChange | MachineError {
  const canary = d.canary_version;
  if (canary === null) return illegal(d, 'no canary is live');
  const step = nextStep(d.plan, d.canary_pct);
  if (step === null || step === 100) return illegal(d, `the next step is 100 %: promote ${canary} instead`);
  if (targetPct !== undefined && targetPct !== step) return illegal(d, `the next step of the plan is ${step} %, not ${targetPct} %`);
  return planned(d, options, {
    action: 'advance',
    fromVersion: d.stable_version,
    targetVersion: canary,
    targetPct: step,
    changes: { canary_pct: step, phase: 'rolling' },
    statusChanges: [],
  });
}

function promote(d: DeploymentState, version: string | undefined, options: PlanOptions): PlannedChange | MachineError {
  const canary = d.canary_version;
  if (canary !== null) {
    if (version !== undefined && version !== canary) return illegal(d, `${version} is not the live canary (${canary})`);
    // The plan is the safety: a canary reaches 100 % only from the step before it, never by skipping steps.
    if (nextStep(d.plan, d.canary_pct) !== 100) {
      return illegal(d, `${canary} is at ${d.canary_pct} %, not at the plan's last step before 100 %`);
    }
    return promotion(d, canary, options);
  }
  if (version === undefined) {
    return illegal(d, d.stable_version === null ? 'name the version to release first' : 'no canary is live to promote');
  }
  if (d.stable_version === null) return promotion(d, version, options);
  if (version === d.stable_version) return illegal(d, `${version} is already the stable version`);
  if (d.plan[0] === 100) return promotion(d, version, options);
  return illegal(d, `${version} must go through a canary first`);
}

/** `version` takes all traffic; the stable it replaces (if any) is what rollback restores. */
function promotion(d: DeploymentState, version: string, options: PlanOptions): PlannedChange {
  const replaced = d.stable_version;
  const statusChanges: StatusChange[] = [{ version, status: 'active' }];
  if (replaced !== null && replaced !== version) statusChanges.push({ version: replaced, status: options.demoteTo });
  return planned(d, options, {
    action: 'promote',
    fromVersion: replaced,
    targetVersion: version,
    targetPct: 100,
    changes: { stable_version: version, previous_stable: replaced, canary_version: null, canary_pct: 0, phase: 'complete' },
    statusChanges,
  });
}

function rollback(d: DeploymentState, options: PlanOptions): PlannedChange | MachineError {
  const stable = d.stable_version;
  const canary = d.canary_version;
  if (canary !== null && stable !== null) {
    // previous_stable stays: it still names what a later rollback of the stable restores.
    return planned(d, options, {
      action: 'rollback',
      fromVersion: canary,
      targetVersion: stable,
      targetPct: 100,
      changes: { canary_version: null, canary_pct: 0, phase: 'rolled_back' },
      statusChanges: [],
    });
  }
  const restored = d.previous_stable;
  if (restored === null) {
    return {
      ok: false,
      code: 'nothing_to_roll_back',
      message: `nothing to roll back for ${d.model_id}: no canary is live and no previous stable version is recorded`,
    };
  }
  const statusChanges: StatusChange[] = [{ version: restored, status: 'active' }];
  // The rolled-back version stays usable for another attempt, unlike a deliberately retired one.
  if (stable !== null && stable !== restored) statusChanges.push({ version: stable, status: 'candidate' });
  return planned(d, options, {
    action: 'rollback',
    fromVersion: stable,
    targetVersion: restored,
    targetPct: 100,
    changes: { stable_version: restored, previous_stable: null, phase: 'rolled_back' },
    statusChanges,
  });
}

type Changes = Partial<Pick<DeploymentState, 'stable_version' | 'canary_version' | 'canary_pct' | 'phase' | 'previous_stable'>>;

function planned(
  d: DeploymentState,
  options: PlanOptions,
  outcome: Omit<PlannedChange, 'ok' | 'next'> & { changes: Changes },
): PlannedChange {
  const { changes, ...rest } = outcome;
  // Built field by field, so that nothing but the Deployment's own fields reaches storage.
  const next: PlannedChange['next'] = {
    model_id: d.model_id,
    stable_version: changes.stable_version !== undefined ? changes.stable_version : d.stable_version,
    canary_version: changes.canary_version !== undefined ? changes.canary_version : d.canary_version,
    canary_pct: changes.canary_pct ?? d.canary_pct,
    phase: changes.phase ?? d.phase,
    state_version: d.state_version + 1,
    previous_stable: changes.previous_stable !== undefined ? changes.previous_stable : d.previous_stable,
    plan: [...d.plan],
    updated_at: options.now,
  };
  return { ok: true, ...rest, next };
}

// States the machine never produces; refusing them keeps a damaged row from being built upon.
function inconsistency(d: DeploymentState): string | null {
  if (d.canary_version !== null && d.stable_version === null) return 'a canary without a stable version';
  if (d.canary_version === null && d.canary_pct !== 0) return `${d.canary_pct} % of traffic on no canary`;
  return null;
}

function illegal(d: DeploymentState, reason: string): MachineError {
  return { ok: false, code: 'illegal_transition', message: `${reason}; ${allowedNow(d)}` };
}

/** A sentence for the operator: what could be done instead. */
function allowedNow(d: DeploymentState): string {
  const actions = availableActions(d);
  if (actions.length === 0) return 'nothing can be done until it is repaired';
  const canary = d.canary_version;
  // On a one-step plan start_canary and promote both release at once: name that once.
  const named = d.plan[0] === 100 && canary === null && actions.includes('promote') ? actions.filter((a) => a !== 'start_canary') : actions;
  const options = named.map((action) => {
    switch (action) {
      case 'start_canary':
        return `start a canary of a new version at ${d.plan[0] ?? '?'} %`;
      case 'advance':
        return `advance ${canary ?? 'the canary'} to ${nextStep(d.plan, d.canary_pct) ?? '?'} %`;
      case 'promote':
        if (canary !== null) return `promote ${canary}`;
        return d.stable_version === null ? 'promote a first version' : 'promote a new version';
      case 'rollback':
        return canary !== null ? `roll the canary back to ${d.stable_version ?? '?'}` : `roll back to ${d.previous_stable ?? '?'}`;
    }
  });
  const list = options.length === 1 ? options[0] : `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
  return `allowed now: ${list}`;
}
