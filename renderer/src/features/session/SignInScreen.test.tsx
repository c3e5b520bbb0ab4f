import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../../shared/ipc/contract.js';
import { useStore } from '../../app/store.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { resetStore } from '../../test-support/store-reset.js';
import { SignInScreen } from './SignInScreen.js';

// Two shared cores: async queries may need longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

let double: ModelOpsDouble;
beforeEach(resetStore);
afterEach(() => {
  cleanup();
  double.uninstall();
});

const view = (overrides: Partial<SettingsView>): SettingsView => ({
  settings: { bff_url: null, notifications_enabled: true, theme: 'system', run_in_background: 'approvers', launch_at_login: false },
  locked: [],
  mode: 'local',
  bff_origin: null,
  policy: { path: '/etc/model-ops-console/policy.json', state: 'absent' },
  restart_required: false,
  ...overrides,
});

describe('sign in', () => {
  it('says "Local mode" when no BFF is set; the demo users sign in with one click, no password shown or typed', async () => {
    double = installModelOpsDouble({
      'app:session:sign-in-local': ({ username }) =>
        ok({ status: 'signed_in', user: { id: 'u_1', username, display_name: 'Olivia Operator', roles: ['operator'] }, remembered: false, local_account: true }),
    });
    useStore.setState((s) => ({
      settings: { ...s.settings, view: view({}), status: 'ready' },
      session: { ...s.session, localUsers: [{ username: 'olivia', display_name: 'Olivia Operator', roles: ['operator'] }, { username: 'arjun', display_name: 'Arjun Approver', roles: ['approver'] }] },
    }));
    render(<SignInScreen />);
    expect(screen.getByText('Local mode')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Demo users' })).toBeTruthy();
    expect(document.body.textContent).not.toContain('demo-');
    expect(screen.getByRole('button', { name: 'Change…' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Olivia Operator (operator)' }));
    expect(double.callsTo('app:session:sign-in-local')[0]).toEqual({ username: 'olivia', stay_signed_in: false });
    await waitFor(() => expect(useStore.getState().session.localAccount).toBe(true));
  });

  it('offers "Sign in with <provider>" instead of the password form when policy and BFF say so; the browser sign-in runs in the main process', async () => {
    double = installModelOpsDouble({
      'app:session:sign-in-idp': () =>
        ok({ status: 'signed_in', user: { id: 'u_2', username: 'oscar', display_name: 'Oscar Operator', roles: ['operator'] }, remembered: true, idp: true }),
    });
    useStore.setState((s) => ({
      settings: { ...s.settings, view: view({ mode: 'remote' }), status: 'ready' },
      session: { ...s.session, methods: { local_sign_in: false, idp: { provider_name: 'Keycloak' } } },
    }));
    render(<SignInScreen />);
    expect(screen.queryByLabelText('Password')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with Keycloak' }));
    expect(double.callsTo('app:session:sign-in-idp')[0]).toEqual({ stay_signed_in: false });
    await waitFor(() => expect(useStore.getState().session.idp).toBe(true));
  });

  it('while the browser sign-in waits: says so, and Cancel or Escape stops it without an error; Stay signed in is offered beside the company button', async () => {
    let release: (() => void) | undefined;
    double = installModelOpsDouble({
      // Pending until the main process is told to cancel, which then fails it as it would.
      'app:session:sign-in-idp': () => new Promise((resolve) => (release = () => resolve(fail('cancelled_by_user', 'Sign-in at the identity provider cancelled.')))),
      'app:session:cancel-idp': () => {
        release?.();
        return ok({ cancelled: release !== undefined });
      },
    });
    useStore.setState((s) => ({
      settings: { ...s.settings, view: view({ mode: 'remote' }), status: 'ready' },
      session: { ...s.session, methods: { local_sign_in: false, idp: { provider_name: 'Acme SSO' } } },
    }));
    render(<SignInScreen />);
    const company = screen.getByRole('group', { name: 'Company sign-in' });
    fireEvent.click(screen.getByRole('checkbox', { name: /Stay signed in/ }));
    for (const stop of ['button', 'escape'] as const) {
      fireEvent.click(screen.getByRole('button', { name: 'Sign in with Acme SSO' }));
      const waiting = await screen.findByRole('status');
      expect(waiting.textContent).toContain('Waiting for you to sign in at Acme SSO in your browser');
      if (stop === 'button') fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      else fireEvent.keyDown(window, { key: 'Escape' });
      await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
      expect(screen.queryByRole('alert')).toBeNull();
      expect(useStore.getState().session.status).toBe('signed_out');
    }
    expect(double.callsTo('app:session:sign-in-idp')).toEqual([{ stay_signed_in: true }, { stay_signed_in: true }]);
    expect(double.callsTo('app:session:cancel-idp')).toHaveLength(2);
    expect(company.textContent).toContain('Opens your browser');
  });

  it('shows a BFF the workstation policy fixes as locked, without a way to change it', () => {
    double = installModelOpsDouble();
    useStore.setState((s) => ({
      settings: { ...s.settings, view: view({ settings: { bff_url: 'https://modelops.example.com/', notifications_enabled: true, theme: 'system', run_in_background: 'approvers', launch_at_login: false }, locked: ['bff_url'], mode: 'remote', policy: { path: '/etc/p.json', state: 'loaded' } }), status: 'ready' },
    }));
    render(<SignInScreen />);
    expect(screen.getByText('https://modelops.example.com/')).toBeTruthy();
    expect(screen.getByText(/Set by your workstation policy/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Change…' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Demo users' })).toBeNull();
  });

  it('shows the BFF refusal as a sentence plus the server message, and clears the password', async () => {
    double = installModelOpsDouble({ 'app:session:sign-in': () => fail('locked_out', 'too many failed sign-ins; try again in 15 minutes') });
    render(<SignInScreen />);
    fireEvent.change(screen.getByLabelText('User name'), { target: { value: 'olivia' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /Stay signed in/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('This account is temporarily locked after failed sign-ins.')).toBeTruthy();
    expect(screen.getByText('Too many failed sign-ins; try again in 15 minutes')).toBeTruthy();
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(double.callsTo('app:session:sign-in')[0]).toEqual({ username: 'olivia', password: 'secret', stay_signed_in: true });
  });

  it('validates a new BFF address, then asks the main process to change it (it confirms the origin natively)', async () => {
    double = installModelOpsDouble({ 'app:settings:change-bff': ({ bff_url }) => ok(view({ settings: { bff_url, notifications_enabled: true, theme: 'system', run_in_background: 'approvers', launch_at_login: false }, restart_required: true })) });
    useStore.setState((s) => ({ settings: { ...s.settings, view: view({}), status: 'ready' } }));
    render(<SignInScreen />);
    fireEvent.click(screen.getByRole('button', { name: 'Change…' }));
    fireEvent.change(screen.getByLabelText('BFF URL'), { target: { value: 'ftp://nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    // Plain http to another computer is refused before anything is sent.
    fireEvent.change(screen.getByLabelText('BFF URL'), { target: { value: 'http://modelops.example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/must use https/)).toBeTruthy();
    expect(double.callsTo('app:settings:change-bff')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('BFF URL'), { target: { value: 'https://modelops.example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/Restart the app to use the changed address/)).toBeTruthy();
    expect(double.callsTo('app:settings:change-bff')[0]).toEqual({ bff_url: 'https://modelops.example.com' });
    expect(double.callsTo('app:settings:set')).toHaveLength(0);
  });
});
