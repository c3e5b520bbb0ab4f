import { act, cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installModelOpsDouble, ok, type ModelOpsDouble } from '../test-support/model-ops-double.js';
import { deployment, model, OLIVIA, request, summary, version } from '../test-support/fixtures.js';
import { installTableLayout } from '../test-support/layout.js';
import { resetStore } from '../test-support/store-reset.js';
import { App } from './App.js';
import { connectPushes } from './push-bridge.js';
import { useStore } from './store.js';

// Two shared cores: async queries may need longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

let double: ModelOpsDouble;
let disconnect: () => void;
beforeAll(installTableLayout);
beforeEach(() => {
  resetStore();
  double = installModelOpsDouble({
    'app:session:state': () => ok({ status: 'signed_in', user: OLIVIA, remembered: false }),
    'app:session:sign-in': () => ok({ status: 'signed_in', user: OLIVIA, remembered: false }),
    'app:app:info': () => ok({ name: 'Model Ops Console', version: '0.1.0', mode: 'local', bff_origin: 'http://127.0.0.1:8787', platform: 'linux', badge_supported: true }),
    'app:settings:get': () =>
      ok({ settings: { bff_url: null, notifications_enabled: true, theme: 'system', run_in_background: 'approvers', launch_at_login: false }, locked: [], mode: 'local', bff_origin: 'http://127.0.0.1:8787', policy: { path: '/etc/p.json', state: 'absent' }, restart_required: false }),
    'app:connection:state': () => ok({ state: 'connected' }),
    'app:models:list': () =>
      ok({ items: [summary('ltr-ranker', {}, { name: 'Search ranker' }), summary('bert-sentiment', {}, { name: 'BERT sentiment' }), summary('e5-base', {}, { name: 'E5 base' })], next_cursor: null }),
    'app:models:get': ({ model_id }) => ok({ model: model({ id: model_id, name: model_id }), versions: [version('2.0.0', { status: 'active' })], deployment: deployment() }),
    'app:audit:list': () => ok({ items: [], next_cursor: null }),
    'app:approvals:list': () => ok({ items: [], next_cursor: null }),
  });
  double.on('app:approvals:get', async ({ request_id }) => ok({ request: await request({ id: request_id }) }));
  disconnect = connectPushes();
});
afterEach(() => {
  cleanup();
  disconnect();
  double.uninstall();
});

describe('the app shell', () => {
  it('shows the registry, focuses search with "/", filters as the user types, and opens a model with the keyboard', async () => {
    render(<App />);
    const grid = await screen.findByRole('grid', { name: 'Models' });
    expect(within(grid).getAllByRole('row')).toHaveLength(4);
    expect(screen.getByRole('status', { name: /Local mode/ })).toBeTruthy();

    fireEvent.keyDown(document.body, { key: '/' });
    const search = screen.getByRole('searchbox', { name: 'Search models' });
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: 'bert' } });
    expect(within(grid).getAllByRole('row')).toHaveLength(2);
    expect(screen.getByText('1 of 3 models')).toBeTruthy();

    fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(grid);
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(useStore.getState().route).toEqual({ name: 'model', modelId: 'bert-sentiment', tab: 'overview' });
    expect(await screen.findByRole('heading', { name: 'bert-sentiment', level: 1 })).toBeTruthy();
  });

  it('sends an expired session to sign-in and back to the same screen', async () => {
    useStore.getState().navigate({ name: 'model', modelId: 'ltr-ranker', tab: 'overview' });
    render(<App />);
    await screen.findByRole('heading', { name: 'ltr-ranker', level: 1 });
    act(() => double.push('app:session:expired', { message: 'Your session expired.' }));
    expect(screen.getByText('Your session expired.')).toBeTruthy();
    expect(screen.getByText(/You will return to the model/)).toBeTruthy();
    expect((screen.getByLabelText('User name') as HTMLInputElement).value).toBe('olivia');
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'demo-olivia' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'ltr-ranker', level: 1 })).toBeTruthy();
  });

  it('lands on the request a notification click names, and shows live state pushes', async () => {
    render(<App />);
    await screen.findByRole('grid', { name: 'Models' });
    act(() => double.push('app:navigation:open-request', { request_id: 'req_abcdefgh1234' }));
    expect(useStore.getState().route).toEqual({ name: 'approvals', requestId: 'req_abcdefgh1234' });
    expect(window.location.hash).toBe('#/approvals/req_abcdefgh1234');
    act(() => double.push('app:approvals:pending-changed', { count: 3 }));
    expect(screen.getByLabelText('3 pending')).toBeTruthy();
    act(() => double.push('app:connection:changed', { state: 'reconnecting', retry_in_ms: 4000 }));
    expect(screen.getByRole('status', { name: /Reconnecting \(retry in 4 s\)/ })).toBeTruthy();
  });

  it('re-reads the screen on show after a wake, quietly, and carries out menu commands', async () => {
    useStore.getState().navigate({ name: 'model', modelId: 'ltr-ranker', tab: 'overview' });
    render(<App />);
    await screen.findByRole('heading', { name: 'ltr-ranker', level: 1 });
    const reads = double.callsTo('app:models:get').length;
    act(() => double.push('app:connection:resumed', { reason: 'resume' }));
    // The model is read again while the screen keeps showing it.
    expect(double.callsTo('app:models:get').length).toBe(reads + 1);
    expect(screen.getByRole('heading', { name: 'ltr-ranker', level: 1 })).toBeTruthy();

    act(() => double.push('app:menu:command', { command: 'keyboard-shortcuts' }));
    expect(await screen.findByRole('dialog', { name: /Keyboard shortcuts/i })).toBeTruthy();
    act(() => useStore.getState().setShortcutsOpen(false));
    act(() => double.push('app:menu:command', { command: 'open-settings' }));
    expect(useStore.getState().route).toEqual({ name: 'settings' });
    act(() => double.push('app:menu:command', { command: 'open-approvals' }));
    expect(useStore.getState().route).toEqual({ name: 'approvals' });
  });
});
