// @vitest-environment node
// Pure logic: no DOM needed, so no jsdom to start.
import { describe, expect, it } from 'vitest';
import { deployment, run, version } from '../../test-support/fixtures.js';
import { currentStepIndex, gateStatusOf, needsOverride, offeredActions, planAction, releasableVersions, rolloutRequestOf } from './rollout-plan.js';

const passing = run('pass', '2.1.0', '2.0.0', { 'ndcg@10': 0.51, 'mrr@10': 0.57, 'recall@100': 0.92, zero_result_rate: 0.024, latency_proxy: 4.2 });
const failing = run('fail', '2.2.0', '2.0.0', { 'ndcg@10': 0.48, 'mrr@10': 0.56, 'recall@100': 0.92, zero_result_rate: 0.024, latency_proxy: 4.4 });

describe('rollout plan for the controls', () => {
  it('offers start canary (and rollback only with something to restore) when only a stable serves', () => {
    expect(offeredActions(deployment())).toEqual(['start_canary']);
    expect(offeredActions(deployment({ previous_stable: '1.5.0' }))).toEqual(['start_canary', 'rollback']);
    expect(offeredActions(deployment({ canary_version: '2.1.0', canary_pct: 5, phase: 'canary' }))).toEqual(['advance', 'rollback']);
    expect(offeredActions(deployment({ canary_version: '2.1.0', canary_pct: 50, phase: 'rolling' }))).toEqual(['promote', 'rollback']);
  });

  it('plans start canary at the first step with the gate of the target version', () => {
    const planned = planAction(deployment(), [passing, failing], 'start_canary', '2.1.0');
    expect(planned).toMatchObject({ ok: true, plan: { fromVersion: '2.0.0', targetVersion: '2.1.0', targetPct: 5, gate: { kind: 'passed' } } });
    const failed = planAction(deployment(), [passing, failing], 'start_canary', '2.2.0');
    expect(failed.ok && failed.plan.gate.kind).toBe('failed');
    expect(failed.ok && needsOverride(failed.plan.gate)).toBe(true);
    const missing = planAction(deployment(), [], 'start_canary', '2.3.0');
    expect(missing.ok && missing.plan.gate).toEqual({ kind: 'missing' });
  });

  it('advances to the next step, and promotes the live canary only from the last step before 100 %', () => {
    const live = deployment({ canary_version: '2.1.0', canary_pct: 25, phase: 'rolling' });
    expect(planAction(live, [passing], 'advance', null)).toMatchObject({ ok: true, plan: { targetVersion: '2.1.0', targetPct: 50 } });
    expect(planAction(live, [passing], 'promote', null)).toMatchObject({ ok: false, message: expect.stringContaining('last step') });
    const last = deployment({ canary_version: '2.1.0', canary_pct: 50, phase: 'rolling' });
    expect(planAction(last, [passing], 'promote', null)).toMatchObject({ ok: true, plan: { targetVersion: '2.1.0', targetPct: 100, fromVersion: '2.0.0' } });
    expect(planAction(live, [passing], 'rollback', null)).toMatchObject({ ok: true, plan: { targetVersion: '2.0.0', gate: { kind: 'not_applicable' } } });
  });

  it('says why an action is not possible', () => {
    const planned = planAction(deployment(), [], 'start_canary', null);
    expect(planned).toEqual({ ok: false, message: 'Choose a version first.' });
    expect(planAction(deployment(), [], 'advance', null)).toMatchObject({ ok: false, message: expect.stringContaining('no canary is live') });
  });

  it('builds the rollout body with the expected state, and an override only when the gate needs one and the user asked', () => {
    const d = deployment();
    const planned = planAction(d, [failing], 'start_canary', '2.2.0');
    if (!planned.ok) throw new Error('plan');
    expect(rolloutRequestOf(planned.plan, d, '  why now  ', true)).toEqual({
      target_version: '2.2.0',
      strategy: 'canary',
      canary_pct: 5,
      justification: 'why now',
      expected_state_version: 3,
      gate_override: true,
    });
    const passed = planAction(d, [passing], 'start_canary', '2.1.0');
    if (!passed.ok) throw new Error('plan');
    expect(rolloutRequestOf(passed.plan, d, 'why', true)).not.toHaveProperty('gate_override');
  });

  it('lists releasable versions newest first, without deprecated or serving ones', () => {
    const versions = [version('2.0.0', { status: 'active' }), version('1.0.0', { status: 'deprecated' }), version('2.1.0'), version('2.10.0')];
    expect(releasableVersions(deployment(), versions).map((v) => v.version)).toEqual(['2.10.0', '2.1.0']);
  });

  it('knows the step the deployment is at', () => {
    expect(currentStepIndex(deployment())).toBe(-1);
    expect(currentStepIndex(deployment({ canary_version: '2.1.0', canary_pct: 25 }))).toBe(1);
    expect(currentStepIndex(deployment({ phase: 'complete' }))).toBe(3);
  });

  it('uses the latest run of the version for its gate', () => {
    const older = run('old', '2.1.0', '2.0.0', failing.metrics, { finished_at: '2026-11-01T00:00:00.000Z' });
    expect(gateStatusOf([older, passing], '2.1.0').kind).toBe('passed');
  });
});
