import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../app/store.js';
import { connectPushes } from '../../app/push-bridge.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { ARJUN, OLIVIA, summary } from '../../test-support/fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';

let double: ModelOpsDouble;
let disconnect: () => void;

beforeEach(() => {
  resetStore();
  double = installModelOpsDouble({
    'app:session:state': () => ok({ status: 'signed_out', remembered_user: null }),
    'app:session:sign-in': ({ username }) => (username === 'olivia' ? ok({ status: 'signed_in', user: OLIVIA, remembered: false }) : ok({ status: 'signed_in', user: ARJUN, remembered: true })),
    'app:app:info': () => fail('internal'),
    'app:settings:get': () => fail('internal'),
    'app:connection:state': () => ok({ state: 'connected' }),
  });
  disconnect = connectPushes();
});
afterEach(() => {
  disconnect();
  double.uninstall();
});

describe('session', () => {
  it('follows the roles the company IdP gave the signed-in person at a fresh sign-in, and ignores anyone else', async () => {
    await useStore.getState().signIn({ username: 'arjun', password: 'pw', staySignedIn: false });
    double.push('app:session:user-changed', { user: { ...ARJUN, roles: ['viewer'] } });
    expect(useStore.getState().session.user?.roles).toEqual(['viewer']);
    double.push('app:session:user-changed', { user: { ...OLIVIA, roles: ['admin'] } });
    expect(useStore.getState().session.user).toMatchObject({ username: 'arjun', roles: ['viewer'] });
  });

  it('starts signed out when there is no session and nothing remembered', async () => {
    await useStore.getState().startSession();
    expect(useStore.getState().session.status).toBe('signed_out');
    expect(double.callsTo('app:session:restore')).toHaveLength(0);
  });

  it('restores a remembered user, and shows the form with a notice when that fails', async () => {
    double.on('app:session:state', () => ok({ status: 'signed_out', remembered_user: 'olivia' }));
    double.on('app:session:restore', () => ok({ status: 'signed_in', user: OLIVIA, remembered: true }));
    await useStore.getState().startSession();
    expect(useStore.getState().session).toMatchObject({ status: 'signed_in', user: OLIVIA, remembered: true });

    resetStore();
    double.on('app:session:restore', () => fail('session_expired'));
    await useStore.getState().startSession();
    expect(useStore.getState().session).toMatchObject({ status: 'signed_out', rememberedUser: 'olivia' });
    expect(useStore.getState().session.notice).toMatch(/sign in again/i);
  });

  it('signs in, passing "stay signed in", and reports a refused password with the BFF code', async () => {
    expect(await useStore.getState().signIn({ username: ' olivia ', password: 'pw', staySignedIn: true })).toBe(true);
    expect(double.callsTo('app:session:sign-in')[0]).toEqual({ username: 'olivia', password: 'pw', stay_signed_in: true });
    expect(useStore.getState().session.status).toBe('signed_in');

    double.on('app:session:sign-in', () => fail('invalid_credentials', 'wrong user name or password'));
    await useStore.getState().signOut();
    expect(await useStore.getState().signIn({ username: 'olivia', password: 'bad', staySignedIn: false })).toBe(false);
    expect(useStore.getState().session).toMatchObject({ status: 'signed_out', error: { code: 'invalid_credentials' } });
  });

  it('on expiry goes back to sign-in keeping the route and the screens, and a re-sign-in returns there', async () => {
    await useStore.getState().signIn({ username: 'olivia', password: 'pw', staySignedIn: false });
    useStore.getState().navigate({ name: 'model', modelId: 'ltr-ranker', tab: 'rollout' });
    useStore.setState((s) => ({ registry: { ...s.registry, rows: [summary('ltr-ranker')] } }));

    double.push('app:session:expired', { message: 'Your session expired.' });
    expect(useStore.getState().session).toMatchObject({ status: 'signed_out', notice: 'Your session expired.', lastUsername: 'olivia' });
    expect(useStore.getState().route).toEqual({ name: 'model', modelId: 'ltr-ranker', tab: 'rollout' });

    await useStore.getState().signIn({ username: 'olivia', password: 'pw', staySignedIn: false });
    expect(useStore.getState().route).toEqual({ name: 'model', modelId: 'ltr-ranker', tab: 'rollout' });
    expect(useStore.getState().registry.rows).toHaveLength(1);
  });

  it('treats a call answering session_expired like the push', async () => {
    await useStore.getState().signIn({ username: 'olivia', password: 'pw', staySignedIn: false });
    double.on('app:models:list', () => fail('session_expired', 'The session could not be renewed'));
    await useStore.getState().loadRegistry();
    expect(useStore.getState().session).toMatchObject({ status: 'signed_out', notice: 'The session could not be renewed' });
  });

  it('gives a different user fresh screens', async () => {
    await useStore.getState().signIn({ username: 'olivia', password: 'pw', staySignedIn: false });
    useStore.setState((s) => ({ registry: { ...s.registry, rows: [summary('ltr-ranker')] } }));
    useStore.getState().sessionLost('expired');
    await useStore.getState().signIn({ username: 'arjun', password: 'pw', staySignedIn: false });
    expect(useStore.getState().registry.rows).toHaveLength(0);
    expect(useStore.getState().session.user).toEqual(ARJUN);
  });
});
