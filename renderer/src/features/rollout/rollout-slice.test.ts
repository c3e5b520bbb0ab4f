import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../app/store.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { deployment, model, OLIVIA, request, run, version } from '../../test-support/fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';

const passing = run('pass', '2.1.0', '2.0.0', { 'ndcg@10': 0.51, 'mrr@10': 0.57, 'recall@100': 0.92, zero_result_rate: 0.024, latency_proxy: 4.2 });
// latency_proxy is lower-is-better: rising 20 % breaks its 10 % limit.
const failing = run('fail', '2.2.0', '2.0.0', { 'ndcg@10': 0.5, 'mrr@10': 0.56, 'recall@100': 0.92, zero_result_rate: 0.024, latency_proxy: 5.28 });

let double: ModelOpsDouble;

beforeEach(async () => {
  resetStore();
  double = installModelOpsDouble({
    'app:models:get': () => ok({ model: model(), versions: [version('2.0.0', { status: 'active' }), version('2.1.0'), version('2.2.0')], deployment: deployment() }),
    'app:audit:list': () => ok({ items: [], next_cursor: null }),
    'app:evals:list': () => ok({ items: [passing, failing] }),
    'app:approvals:list': () => ok({ items: [], next_cursor: null }),
    'app:models:list': () => ok({ items: [], next_cursor: null }),
  });
  useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: OLIVIA } }));
  await useStore.getState().loadModel('ltr-ranker');
  await useStore.getState().loadEvals('ltr-ranker');
  await useStore.getState().loadRolloutPending('ltr-ranker');
});
afterEach(() => double.uninstall());

const flow = () => useStore.getState().rollout.flow;

describe('rollout flow', () => {
  it('goes confirm -> re-authenticate -> pending, sending the plan, the expected state and the step-up', async () => {
    const store = useStore.getState();
    store.openRolloutAction('start_canary', '2.1.0');
    expect(flow()).toMatchObject({ stage: 'confirm', action: 'start_canary', version: '2.1.0' });

    expect(useStore.getState().continueToReauth()).toBe(false);
    expect(flow()?.problem).toMatch(/say why/i);

    useStore.getState().updateRolloutDraft({ justification: 'Offline gate passed' });
    expect(useStore.getState().continueToReauth()).toBe(true);
    expect(flow()?.stage).toBe('reauth');

    const created = await request();
    double.on('app:rollout:request', () => ok({ request: created }));
    const sent = useStore.getState().submitRollout({ password: 'demo-olivia' });
    expect(flow()?.stage).toBe('submitting');
    expect(await sent).toBe(true);

    expect(double.callsTo('app:rollout:request')[0]).toEqual({
      model_id: 'ltr-ranker',
      rollout: { target_version: '2.1.0', strategy: 'canary', canary_pct: 5, justification: 'Offline gate passed', expected_state_version: 3 },
      step_up: { password: 'demo-olivia' },
    });
    expect(useStore.getState().rollout).toMatchObject({ flow: null, pending: { status: 'ready', request: created } });
    expect(useStore.getState().toasts.at(-1)?.title).toMatch(/requested/);
  });

  it('needs an explicit override when the gate failed (a lower-is-better metric rose), and sends it', async () => {
    useStore.getState().openRolloutAction('start_canary', '2.2.0');
    useStore.getState().updateRolloutDraft({ justification: 'Latency regression accepted for the recall gain' });
    expect(useStore.getState().continueToReauth()).toBe(false);
    expect(flow()?.problem).toMatch(/override/i);
    useStore.getState().updateRolloutDraft({ override: true });
    expect(useStore.getState().continueToReauth()).toBe(true);
    double.on('app:rollout:request', async () => ok({ request: await request({ target_version: '2.2.0', gate_override: true }) }));
    await useStore.getState().submitRollout({ password: 'pw', totp: '123456' });
    expect(double.callsTo('app:rollout:request')[0]).toMatchObject({ rollout: { gate_override: true }, step_up: { password: 'pw', totp: '123456' } });
  });

  it('stays on re-authentication after a wrong password, and back on confirm after a refusal of the change', async () => {
    useStore.getState().openRolloutAction('start_canary', '2.1.0');
    useStore.getState().updateRolloutDraft({ justification: 'why not' });
    useStore.getState().continueToReauth();
    double.on('app:rollout:request', () => fail('step_up_invalid', 'the password or code is wrong'));
    expect(await useStore.getState().submitRollout({ password: 'nope' })).toBe(false);
    expect(flow()).toMatchObject({ stage: 'reauth', error: { code: 'step_up_invalid' } });

    double.on('app:rollout:request', () => fail('stale_state', 'the deployment of ltr-ranker is at state 4, not 3; reload'));
    const reads = double.callsTo('app:models:get').length;
    expect(await useStore.getState().submitRollout({ password: 'pw' })).toBe(false);
    expect(flow()).toMatchObject({ stage: 'confirm', error: { code: 'stale_state', message: expect.stringContaining('state 4') } });
    // The screen re-reads the deployment so the user decides on the current state.
    await Promise.resolve();
    expect(double.callsTo('app:models:get').length).toBeGreaterThan(reads);
  });

  it('rolls back at once and shows the new deployment', async () => {
    const live = deployment({ canary_version: '2.1.0', canary_pct: 5, phase: 'canary', state_version: 4 });
    useStore.getState().modelDeploymentChanged(live);
    useStore.getState().openRolloutAction('rollback', null);
    useStore.getState().updateRolloutDraft({ justification: 'p99 doubled' });
    expect(useStore.getState().continueToReauth()).toBe(true);
    const after = deployment({ phase: 'rolled_back', state_version: 5 });
    double.on('app:rollout:rollback', () => ok({ deployment: after }));
    expect(await useStore.getState().submitRollout({ password: 'pw' })).toBe(true);
    expect(double.callsTo('app:rollout:rollback')[0]).toEqual({ model_id: 'ltr-ranker', justification: 'p99 doubled', step_up: { password: 'pw' } });
    expect(useStore.getState().modelDetail.data?.deployment.phase).toBe('rolled_back');
  });

  it('cancels the pending request and follows request events', async () => {
    const pending = await request();
    useStore.getState().rolloutRequestChanged(pending);
    expect(useStore.getState().rollout.pending.request).toEqual(pending);
    double.on('app:approvals:cancel', () => ok({ request: { ...pending, status: 'cancelled' } }));
    expect(await useStore.getState().cancelPendingRequest('  changed my mind ')).toBe(true);
    expect(double.callsTo('app:approvals:cancel')[0]).toEqual({ request_id: pending.id, comment: 'changed my mind' });
    expect(useStore.getState().rollout.pending.request).toBeNull();

    useStore.getState().rolloutRequestChanged(pending);
    useStore.getState().rolloutRequestChanged({ ...pending, status: 'dispatched' });
    expect(useStore.getState().rollout.pending.request).toBeNull();
  });
});
