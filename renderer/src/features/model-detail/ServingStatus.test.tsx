// ServingStatus as the model screen draws it, in the deployment card and the rollout tab: the
// test sits in model-detail/ because that feature hosts both (features/serving imports neither).
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { DeploymentDispatch, Serving } from '../../../../shared/domain/serving.js';
import { handleServerEvent } from '../../app/push-bridge.js';
import { useStore } from '../../app/store.js';
import { ARJUN, deployment, model, OLIVIA, T0, version } from '../../test-support/fixtures.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { resetStore } from '../../test-support/store-reset.js';
import { DeploymentCard } from './DeploymentCard.js';
import { RolloutPanel } from '../rollout/RolloutPanel.js';
import { dispatchWords } from '../serving/dispatch-words.js';

// Two shared cores: async queries may need longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

const HAPROXY: Serving = { target: { kind: 'haproxy', runtime_api: 'tcp://127.0.0.1:9999', backend: 'ltr' }, updated_at: T0, updated_by: 'ada' };
const WEBHOOK: Serving = { target: { kind: 'webhook', url: 'https://router.example/modelops', secret_set: true }, updated_at: T0, updated_by: 'ada' };
const PULL: Serving = { target: null, updated_at: null, updated_by: null };

const canary = (dispatch: DeploymentDispatch, overrides: Partial<Deployment> = {}): Deployment =>
  deployment({ canary_version: '2.1.0', canary_pct: 5, phase: 'canary', state_version: 4, updated_at: T0, dispatch, ...overrides });
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

const APPLIED: DeploymentDispatch = { status: 'applied', target_kind: 'haproxy', attempts: 1, applied_at: at(4_000), observed: { '2.0.0': 95, '2.1.0': 5 } };
const FAILED: DeploymentDispatch = { status: 'failed', target_kind: 'haproxy', attempts: 6, last_error: 'connect ECONNREFUSED 127.0.0.1:9999' };

let double: ModelOpsDouble;
function install(serving: Serving | null, shown: Deployment) {
  double = installModelOpsDouble({
    'app:models:get': () => ok({ model: model(), versions: [version('2.0.0', { status: 'active' }), version('2.1.0')], deployment: shown }),
    'app:serving:get': () => (serving ? ok({ serving }) : fail('forbidden', 'needs a role')),
    'app:audit:list': () => ok({ items: [], next_cursor: null }),
    'app:evals:list': () => ok({ items: [] }),
    'app:approvals:list': () => ok({ items: [], next_cursor: null }),
  });
}

async function showCard(serving: Serving | null, shown: Deployment, me = OLIVIA) {
  install(serving, shown);
  useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: me } }));
  await useStore.getState().loadModel('ltr-ranker');
  render(<DeploymentCard deployment={useStore.getState().modelDetail.data!.deployment} />);
  return screen.getByRole('region', { name: 'Serving' });
}

beforeEach(resetStore);
afterEach(() => {
  cleanup();
  double.uninstall();
});

describe('the deployment card says where traffic goes and what the serving layer did', () => {
  it('applied: the HAProxy backend, how long after approval, and the observed split beside the approved one', async () => {
    const serving = await showCard(HAPROXY, canary(APPLIED));
    expect(await within(serving).findByText('HAProxy backend ltr at tcp://127.0.0.1:9999')).toBeTruthy();
    expect(within(serving).getByText('applied to HAProxy backend ltr 4 s after approval')).toBeTruthy();
    expect(within(serving).getByText('applied', { selector: '.badge' })).toBeTruthy();
    const table = within(serving).getByRole('table', { name: /approved and observed/ });
    const rows = within(table).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(rows).toEqual(['2.0.095 %95 %as approved', '2.1.05 %5 %as approved']);
    // Nothing to retry once applied.
    expect(within(serving).queryByRole('button', { name: 'Retry dispatch' })).toBeNull();
  });

  it('retrying: which try, when the next one is due, and the error', async () => {
    const retrying: DeploymentDispatch = {
      status: 'retrying',
      target_kind: 'haproxy',
      attempts: 3,
      last_error: 'connection refused',
      next_attempt_at: new Date(Date.now() + 20_400).toISOString(),
    };
    const serving = await showCard(HAPROXY, canary(retrying));
    expect(await within(serving).findByText('retrying (3rd try, next in 20 s): connection refused')).toBeTruthy();
    expect(within(serving).getByText(/HAProxy’s weights are read back once the state is applied/)).toBeTruthy();
    expect(within(serving).getByRole('button', { name: 'Retry dispatch' })).toBeTruthy();
  });

  it('failed: after how many tries and why; drift: what HAProxy sends against what was approved, deltas by direction', async () => {
    let serving = await showCard(HAPROXY, canary(FAILED));
    expect(await within(serving).findByText('failed after 6 tries: connect ECONNREFUSED 127.0.0.1:9999')).toBeTruthy();
    cleanup();

    const drift: DeploymentDispatch = { status: 'drift', target_kind: 'haproxy', attempts: 1, applied_at: at(4_000), observed: { '2.0.0': 88, '2.1.0': 12 } };
    serving = await showCard(HAPROXY, canary(drift));
    expect(await within(serving).findByText('drift: HAProxy sends 12 % to 2.1.0, approved 5 %')).toBeTruthy();
    const more = within(serving).getByLabelText('2.1.0: 7 pts more than approved');
    expect(more.textContent).toBe('+7 pts');
    expect(more.className).toContain('split-delta-more');
    const less = within(serving).getByLabelText('2.0.0: 7 pts less than approved');
    expect(less.textContent).toBe('\u22127 pts');
    expect(less.className).toContain('split-delta-less');
    expect(within(serving).getByRole('button', { name: 'Retry dispatch' })).toBeTruthy();
  });

  it('webhook and pull-only targets; an approver sees the status but no retry button', async () => {
    const delivered: DeploymentDispatch = { status: 'applied', target_kind: 'webhook', attempts: 2, applied_at: at(65_000) };
    let serving = await showCard(WEBHOOK, canary(delivered), ARJUN);
    expect(await within(serving).findByText('webhook https://router.example/modelops')).toBeTruthy();
    expect(within(serving).getByText('applied to webhook https://router.example/modelops 65 s after approval')).toBeTruthy();
    expect(within(serving).getByText(/reports no observed split/)).toBeTruthy();
    cleanup();

    serving = await showCard(PULL, deployment({ dispatch: { status: 'none', target_kind: null, attempts: 0 } }), ARJUN);
    expect(await within(serving).findByText('pull only: routers poll /routing')).toBeTruthy();
    expect(within(serving).getByText('nothing is pushed: routers read the approved state from /routing')).toBeTruthy();
    expect(within(serving).queryByRole('table')).toBeNull();
    cleanup();

    serving = await showCard(HAPROXY, canary(FAILED), ARJUN);
    await within(serving).findByText(/^failed after 6 tries/);
    expect(within(serving).queryByRole('button', { name: 'Retry dispatch' })).toBeNull();
  });

  it('loading, and an error with a way to try again', async () => {
    let answer: (value: ReturnType<typeof ok<{ serving: Serving }>>) => void = () => undefined;
    install(HAPROXY, deployment());
    double.on('app:serving:get', () => new Promise((resolve) => (answer = resolve)));
    useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: OLIVIA } }));
    await useStore.getState().loadModel('ltr-ranker');
    render(<DeploymentCard deployment={useStore.getState().modelDetail.data!.deployment} />);
    const serving = screen.getByRole('region', { name: 'Serving' });
    expect(within(serving).getByLabelText('Loading the serving target')).toBeTruthy();
    expect(within(serving).getByText('nothing is pushed: routers read the approved state from /routing')).toBeTruthy();
    await act(async () => answer(fail('network_unreachable', 'connect ECONNREFUSED')));
    expect(await within(serving).findByText(/Could not read the target: The BFF cannot be reached/)).toBeTruthy();
    double.on('app:serving:get', () => ok({ serving: HAPROXY }));
    fireEvent.click(within(serving).getByRole('button', { name: 'Try again' }));
    expect(await within(serving).findByText('HAProxy backend ltr at tcp://127.0.0.1:9999')).toBeTruthy();
  });
});

describe('Retry dispatch', () => {
  it('is busy while it runs, says so when it worked, and shows the new status', async () => {
    await showCard(HAPROXY, canary(FAILED));
    let answer: (value: ReturnType<typeof ok<{ deployment: Deployment }>>) => void = () => undefined;
    double.on('app:serving:retry-dispatch', () => new Promise((resolve) => (answer = resolve)));
    const button = await screen.findByRole('button', { name: 'Retry dispatch' });
    fireEvent.click(button);
    await waitFor(() => expect(button.getAttribute('aria-busy')).toBe('true'));
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(double.callsTo('app:serving:retry-dispatch')).toEqual([{ model_id: 'ltr-ranker' }]);

    await act(async () => answer(ok({ deployment: canary(APPLIED) })));
    expect(await screen.findByText(/Dispatch sent again/)).toBeTruthy();
    // The card re-renders from the store (DeploymentCard's parent passes the store's deployment on screen).
    expect(useStore.getState().modelDetail.data!.deployment.dispatch?.status).toBe('applied');
  });

  it('shows the error sentence and the BFF message, and can be tried again', async () => {
    await showCard(HAPROXY, canary(FAILED));
    double.on('app:serving:retry-dispatch', () => fail('forbidden', 'Retrying a dispatch needs the operator role.'));
    fireEvent.click(await screen.findByRole('button', { name: 'Retry dispatch' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your role does not allow this.');
    expect(alert.textContent).toContain('Retrying a dispatch needs the operator role.');
    expect((screen.getByRole('button', { name: 'Retry dispatch' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('live from the event stream, on the rollout tab', () => {
  it('follows deployment.dispatch_failed, deployment.applied and deployment.drift without re-reading the model', async () => {
    install(HAPROXY, canary({ status: 'pending', target_kind: 'haproxy', attempts: 0 }));
    useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: OLIVIA } }));
    await useStore.getState().loadModel('ltr-ranker');
    render(<RolloutPanel modelId="ltr-ranker" />);
    const serving = screen.getByRole('region', { name: 'Serving' });
    expect(await within(serving).findByText('pending: being applied to HAProxy backend ltr')).toBeTruthy();
    const reads = double.callsTo('app:models:get').length;

    const push = (type: 'deployment.applied' | 'deployment.dispatch_failed' | 'deployment.drift', dispatch: DeploymentDispatch, id: number) =>
      handleServerEvent({ id, at: at(5_000), data: { type, deployment: canary(dispatch) } });

    push('deployment.dispatch_failed', { status: 'retrying', target_kind: 'haproxy', attempts: 1, last_error: 'connection refused' }, 10);
    expect(await within(serving).findByText('retrying (1st try): connection refused')).toBeTruthy();
    expect(within(serving).getByRole('status').textContent).toBe('Dispatch retrying');
    push('deployment.applied', APPLIED, 11);
    expect(await within(serving).findByText('applied to HAProxy backend ltr 4 s after approval')).toBeTruthy();
    push('deployment.drift', { ...APPLIED, status: 'drift', observed: { '2.0.0': 80, '2.1.0': 20 } }, 12);
    expect(await within(serving).findByText('drift: HAProxy sends 20 % to 2.1.0, approved 5 %')).toBeTruthy();
    // An event about an older approved state does not undo what is on screen.
    handleServerEvent({ id: 13, at: at(6_000), data: { type: 'deployment.applied', deployment: canary(APPLIED, { state_version: 3 }) } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(within(serving).getByText(/^drift:/)).toBeTruthy();
    expect(double.callsTo('app:models:get').length).toBe(reads);
  });
});

describe('dispatch words without a dispatch yet', () => {
  it('says why nothing was sent, and offers a retry only where there is something to send', () => {
    const none: DeploymentDispatch = { status: 'none', target_kind: 'haproxy', attempts: 0 };
    expect(dispatchWords(deployment({ dispatch: none }), HAPROXY.target, Date.now())).toMatchObject({
      sentence: 'nothing sent to HAProxy backend ltr yet',
      retryable: true,
    });
    expect(dispatchWords(deployment({ stable_version: null, dispatch: none }), HAPROXY.target, Date.now())).toMatchObject({
      sentence: 'nothing sent to HAProxy backend ltr: no version is deployed yet',
      retryable: false,
    });
    expect(dispatchWords(canary({ status: 'pending', target_kind: 'webhook', attempts: 0 }), undefined, Date.now()).sentence).toBe('pending: being applied to the webhook');
  });
});
