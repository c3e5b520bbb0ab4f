import { cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../app/store.js';
import { installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { ARJUN, deployment, model, request, user, version } from '../../test-support/fixtures.js';
import { installTableLayout } from '../../test-support/layout.js';
import { resetStore } from '../../test-support/store-reset.js';
import { ApprovalsScreen } from './ApprovalsScreen.js';

// Two shared cores: async queries may need longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

let double: ModelOpsDouble;
beforeAll(installTableLayout);
beforeEach(resetStore);
afterEach(() => {
  cleanup();
  double.uninstall();
});

async function showAs(me: typeof ARJUN, registrant = 'ravi', overrides: Parameters<typeof request>[0] = {}) {
  const pending = await request({ requested_by: 'olivia', ...overrides });
  double = installModelOpsDouble({
    'app:approvals:list': () => ok({ items: [pending], next_cursor: null }),
    'app:approvals:get': () => ok({ request: pending }),
    'app:models:get': () => ok({ model: model(), versions: [version('2.1.0', { created_by: registrant })], deployment: deployment() }),
  });
  useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: me } }));
  render(<ApprovalsScreen requestId={pending.id} />);
  await screen.findByText('Target registered');
  return pending;
}

describe('approvals inbox', () => {
  it('shows the requester their own request, with why they cannot decide it', async () => {
    await showAs(user('olivia', ['operator', 'approver']));
    expect(screen.getByText(/you requested this change, so you cannot approve or reject it/i)).toBeTruthy();
    expect((screen.getByRole('button', { name: /approve/i }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: /reject/i }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('button', { name: /go to the rollout to cancel it/i })).toBeTruthy();
    // The list marks it as theirs.
    expect(within(screen.getByRole('grid', { name: 'Change requests' })).getByText('(you)')).toBeTruthy();
  });

  it('blocks the registrant of the target version too', async () => {
    await showAs(ARJUN, 'arjun');
    expect(screen.getByText(/you registered ltr-ranker 2\.1\.0/i)).toBeTruthy();
    expect((screen.getByRole('button', { name: /approve/i }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows no Approve / Reject buttons on a request with nothing left to decide', async () => {
    await showAs(ARJUN, 'ravi', { status: 'dispatched', decisions: [{ by: 'priya', at: '2026-11-20T10:01:00.000Z', decision: 'approve', comment: 'ok', auth_time: '2026-11-20T10:01:00.000Z' }] });
    const decide = screen.getByRole('region', { name: 'Decision' });
    expect(within(decide).getByText('This request is dispatched; there is nothing left to decide.')).toBeTruthy();
    expect(within(decide).queryByRole('button')).toBeNull();
  });

  it('lets another approver decide: what changes, gate, requester, age, expiry, then the decision dialog', async () => {
    await showAs(ARJUN);
    expect(screen.getByText('What changes')).toBeTruthy();
    expect(screen.getByText('Gate snapshot')).toBeTruthy();
    expect(screen.getByText(/^5\s?m(in)? ago/)).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/Expires in 5[45]:/);
    const approve = await screen.findByRole('button', { name: /approve/i });
    await screen.findByText(/intent digest/);
    expect((approve as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(approve);
    const dialog = screen.getByRole('alertdialog');
    expect(within(dialog).getByText(/Approve the start canary of ltr-ranker 2\.1\.0/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(within(dialog).getByLabelText('Password')).toBeTruthy();
  });

  it('says who reported the run behind the gate, and flags a run the registrant reported', async () => {
    await showAs(ARJUN, 'ravi', {
      gate_run: { run_id: 'run_0123456789', reported_by: 'ravi', finished_at: '2026-11-20T09:00:00.000Z', reporter_conflict: 'registrant' },
    });
    const line = screen.getByText(/^Run reported by/);
    expect(line.textContent).toBe('Run reported by ravi the registrant reported it');
  });

  it('shows a service reporter without a flag', async () => {
    await showAs(ARJUN, 'ravi', {
      gate_run: { run_id: 'run_0123456789', reported_by: 'svc:eval-runner', finished_at: '2026-11-20T09:00:00.000Z', reporter_conflict: null },
    });
    expect(screen.getByText(/^Run reported by/).textContent).toBe('Run reported by svc:eval-runner ');
    expect(screen.queryByText(/reported it$/)).toBeNull();
  });
});
