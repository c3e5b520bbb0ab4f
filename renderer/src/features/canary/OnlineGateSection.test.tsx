// The online gate section: every role sees the values in force with units and
// whether they are the type default; only an admin edits, with per-field
// messages from the shared schema before any step-up; a wrong password stays on
// the re-authentication, a 403 or the BFF's 400 goes back to the form; a
// tightening shows saved, a loosening "waiting for a second admin".
import { act, cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyChange } from '../../../../shared/domain/policy-change.js';
import { defaultOnlineGatePolicy } from '../../../../shared/logic/online-gate.js';
import { useStore } from '../../app/store.js';
import { OLIVIA, user } from '../../test-support/fixtures.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { resetStore } from '../../test-support/store-reset.js';
import { OnlineGateSection } from './OnlineGateSection.js';

configure({ asyncUtilTimeout: 5000 });
const DEFAULT = defaultOnlineGatePolicy('LTR');
const ADA = user('ada', ['admin'], 'Ada Admin');
let double: ModelOpsDouble;

const signIn = (me: typeof ADA) => useStore.setState((s) => ({ session: { ...s.session, status: 'signed_in', user: me } }));
beforeEach(() => {
  resetStore();
  double = installModelOpsDouble({ 'app:canary:gate': () => ok({ policy: DEFAULT, is_default: true }) });
});
afterEach(() => {
  cleanup();
  double.uninstall();
});

/** Types `value` into the field and, with `submit`, presses Enter in its form. */
async function type(field: HTMLElement, value: string, submit = false) {
  await act(async () => {
    fireEvent.change(field, { target: { value } });
    if (submit) fireEvent.submit(field.closest('form')!);
  });
}
const click = async (element: HTMLElement) => act(async () => void fireEvent.click(element));

async function openEditor() {
  render(<OnlineGateSection modelId="ltr-ranker" modelType="LTR" canEdit />);
  await click(await screen.findByRole('button', { name: 'Edit online gate' }));
  return { dialog: await screen.findByRole('alertdialog') };
}

describe('online gate section', () => {
  it('shows every value with its unit and meaning, and that it is the type default, to a non-admin without an edit button', async () => {
    signIn(OLIVIA);
    render(<OnlineGateSection modelId="ltr-ranker" modelType="LTR" canEdit={false} />);
    const card = (await screen.findByRole('heading', { name: 'Online gate' })).closest('article')!;
    expect(await within(card as HTMLElement).findByText('LTR default')).toBeTruthy();
    expect(within(card as HTMLElement).getByText('500 requests')).toBeTruthy();
    expect(within(card as HTMLElement).getByText('+1 pts')).toBeTruthy();
    expect(within(card as HTMLElement).getByText('1.2 ×')).toBeTruthy();
    expect(within(card as HTMLElement).getByText('60 s')).toBeTruthy();
    expect(within(card as HTMLElement).getByText(/exceed stable by at most this many percentage points/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Edit online gate' })).toBeNull();
  });

  it('checks the fields against the shared schema with a message per field, and asks for no password until they hold', async () => {
    signIn(ADA);
    const { dialog } = await openEditor();
    const interval = within(dialog).getByLabelText('Interval (s)');
    await type(interval, '0.1');
    const bake = within(dialog).getByLabelText('Bake intervals (intervals)');
    await type(bake, '2.5');
    const ratio = within(dialog).getByLabelText('Max p95 latency ratio (×)');
    await type(ratio, 'abc', true);
    expect(within(dialog).getByText('Must be at least 0.2.')).toBeTruthy();
    expect(within(dialog).getByText('Must be a whole number.')).toBeTruthy();
    expect(within(dialog).getByText('Enter a number (×).')).toBeTruthy();
    expect(interval.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).queryByLabelText('Password')).toBeNull();
    expect(double.callsTo('app:canary:set-gate')).toHaveLength(0);
  });

  it('a tightening is saved with the step-up and the section shows the new values as the model’s own', async () => {
    signIn(ADA);
    const tight = { ...DEFAULT, max_error_rate_increase_pts: 0.5 };
    double.on('app:canary:set-gate', () => ok({ outcome: 'applied', gate: { policy: tight, is_default: false } }));
    const { dialog } = await openEditor();
    const pts = within(dialog).getByLabelText('Max error-rate increase (pts)');
    await type(pts, '0.5', true);
    await type(await within(dialog).findByLabelText('Password'), 'pw', true);
    expect(await screen.findByText(/Saved: the online gate above is in force/)).toBeTruthy();
    expect(double.callsTo('app:canary:set-gate')[0]).toEqual({ model_id: 'ltr-ranker', policy: tight, step_up: { password: 'pw' } });
    expect(screen.getByText('Model’s own')).toBeTruthy();
    expect(screen.getByText('+0.5 pts')).toBeTruthy();
  });

  it('a loosening shows "waiting for a second admin" with what it loosens, and the values in force stay', async () => {
    signIn(ADA);
    const change: PolicyChange = {
      id: 'pch_0123456789ab',
      model_id: 'ltr-ranker',
      proposed_by: 'ada',
      proposed_at: '2030-01-01T00:00:00.000Z',
      before: {},
      after: {},
      loosens: ['online gate: fail_intervals 3 → 6'],
      status: 'pending',
      decided_by: null,
      decided_at: null,
      expires_at: '2030-01-02T00:00:00.000Z',
      online_gate: { before: null, after: { ...DEFAULT, fail_intervals: 6 } },
    };
    double.on('app:canary:set-gate', () => ok({ outcome: 'pending', policy_change: change }));
    const { dialog } = await openEditor();
    const failIntervals = within(dialog).getByLabelText('Fail intervals (intervals)');
    await type(failIntervals, '6', true);
    await type(await within(dialog).findByLabelText('Password'), 'pw', true);
    expect(await screen.findByText('Waiting for a second admin.')).toBeTruthy();
    expect(screen.getByText('online gate: fail_intervals 3 → 6')).toBeTruthy();
    expect(screen.getByText('LTR default')).toBeTruthy();
    expect(screen.getAllByText('3 in a row').length).toBeGreaterThan(0);
  });

  it('a wrong password stays on the re-authentication; a 403 and the BFF’s 400 message go back to the form', async () => {
    signIn(ADA);
    const answers = [fail('invalid_credentials', 'The password is wrong.'), fail('forbidden', 'Setting the online gate needs the admin role.'), fail('invalid_request', 'interval_s: too small')];
    double.on('app:canary:set-gate', () => answers.shift()!);
    const { dialog } = await openEditor();
    await click(within(dialog).getByRole('button', { name: 'Continue' }));
    await type(await within(dialog).findByLabelText('Password'), 'wrong', true);
    expect(await within(dialog).findByText('The password is wrong.')).toBeTruthy();
    expect(within(dialog).getByLabelText('Password')).toBeTruthy();
    await type(within(dialog).getByLabelText('Password'), 'pw', true);
    expect(await within(dialog).findByText('Setting the online gate needs the admin role.')).toBeTruthy();
    expect(within(dialog).getByLabelText('Interval (s)')).toBeTruthy();
    await click(within(dialog).getByRole('button', { name: 'Continue' }));
    await type(await within(dialog).findByLabelText('Password'), 'pw', true);
    expect(await within(dialog).findByText('Interval_s: too small')).toBeTruthy();
  });

  it('resets a model’s own gate to the type default (policy null)', async () => {
    signIn(ADA);
    double.on('app:canary:gate', () => ok({ policy: { ...DEFAULT, bake_intervals: 9 }, is_default: false }));
    double.on('app:canary:set-gate', () => ok({ outcome: 'applied', gate: { policy: DEFAULT, is_default: true } }));
    const { dialog } = await openEditor();
    await click(within(dialog).getByRole('button', { name: 'Reset to LTR default' }));
    await type(await within(dialog).findByLabelText('Password'), 'pw', true);
    expect(await screen.findByText('LTR default')).toBeTruthy();
    expect(double.callsTo('app:canary:set-gate')[0]).toMatchObject({ policy: null });
  });
});
