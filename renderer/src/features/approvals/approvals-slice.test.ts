import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../app/store.js';
import { intentDigest, intentOf } from '../../../../shared/logic/intent.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { ARJUN, deployment, model, request, version } from '../../test-support/fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';

let double: ModelOpsDouble;
beforeEach(() => {
  resetStore();
  useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: ARJUN } }));
});
afterEach(() => double.uninstall());

async function setUp() {
  const pending = await request();
  double = installModelOpsDouble({
    'app:approvals:list': () => ok({ items: [pending], next_cursor: null }),
    'app:approvals:get': () => ok({ request: pending }),
    'app:models:get': () => ok({ model: model(), versions: [version('2.1.0', { created_by: 'ravi' })], deployment: deployment() }),
  });
  await useStore.getState().loadApprovals();
  await useStore.getState().selectRequest(pending.id);
  return pending;
}

describe('approvals store', () => {
  it('loads the inbox, selects a request with its target version and the digest of what is shown', async () => {
    const pending = await setUp();
    const { approvals } = useStore.getState();
    expect(approvals.items).toEqual([pending]);
    expect(double.callsTo('app:approvals:list')[0]).toEqual({ status: 'pending', limit: 50 });
    expect(approvals.detail).toMatchObject({ status: 'ready', request: pending, target: { created_by: 'ravi' }, shownDigest: pending.intent_digest });
  });

  it('approves with a comment, re-authentication and the intent digest of the shown request', async () => {
    const pending = await setUp();
    const dispatched = { ...pending, status: 'dispatched' as const };
    const after = deployment({ canary_version: '2.1.0', canary_pct: 5, phase: 'canary', state_version: 4 });
    double.on('app:approvals:approve', () => ok({ request: dispatched, deployment: after }));
    useStore.getState().startDecision('approve');
    useStore.getState().setDecisionComment(' ship it ');
    expect(useStore.getState().decisionToReauth()).toBe(true);
    expect(await useStore.getState().submitDecision({ password: 'demo-arjun' })).toBe(true);

    expect(double.callsTo('app:approvals:approve')[0]).toEqual({
      request_id: pending.id,
      intent_digest: await intentDigest(intentOf(pending)),
      comment: 'ship it',
      step_up: { password: 'demo-arjun' },
    });
    const { approvals } = useStore.getState();
    expect(approvals.decision).toBeNull();
    expect(approvals.detail.request?.status).toBe('dispatched');
    // The pending view drops a decided request.
    expect(approvals.items).toEqual([]);
  });

  it('requires a reason to reject', async () => {
    await setUp();
    useStore.getState().startDecision('reject');
    expect(useStore.getState().decisionToReauth()).toBe(false);
    expect(useStore.getState().approvals.decision?.problem).toMatch(/say why/i);
  });

  it('shows the BFF refusal of a self-approval and keeps the dialog open', async () => {
    await setUp();
    double.on('app:approvals:approve', () => fail('self_approval', 'you requested this change; another approver must decide it'));
    useStore.getState().startDecision('approve');
    useStore.getState().decisionToReauth();
    expect(await useStore.getState().submitDecision({ password: 'pw' })).toBe(false);
    expect(useStore.getState().approvals.decision).toMatchObject({ stage: 'compose', error: { code: 'self_approval' } });
  });

  it('re-reads the request when the BFF says its intent changed', async () => {
    const pending = await setUp();
    const changed = await request({ target_pct: 25 });
    double.on('app:approvals:approve', () => fail('intent_changed', 'the request is not the one you reviewed'));
    double.on('app:approvals:get', () => ok({ request: changed }));
    useStore.getState().startDecision('approve');
    useStore.getState().decisionToReauth();
    await useStore.getState().submitDecision({ password: 'pw' });
    const { detail, decision } = useStore.getState().approvals;
    expect(decision?.error?.code).toBe('intent_changed');
    expect(detail.request?.target_pct).toBe(25);
    expect(detail.shownDigest).not.toBe(pending.intent_digest);
  });

  it('keeps re-authentication open after a wrong password', async () => {
    await setUp();
    double.on('app:approvals:approve', () => fail('step_up_invalid'));
    useStore.getState().startDecision('approve');
    useStore.getState().decisionToReauth();
    await useStore.getState().submitDecision({ password: 'wrong' });
    expect(useStore.getState().approvals.decision?.stage).toBe('reauth');
  });
});
