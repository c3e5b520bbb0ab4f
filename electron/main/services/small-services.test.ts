// Pure pieces of the main process: deep links, the trusted-sender check, and
// which events notify whom.
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../shared/api/events.js';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { User } from '../../../shared/domain/user.js';
import { ApprovalNotifier, describeGate, awaitingDecision, type NativeNotification } from './approval-notifier.js';
import { deepLinkFromArgv, requestIdFromDeepLink } from './deep-link.js';
import { createMemoryLogger } from './logger.js';
import { APP_ENTRY_URL, isTrustedSenderUrl } from './trusted-sender.js';

describe('deep links', () => {
  it('accepts modelops://requests/{id} and nothing else', () => {
    expect(requestIdFromDeepLink('modelops://requests/req_0123456789ab')).toBe('req_0123456789ab');
    expect(requestIdFromDeepLink('modelops://requests/req_0123456789ab/')).toBe('req_0123456789ab');
    expect(requestIdFromDeepLink('modelops://requests/../settings')).toBeNull();
    expect(requestIdFromDeepLink('modelops://requests/javascript:alert(1)')).toBeNull();
    expect(requestIdFromDeepLink('modelops://models/ltr-ranker')).toBeNull();
    expect(requestIdFromDeepLink('https://requests/req_0123456789ab')).toBeNull();
    expect(requestIdFromDeepLink('not a url')).toBeNull();
    expect(deepLinkFromArgv(['/opt/app/model-ops', '--flag', 'modelops://requests/req_abcdefgh12'])).toBe('req_abcdefgh12');
    expect(deepLinkFromArgv(['/opt/app/model-ops'])).toBeNull();
  });
});

describe('trusted IPC senders', () => {
  it('trusts only frames of our custom protocol origin', () => {
    expect(isTrustedSenderUrl(APP_ENTRY_URL)).toBe(true);
    expect(isTrustedSenderUrl('app://console/index.html#/approvals/req_1')).toBe(true);
    expect(isTrustedSenderUrl('app://evil/index.html')).toBe(false);
    expect(isTrustedSenderUrl('https://console/index.html')).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/app/index.html')).toBe(false);
    expect(isTrustedSenderUrl('app://user:pw@console/')).toBe(false);
    expect(isTrustedSenderUrl('')).toBe(false);
    expect(isTrustedSenderUrl(undefined)).toBe(false);
  });
});

const at = '2030-01-01T00:00:00.000Z';
const request = (overrides: Partial<ChangeRequest> = {}): ChangeRequest => ({
  id: 'req_0123456789ab',
  model_id: 'ltr-ranker',
  action: 'start_canary',
  from_version: '1.0.0',
  target_version: '1.1.0',
  target_pct: 5,
  target_checksum: 'a'.repeat(64),
  expected_state_version: 3,
  requested_by: 'olivia',
  requested_at: at,
  requester_auth_time: at,
  justification: 'weekly',
  gate_snapshot: null,
  gate_override: false,
  required_approvals: 1,
  intent_digest: 'b'.repeat(64),
  status: 'pending',
  decisions: [],
  expires_at: at,
  resolved_at: null,
  ...overrides,
});
const user = (username: string, roles: User['roles']): User => ({ id: `usr_${username}`, username, display_name: username, roles });

describe('ApprovalNotifier', () => {
  function notifier(me: User | null, now = Date.parse(at), pending: ChangeRequest[] = []) {
    const shown: NativeNotification[] = [];
    const opened: (string | null)[] = [];
    const pagesRead: { cursor: string | null; limit: number }[] = [];
    const instance = new ApprovalNotifier({
      show: (notification) => shown.push(notification),
      setBadge: () => undefined,
      // The BFF's cursor paging over `pending`, in pages of `limit`.
      listPendingPage: async (page) => {
        pagesRead.push(page);
        const start = Number(page.cursor ?? 0);
        const end = start + page.limit;
        return { items: pending.slice(start, end), next_cursor: end < pending.length ? String(end) : null };
      },
      currentUser: () => me,
      notificationsEnabled: () => true,
      open: (id) => opened.push(id),
      onPendingCount: () => undefined,
      logger: createMemoryLogger(),
      now: () => now,
    });
    return { instance, shown, opened, pagesRead };
  }
  const event = (data: ServerEvent['data'], when = at): ServerEvent => ({ id: 1, at: when, data });

  it('notifies approvers of requests by others, not the requester, not backlog', async () => {
    const approver = notifier(user('arjun', ['approver']));
    await approver.instance.start();
    approver.instance.handle(event({ type: 'approval.requested', request: request() }));
    approver.instance.handle(event({ type: 'approval.requested', request: request({ requested_by: 'arjun' }) }));
    approver.instance.handle(event({ type: 'approval.requested', request: request() }, '2029-12-31T00:00:00.000Z'));
    expect(approver.shown.map((n) => n.title)).toEqual(['Approval requested: ltr-ranker']);
    // Model, action, from → to, traffic and the gate result.
    expect(approver.shown[0]!.body).toBe('Start canary ltr-ranker: 1.0.0 → 1.1.0 at 5 % traffic; no eval gate. Requested by olivia.');
    expect(approver.shown[0]).toMatchObject({ group: 'approval-request', requestId: 'req_0123456789ab', subject: 'Start canary ltr-ranker 1.1.0' });
    const gated = (passed: boolean) => request({ gate_snapshot: { passed, checks: [], failed_metrics: passed ? [] : ['ndcg@10'] }, gate_override: !passed });
    expect(describeGate(gated(true))).toBe('gate passed');
    expect(describeGate(gated(false))).toBe('gate failed (ndcg@10), override asked');
    approver.shown[0]!.onClick();
    expect(approver.opened).toEqual(['req_0123456789ab']);

    const operator = notifier(user('otto', ['operator']));
    await operator.instance.start();
    operator.instance.handle(event({ type: 'approval.requested', request: request() }));
    expect(operator.shown).toEqual([]);
  });

  it('tells requesters about decisions on their own requests, and everyone else about rollbacks', async () => {
    const requester = notifier(user('olivia', ['operator']));
    await requester.instance.start();
    const decision = { by: 'arjun', at, decision: 'reject' as const, comment: 'not now', auth_time: at };
    requester.instance.handle(event({ type: 'request.rejected', request: request({ status: 'rejected', decisions: [decision] }) }));
    requester.instance.handle(event({ type: 'request.rejected', request: request({ requested_by: 'otto', status: 'rejected' }) }));
    expect(requester.shown.map((n) => n.title)).toEqual(['Your request was rejected']);
    expect(requester.shown[0]!.body).toContain('rejected by arjun: not now');

    const deployment = {
      model_id: 'ltr-ranker', stable_version: '1.0.0', canary_version: null, canary_pct: 0, phase: 'rolled_back' as const,
      state_version: 5, previous_stable: null, plan: [5, 25, 50, 100], updated_at: at,
      dispatch: { status: 'none' as const, target_kind: null, attempts: 0 },
    };
    const rollback = event({ type: 'rollback.executed', model_id: 'ltr-ranker', by: 'otto', justification: 'p99 up', deployment });
    requester.instance.handle(rollback);
    expect(requester.shown.at(-1)!.title).toBe('Rollback executed: ltr-ranker');
    const actor = notifier(user('otto', ['operator']));
    await actor.instance.start();
    actor.instance.handle(rollback);
    expect(actor.shown).toEqual([]);
  });

  it('reads every page of pending requests, and stops at ten pages', async () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => request({ id: `req_${String(index).padStart(8, '0')}` }));
    const arjun = notifier(user('arjun', ['approver']), Date.parse(at), many(1201));
    await arjun.instance.start();
    expect(arjun.pagesRead).toEqual([
      { cursor: null, limit: 500 },
      { cursor: '500', limit: 500 },
      { cursor: '1000', limit: 500 },
    ]);
    expect(arjun.instance.pendingCount).toBe(1201);

    const flood = notifier(user('arjun', ['approver']), Date.parse(at), many(6000));
    await flood.instance.start();
    expect(flood.pagesRead).toHaveLength(10);
    expect(flood.instance.pendingCount).toBe(5000);
  });

  it('counts only requests awaiting this approver', () => {
    const arjun = user('arjun', ['approver']);
    const decided = { by: 'arjun', at, decision: 'approve' as const, comment: '', auth_time: at };
    expect(
      awaitingDecision([request(), request({ requested_by: 'arjun' }), request({ decisions: [decided], required_approvals: 2 }), request({ status: 'dispatched' })], arjun),
    ).toHaveLength(1);
    expect(awaitingDecision([request()], user('olivia', ['operator']))).toEqual([]);
  });
});
