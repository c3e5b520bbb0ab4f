import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../app/store.js';
import { installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { BASELINE_METRICS, deployment, model, OLIVIA, request, run, user, version } from '../../test-support/fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';
import { RolloutPanel } from './RolloutPanel.js';

// Two shared cores: async queries may need longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

// 2.2.0's latency_proxy (lower is better) rose 20 %: the gate fails.
const failing = run('fail', '2.2.0', '2.0.0', { ...BASELINE_METRICS, latency_proxy: 5.28 });

let double: ModelOpsDouble;
beforeEach(async () => {
  resetStore();
  double = installModelOpsDouble({
    'app:models:get': () => ok({ model: model(), versions: [version('2.0.0', { status: 'active' }), version('2.2.0')], deployment: deployment() }),
    'app:audit:list': () => ok({ items: [], next_cursor: null }),
    'app:evals:list': () => ok({ items: [failing] }),
    'app:approvals:list': () => ok({ items: [], next_cursor: null }),
  });
  useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: OLIVIA } }));
  await useStore.getState().loadModel('ltr-ranker');
});
afterEach(() => {
  cleanup();
  double.uninstall();
});

describe('rollout controls', () => {
  it('shows the failed gate before the user asks, and needs an explicit override to continue', async () => {
    render(<RolloutPanel modelId="ltr-ranker" />);
    expect(await screen.findByText(/The gate failed for 2\.2\.0/)).toBeTruthy();
    expect(screen.getByText(/latency_proxy rose by/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Start canary…' }));
    const dialog = screen.getByRole('alertdialog', { name: /Start canary ltr-ranker/ });
    expect(within(dialog).getByText('5% of traffic goes to 2.2.0; 95% stays on 2.0.0.')).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Justification'), { target: { value: 'Recall matters more this quarter' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(within(dialog).getByText(/Tick the override/)).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('checkbox', { name: /Override the failed gate/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(within(dialog).getByLabelText('Password')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Request start canary' })).toBeTruthy();
  });

  it('shows a pending request with its expiry countdown and lets the requester cancel it', async () => {
    const pending = await request({ target_version: '2.2.0' });
    double.on('app:approvals:list', () => ok({ items: [pending], next_cursor: null }));
    render(<RolloutPanel modelId="ltr-ranker" />);
    expect(await screen.findByText('Waiting for an approver')).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/^Expires in 5[45]:\d\d$/);
    expect(screen.getByText(/Any approver except olivia and ravi/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel request…' }));
    double.on('app:approvals:cancel', () => ok({ request: { ...pending, status: 'cancelled' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel it' }));
    await waitFor(() => expect(screen.queryByText('Waiting for an approver')).toBeNull());
    expect(double.callsTo('app:approvals:cancel')).toEqual([{ request_id: pending.id }]);
    expect(useStore.getState().toasts.at(-1)?.title).toBe('Request cancelled');
  });

  it('explains that a viewer cannot act', async () => {
    useStore.setState((s) => ({ session: { ...s.session, user: user('vera', ['viewer']) } }));
    render(<RolloutPanel modelId="ltr-ranker" />);
    expect(await screen.findByText(/needs the operator role/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Start canary…' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
