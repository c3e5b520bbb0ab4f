// Which dispatch events notify whom, and how often: a dispatcher retrying every
// few seconds must not become a notification storm. Events are built through
// the shared schema (what the event stream hands the notifier after validation).
import { describe, expect, it } from 'vitest';
import { ServerEvent } from '../../../shared/api/events.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import type { DeploymentDispatch } from '../../../shared/domain/serving.js';
import type { User } from '../../../shared/domain/user.js';
import type { NativeNotification } from './approval-notifier.js';
import { DispatchNotifier } from './dispatch-notifier.js';
import { createMemoryLogger } from './logger.js';

const SIGN_IN = Date.parse('2030-01-01T00:00:00.000Z');
const user = (roles: User['roles']): User => ({ id: 'usr_1', username: 'someone', display_name: 'Someone', roles });

function deployment(stateVersion: number, dispatch: DeploymentDispatch): Deployment {
  return {
    model_id: 'ltr-ranker',
    stable_version: '2.0.0',
    canary_version: '2.1.0',
    canary_pct: 5,
    phase: 'canary',
    state_version: stateVersion,
    previous_stable: null,
    plan: [5, 25, 50, 100],
    updated_at: '2030-01-01T00:00:10.000Z',
    dispatch,
  };
}

let nextId = 1;
function event(type: 'deployment.applied' | 'deployment.dispatch_failed' | 'deployment.drift', d: Deployment, at = '2030-01-01T00:00:20.000Z'): ServerEvent {
  return ServerEvent.parse({ id: nextId++, at, data: { type, deployment: d } });
}

const retrying = (attempts: number, stateVersion = 4) =>
  deployment(stateVersion, { status: 'retrying', target_kind: 'haproxy', attempts, last_error: 'connect ECONNREFUSED 127.0.0.1:9999', next_attempt_at: '2030-01-01T00:00:40.000Z' });
const failed = (attempts: number, stateVersion = 4) => deployment(stateVersion, { status: 'failed', target_kind: 'haproxy', attempts, last_error: 'connect ECONNREFUSED 127.0.0.1:9999' });
const applied = (stateVersion = 4) => deployment(stateVersion, { status: 'applied', target_kind: 'haproxy', attempts: 1, applied_at: '2030-01-01T00:00:14.000Z', observed: { '2.0.0': 95, '2.1.0': 5 } });
const drift = (canaryObserved: number, stateVersion = 4) =>
  deployment(stateVersion, { status: 'drift', target_kind: 'haproxy', attempts: 1, observed: { '2.0.0': 100 - canaryObserved, '2.1.0': canaryObserved } });

function notifierFor(roles: User['roles'], enabled = true) {
  const shown: NativeNotification[] = [];
  const opened: string[] = [];
  const notifier = new DispatchNotifier({
    show: (n) => shown.push(n),
    currentUser: () => user(roles),
    notificationsEnabled: () => enabled,
    openModel: (id) => opened.push(id),
    logger: createMemoryLogger(),
    now: () => SIGN_IN,
  });
  notifier.start();
  return { notifier, shown, opened };
}

describe('dispatch notifications', () => {
  it('tells an operator once when a dispatch starts retrying and once when it fails, naming model, target and error', () => {
    const { notifier, shown, opened } = notifierFor(['operator']);
    for (let attempt = 1; attempt <= 5; attempt += 1) notifier.handle(event('deployment.dispatch_failed', retrying(attempt)));
    expect(shown.map((n) => n.title)).toEqual(['Dispatch retrying: ltr-ranker']);
    expect(shown[0]!.body).toBe(
      'Applying stable 2.0.0 95 %, canary 2.1.0 5 % to HAProxy failed (1st try): connect ECONNREFUSED 127.0.0.1:9999. The BFF keeps trying.',
    );
    notifier.handle(event('deployment.dispatch_failed', failed(6)));
    notifier.handle(event('deployment.dispatch_failed', failed(6)));
    expect(shown.map((n) => n.title)).toEqual(['Dispatch retrying: ltr-ranker', 'Dispatch failed: ltr-ranker']);
    expect(shown[1]!.body).toBe(
      'Applying stable 2.0.0 95 %, canary 2.1.0 5 % to HAProxy failed after 6 tries: connect ECONNREFUSED 127.0.0.1:9999. An operator can retry from the rollout tab.',
    );
    // A click opens the model (its rollout tab), not a request.
    shown[1]!.onClick();
    expect(opened).toEqual(['ltr-ranker']);
  });

  it('a new approved state, or a success in between, makes the next failure news again', () => {
    const { notifier, shown } = notifierFor(['approver']);
    notifier.handle(event('deployment.dispatch_failed', retrying(1, 4)));
    notifier.handle(event('deployment.dispatch_failed', retrying(1, 5)));
    notifier.handle(event('deployment.dispatch_failed', retrying(2, 5)));
    notifier.handle(event('deployment.applied', applied(5)));
    notifier.handle(event('deployment.dispatch_failed', retrying(1, 5)));
    expect(shown.map((n) => n.title)).toEqual(['Dispatch retrying: ltr-ranker', 'Dispatch retrying: ltr-ranker', 'Dispatch retrying: ltr-ranker']);
  });

  it('tells of a drift once per observed split, with the version furthest from what was approved', () => {
    const { notifier, shown } = notifierFor(['operator', 'approver']);
    notifier.handle(event('deployment.drift', drift(12)));
    notifier.handle(event('deployment.drift', drift(12)));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe('Drift: ltr-ranker');
    expect(shown[0]!.body).toMatch(/^HAProxy sends 12 % to 2\.1\.0, approved 5 %\./);
    notifier.handle(event('deployment.drift', drift(30)));
    expect(shown.map((n) => n.body.split('.')[0])).toEqual(['HAProxy sends 12 % to 2', 'HAProxy sends 30 % to 2']);
  });

  it('tells nobody who cannot act (viewers, admins), nobody with notifications off, and nothing from before the sign-in', () => {
    for (const roles of [['viewer'], ['admin']] as User['roles'][]) {
      const { notifier, shown } = notifierFor(roles);
      notifier.handle(event('deployment.dispatch_failed', failed(3)));
      notifier.handle(event('deployment.drift', drift(12)));
      expect(shown).toEqual([]);
    }
    const off = notifierFor(['operator'], false);
    off.notifier.handle(event('deployment.dispatch_failed', failed(3)));
    expect(off.shown).toEqual([]);

    // Replayed backlog counts as said: the next live retry of that state is not "the first" again.
    const replay = notifierFor(['operator']);
    replay.notifier.handle(event('deployment.dispatch_failed', retrying(1), '2029-12-31T23:00:00.000Z'));
    replay.notifier.handle(event('deployment.dispatch_failed', retrying(2)));
    expect(replay.shown).toEqual([]);
    replay.notifier.handle(event('deployment.dispatch_failed', failed(6)));
    expect(replay.shown.map((n) => n.title)).toEqual(['Dispatch failed: ltr-ranker']);
  });
});
