import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Deployment, type DeploymentState } from '../domain/deployment.js';
import { DEFAULT_ROLLOUT_PLAN, type VersionStatus } from '../domain/model.js';
import {
  availableActions,
  nextStep,
  planCommand,
  type MachineError,
  type PlannedChange,
  type PlanOptions,
  type RolloutCommand,
} from './rollout-machine.js';

const NOW = '2024-05-01T12:00:00.000Z';
const OPTIONS: PlanOptions = { now: NOW, demoteTo: 'deprecated' };

function deployment(overrides: Partial<DeploymentState> = {}): DeploymentState {
  return {
    model_id: 'ltr-ranker',
    stable_version: '1.0.0',
    canary_version: null,
    canary_pct: 0,
    phase: 'idle',
    state_version: 7,
    previous_stable: null,
    plan: [...DEFAULT_ROLLOUT_PLAN],
    updated_at: '2024-04-01T00:00:00.000Z',
    ...overrides,
  };
}

function ok(result: PlannedChange | MachineError): PlannedChange {
  if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result;
}

function refused(result: PlannedChange | MachineError): MachineError {
  if (result.ok) throw new Error(`expected an error, got ${result.action} to ${result.targetVersion}`);
  return result;
}

describe('nextStep', () => {
  it('finds the first step above the current share', () => {
    expect(nextStep([5, 25, 50, 100], 0)).toBe(5);
    expect(nextStep([5, 25, 50, 100], 5)).toBe(25);
    expect(nextStep([5, 25, 50, 100], 30)).toBe(50);
    expect(nextStep([5, 25, 50, 100], 50)).toBe(100);
    expect(nextStep([5, 25, 50, 100], 100)).toBeNull();
  });
});

describe('planCommand: a first release', () => {
  const fresh = deployment({ stable_version: null, state_version: 0 });

  it('promotes a named version straight to stable', () => {
    const change = ok(planCommand(fresh, { action: 'promote', version: '1.0.0' }, OPTIONS));
    expect(change).toEqual({
      ok: true,
      action: 'promote',
      fromVersion: null,
      targetVersion: '1.0.0',
      targetPct: 100,
      next: { ...fresh, stable_version: '1.0.0', phase: 'complete', state_version: 1, updated_at: NOW },
      statusChanges: [{ version: '1.0.0', status: 'active' }],
    });
  });

  it('refuses everything else, saying what is allowed', () => {
    expect(availableActions(fresh)).toEqual(['promote']);
    const canary = refused(planCommand(fresh, { action: 'start_canary', version: '1.0.0' }, OPTIONS));
    expect(canary.code).toBe('illegal_transition');
    expect(canary.message).toMatch(/allowed now: promote a first version$/);
    expect(refused(planCommand(fresh, { action: 'promote' }, OPTIONS)).code).toBe('illegal_transition');
    expect(refused(planCommand(fresh, { action: 'advance' }, OPTIONS)).code).toBe('illegal_transition');
    expect(refused(planCommand(fresh, { action: 'rollback' }, OPTIONS)).code).toBe('nothing_to_roll_back');
  });
});

describe('planCommand: a canary rollout', () => {
  const idle = deployment();

  it('starts a canary at the first step', () => {
    const change = ok(planCommand(idle, { action: 'start_canary', version: '1.1.0' }, OPTIONS));
    expect(change).toMatchObject({ action: 'start_canary', fromVersion: '1.0.0', targetVersion: '1.1.0', targetPct: 5, statusChanges: [] });
    expect(change.next).toMatchObject({ canary_version: '1.1.0', canary_pct: 5, phase: 'canary', state_version: 8, updated_at: NOW });
  });

  it('refuses a canary of the stable version and a second canary', () => {
    expect(refused(planCommand(idle, { action: 'start_canary', version: '1.0.0' }, OPTIONS)).message).toMatch(
      /^1\.0\.0 is already the stable version; allowed now: start a canary of a new version at 5 %$/,
    );
    const live = deployment({ canary_version: '1.1.0', canary_pct: 5, phase: 'canary' });
    expect(refused(planCommand(live, { action: 'start_canary', version: '1.2.0' }, OPTIONS)).message).toBe(
      'a canary of 1.1.0 is already live at 5 %; allowed now: advance 1.1.0 to 25 % or roll the canary back to 1.0.0',
    );
  });

  it('advances step by step and checks a requested step', () => {
    const live = deployment({ canary_version: '1.1.0', canary_pct: 5, phase: 'canary' });
    const change = ok(planCommand(live, { action: 'advance', targetPct: 25 }, OPTIONS));
    expect(change).toMatchObject({ action: 'advance', fromVersion: '1.0.0', targetVersion: '1.1.0', targetPct: 25 });
    expect(change.next).toMatchObject({ canary_pct: 25, phase: 'rolling' });
    expect(refused(planCommand(live, { action: 'advance', targetPct: 50 }, OPTIONS)).message).toMatch(
      /^the next step of the plan is 25 %, not 50 %;/,
    );
  });

  it('says to promote when the next step is 100 %', () => {
    const atFifty = deployment({ canary_version: '1.1.0', canary_pct: 50, phase: 'rolling' });
    expect(availableActions(atFifty)).toEqual(['promote', 'rollback']);
    expect(refused(planCommand(atFifty, { action: 'advance' }, OPTIONS)).message).toMatch(/^the next step is 100 %: promote 1\.1\.0 instead;/);
  });

  it('promotes at the last step, demoting the old stable as the policy says', () => {
    const atFifty = deployment({ canary_version: '1.1.0', canary_pct: 50, phase: 'rolling' });
    const change = ok(planCommand(atFifty, { action: 'promote' }, OPTIONS));
    expect(change).toMatchObject({ action: 'promote', fromVersion: '1.0.0', targetVersion: '1.1.0', targetPct: 100 });
    expect(change.next).toMatchObject({
      stable_version: '1.1.0',
      previous_stable: '1.0.0',
      canary_version: null,
      canary_pct: 0,
      phase: 'complete',
      state_version: 8,
    });
    expect(change.statusChanges).toEqual([
      { version: '1.1.0', status: 'active' },
      { version: '1.0.0', status: 'deprecated' },
    ]);
    expect(ok(planCommand(atFifty, { action: 'promote' }, { ...OPTIONS, demoteTo: 'candidate' })).statusChanges[1]).toEqual({
      version: '1.0.0',
      status: 'candidate',
    });
  });

  it("never promotes before the plan's last step, named or not", () => {
    const atFive = deployment({ canary_version: '1.1.0', canary_pct: 5, phase: 'canary' });
    expect(refused(planCommand(atFive, { action: 'promote' }, OPTIONS)).code).toBe('illegal_transition');
    expect(refused(planCommand(atFive, { action: 'promote', version: '9.9.9' }, OPTIONS)).message).toMatch(
      /^9\.9\.9 is not the live canary \(1\.1\.0\);/,
    );
    expect(refused(planCommand(atFive, { action: 'promote', version: '1.1.0' }, OPTIONS)).message).toMatch(
      /^1\.1\.0 is at 5 %, not at the plan's last step before 100 %;/,
    );
    expect(availableActions(atFive)).toEqual(['advance', 'rollback']);
  });

  it('refuses to promote a version that skipped the canary', () => {
    expect(refused(planCommand(idle, { action: 'promote', version: '2.0.0' }, OPTIONS)).message).toBe(
      '2.0.0 must go through a canary first; allowed now: start a canary of a new version at 5 %',
    );
  });

  it('treats a canary on a one-step plan as a promotion', () => {
    const direct = deployment({ plan: [100] });
    const change = ok(planCommand(direct, { action: 'start_canary', version: '2.0.0' }, OPTIONS));
    expect(change).toMatchObject({ action: 'promote', targetVersion: '2.0.0', targetPct: 100 });
    expect(change.next).toMatchObject({ stable_version: '2.0.0', previous_stable: '1.0.0', canary_version: null, phase: 'complete' });
    expect(ok(planCommand(direct, { action: 'promote', version: '2.0.0' }, OPTIONS)).next).toEqual(change.next);
  });
});

describe('planCommand: rollback', () => {
  it('withdraws a live canary and leaves the stable and previous stable alone', () => {
    const live = deployment({ canary_version: '1.1.0', canary_pct: 25, phase: 'rolling', previous_stable: '0.9.0' });
    const change = ok(planCommand(live, { action: 'rollback' }, OPTIONS));
    expect(change).toMatchObject({ action: 'rollback', fromVersion: '1.1.0', targetVersion: '1.0.0', targetPct: 100, statusChanges: [] });
    expect(change.next).toMatchObject({
      stable_version: '1.0.0',
      previous_stable: '0.9.0',
      canary_version: null,
      canary_pct: 0,
      phase: 'rolled_back',
      state_version: 8,
    });
  });

  it('restores the previous stable after a promotion', () => {
    const promoted = deployment({ stable_version: '1.1.0', previous_stable: '1.0.0', phase: 'complete' });
    const change = ok(planCommand(promoted, { action: 'rollback' }, OPTIONS));
    expect(change).toMatchObject({ fromVersion: '1.1.0', targetVersion: '1.0.0', targetPct: 100 });
    expect(change.next).toMatchObject({ stable_version: '1.0.0', previous_stable: null, phase: 'rolled_back' });
    expect(change.statusChanges).toEqual([
      { version: '1.0.0', status: 'active' },
      { version: '1.1.0', status: 'candidate' },
    ]);
  });

  it('answers nothing_to_roll_back and leaves the stable version alone', () => {
    const idle = deployment();
    const before = structuredClone(idle);
    const error = refused(planCommand(idle, { action: 'rollback' }, OPTIONS));
    expect(error).toEqual({
      ok: false,
      code: 'nothing_to_roll_back',
      message: 'nothing to roll back for ltr-ranker: no canary is live and no previous stable version is recorded',
    });
    expect(idle).toEqual(before);
  });
});

describe('planCommand: damaged rows', () => {
  it('refuses to build on a canary without a stable version', () => {
    const broken = deployment({ stable_version: null, canary_version: '1.1.0', canary_pct: 5, phase: 'canary' });
    expect(availableActions(broken)).toEqual([]);
    expect(refused(planCommand(broken, { action: 'rollback' }, OPTIONS)).message).toMatch(/inconsistent \(a canary without a stable version\)/);
  });

  it('refuses an unknown action from untyped input', () => {
    const error = refused(planCommand(deployment(), { action: 'delete' } as unknown as RolloutCommand, OPTIONS));
    expect(error).toMatchObject({ code: 'illegal_transition', message: expect.stringMatching(/^unknown action "delete";/) as unknown });
  });
});

describe('rollout machine properties', () => {
  const VERSIONS = ['1.0.0', '1.1.0', '2.0.0', '2.1.0-rc.1', '3.0.0'];
  const version = fc.constantFrom(...VERSIONS);
  const plan = fc
    .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 5 })
    .map((steps) => [...steps.sort((a, b) => a - b), 100]);
  const command: fc.Arbitrary<RolloutCommand> = fc.oneof(
    version.map((v): RolloutCommand => ({ action: 'start_canary', version: v })),
    fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }).map((targetPct): RolloutCommand =>
      targetPct === undefined ? { action: 'advance' } : { action: 'advance', targetPct },
    ),
    fc.option(version, { nil: undefined }).map((v): RolloutCommand => (v === undefined ? { action: 'promote' } : { action: 'promote', version: v })),
    fc.constant<RolloutCommand>({ action: 'rollback' }),
  );
  const start = fc.record({
    plan,
    stable: fc.option(version, { nil: null }),
    stateVersion: fc.nat(1000),
    demoteTo: fc.constantFrom<PlanOptions['demoteTo']>('candidate', 'deprecated'),
  });

  it('keeps every invariant over random command sequences', () => {
    fc.assert(
      fc.property(start, fc.array(command, { maxLength: 40 }), ({ plan, stable, stateVersion, demoteTo }, commands) => {
        let d = deployment({ stable_version: stable, plan, state_version: stateVersion, phase: stable === null ? 'idle' : 'complete' });
        const statuses = new Map<string, VersionStatus>(stable === null ? [] : [[stable, 'active']]);
        commands.forEach((cmd, i) => {
          const now = new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
          const before = structuredClone(d);
          const legal = availableActions(d);
          const result = planCommand(d, cmd, { now, demoteTo });

          // The input is never modified, whatever happens.
          expect(d).toEqual(before);
          if (!result.ok) {
            expect(['illegal_transition', 'nothing_to_roll_back']).toContain(result.code);
            expect(result.message.length).toBeGreaterThan(0);
            return;
          }
          expect(legal).toContain(cmd.action);
          expect(result.next.state_version).toBe(d.state_version + 1);
          expect(result.next.updated_at).toBe(now);
          expect(Deployment.omit({ dispatch: true }).safeParse(result.next).success).toBe(true);
          for (const change of result.statusChanges) statuses.set(change.version, change.status);

          if (result.action === 'promote' && d.stable_version !== null && d.stable_version !== result.targetVersion) {
            // A promotion records what it replaced, and rolling back restores exactly that.
            expect(result.next.previous_stable).toBe(d.stable_version);
            const undo = planCommand(result.next, { action: 'rollback' }, { now, demoteTo });
            expect(undo.ok && undo.next.stable_version).toBe(d.stable_version);
          }
          d = result.next;

          const active = [...statuses].filter(([, status]) => status === 'active').map(([v]) => v);
          expect(active).toEqual(d.stable_version === null ? [] : [d.stable_version]);
          if (d.canary_version !== null) {
            expect(d.stable_version).not.toBeNull();
            expect(d.canary_version).not.toBe(d.stable_version);
            expect(d.plan).toContain(d.canary_pct);
            expect(d.canary_pct).toBeLessThan(100);
          } else {
            expect(d.canary_pct).toBe(0);
          }
          if (d.canary_version === null && d.previous_stable !== null) {
            const undo = planCommand(d, { action: 'rollback' }, { now, demoteTo });
            expect(undo.ok && undo.next.stable_version).toBe(d.previous_stable);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never changes anything when it refuses, and answers nothing_to_roll_back only when there is nothing', () => {
    fc.assert(
      fc.property(start, fc.array(command, { maxLength: 20 }), command, ({ plan, stable, demoteTo }, setup, probe) => {
        let d = deployment({ stable_version: stable, plan });
        for (const cmd of setup) {
          const result = planCommand(d, cmd, { now: NOW, demoteTo });
          if (result.ok) d = result.next;
        }
        const before = structuredClone(d);
        const result = planCommand(d, probe, { now: '2030-01-01T00:00:00.000Z', demoteTo });
        expect(d).toEqual(before);
        if (!result.ok) {
          expect(Object.keys(result).sort()).toEqual(['code', 'message', 'ok']);
          if (result.code === 'nothing_to_roll_back') {
            expect(probe.action).toBe('rollback');
            expect([d.canary_version, d.previous_stable]).toEqual([null, null]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
