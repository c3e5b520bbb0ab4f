// Who is told, natively, when the BFF rolled a canary back on its own, and
// what the notification says. Events are built through the shared schema.
import { describe, expect, it } from 'vitest';
import { ServerEvent } from '../../../shared/api/events.js';
import type { User } from '../../../shared/domain/user.js';
import type { NativeNotification } from './approval-notifier.js';
import { CanaryNotifier } from './canary-notifier.js';
import { createMemoryLogger } from './logger.js';

const SIGN_IN = Date.parse('2030-01-01T00:00:00.000Z');
const REASON = 'online gate failed 3 intervals in a row at 10 %: canary 20.0 % errors vs stable 0.0 % (limit +1 pt: 1.0 %)';
const evaluation = {
  verdict: 'failing',
  window_start: '2030-01-01T00:00:10.000Z',
  window_end: '2030-01-01T00:00:20.000Z',
  canary: { version: '1.1.0', requests: 50, errors: 10, error_rate: 0.2, latency_ms: 2, latency_stat: 'avg' },
  stable: { version: '1.0.0', requests: 450, errors: 0, error_rate: 0, latency_ms: 2, latency_stat: 'avg' },
  checks: [],
  reason: 'canary 20.0 % errors vs stable 0.0 % (limit +1 pt: 1.0 %)',
};
const rolledBack = (id: number, at = '2030-01-01T00:00:20.000Z') =>
  ServerEvent.parse({
    id,
    at,
    data: {
      type: 'canary.rolled_back',
      model_id: 'cross-encoder-reranker',
      by: 'system:canary-analysis',
      reason: REASON,
      notify: ['olivia', 'arjun'],
      analysis: {
        model_id: 'cross-encoder-reranker',
        state_version: 7,
        canary_version: '1.1.0',
        stable_version: '1.0.0',
        canary_pct: 10,
        status: 'rolled_back',
        policy: { interval_s: 60, min_requests: 200, max_error_rate_increase_pts: 1, max_p95_latency_ratio: 1.2, latency_noise_floor_ms: 5, bake_intervals: 5, fail_intervals: 3 },
        intervals_evaluated: 3,
        consecutive_passes: 0,
        consecutive_failures: 3,
        last: evaluation,
        last_failure: evaluation.reason,
        started_at: '2030-01-01T00:00:00.000Z',
        updated_at: '2030-01-01T00:00:20.000Z',
      },
      deployment: {
        model_id: 'cross-encoder-reranker',
        stable_version: '1.0.0',
        canary_version: null,
        canary_pct: 0,
        phase: 'rolled_back',
        state_version: 8,
        previous_stable: null,
        plan: [10, 50, 100],
        updated_at: '2030-01-01T00:00:20.000Z',
        dispatch: { status: 'pending', target_kind: 'haproxy', attempts: 0 },
      },
    },
  });

function notifierFor(username: string, roles: User['roles'], enabled = true) {
  const shown: NativeNotification[] = [];
  const opened: string[] = [];
  const notifier = new CanaryNotifier({
    show: (n) => shown.push(n),
    currentUser: () => ({ id: 'usr_1', username, display_name: username, roles }),
    notificationsEnabled: () => enabled,
    openModel: (id) => opened.push(id),
    logger: createMemoryLogger(),
    now: () => SIGN_IN,
  });
  notifier.start();
  return { notifier, shown, opened };
}

describe('automatic rollback notifications', () => {
  it('tells the requester with the reason and the numbers, once per event, and opens the model on click', () => {
    const { notifier, shown, opened } = notifierFor('olivia', ['operator']);
    notifier.handle(rolledBack(1));
    notifier.handle(rolledBack(1));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe('Canary rolled back automatically: cross-encoder-reranker');
    expect(shown[0]!.body).toBe(
      '1.1.0 at 10 % failed its online gate 3 intervals in a row; traffic is back on 1.0.0. Last interval: canary 20.0 % errors vs stable 0.0 % (limit +1 pt: 1.0 %)',
    );
    shown[0]!.onClick();
    expect(opened).toEqual(['cross-encoder-reranker']);
  });

  it('tells every approver, not other operators, nor anyone with notifications off, nor about history from before the sign-in', () => {
    const approver = notifierFor('priya', ['approver']);
    approver.notifier.handle(rolledBack(2));
    expect(approver.shown).toHaveLength(1);
    const bystander = notifierFor('otto', ['operator']);
    bystander.notifier.handle(rolledBack(3));
    expect(bystander.shown).toHaveLength(0);
    const muted = notifierFor('olivia', ['operator'], false);
    muted.notifier.handle(rolledBack(4));
    expect(muted.shown).toHaveLength(0);
    const late = notifierFor('olivia', ['operator']);
    late.notifier.handle(rolledBack(5, '2029-12-31T23:00:00.000Z'));
    expect(late.shown).toHaveLength(0);
  });
});
