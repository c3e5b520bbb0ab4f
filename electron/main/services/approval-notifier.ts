// Turns BFF events into native notifications for the signed-in user and keeps
// the pending-approvals count (app badge and renderer) up to date.
import type { ServerEvent } from '../../../shared/api/events.js';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { User } from '../../../shared/domain/user.js';
import type { Logger } from './logger.js';

export interface NativeNotification {
  title: string;
  body: string;
  /** Clicking it: focus the window, and open the request when there is one. */
  onClick: () => void;
  /** Approval requests may be grouped when several arrive at once (notification-grouper.ts). */
  group?: 'approval-request' | 'approval-request-group';
  /** The request it is about, if any. */
  requestId?: string;
  /** A short name of what it is about, for a grouped notification ("Start canary ltr-ranker 2.2.0"). */
  subject?: string;
}

export interface ApprovalNotifierOptions {
  show: (notification: NativeNotification) => void;
  /** Sets the app badge; false where the OS has none. */
  setBadge: (count: number) => void;
  /** One page of the pending requests visible to the user (GET /admin/approvals?status=pending). */
  listPendingPage: (page: { cursor: string | null; limit: number }) => Promise<{ items: ChangeRequest[]; next_cursor: string | null }>;
  currentUser: () => User | null;
  notificationsEnabled: () => boolean;
  /** Focus the window and show this request (or just focus, without an id). */
  open: (requestId: string | null) => void;
  onPendingCount: (count: number) => void;
  /** The requests waiting for this user's decision, whenever they are recounted (tray menu). */
  onWaiting?: (requests: ChangeRequest[]) => void;
  logger: Logger;
  now?: () => number;
}

/** Pending requests are read in pages of this size, and at most this many pages per recount. */
const PENDING_PAGE_LIMIT = 500;
const PENDING_MAX_PAGES = 10;

/** Events this much older than the sign-in are backlog (replayed history), not news; allows for clock skew. */
const BACKLOG_SKEW_MS = 60_000;

const ACTION_LABEL: Record<ChangeRequest['action'], string> = {
  start_canary: 'Start canary',
  advance: 'Advance',
  promote: 'Promote',
  rollback: 'Roll back',
};

export function describeChange(request: ChangeRequest): string {
  return `${ACTION_LABEL[request.action]} ${request.model_id}: ${request.from_version ?? 'none'} → ${request.target_version} at ${request.target_pct} % traffic`;
}

/** The gate result an approver decides on, in a few words. */
export function describeGate(request: ChangeRequest): string {
  const gate = request.gate_snapshot;
  if (!gate) return 'no eval gate';
  if (gate.passed) return 'gate passed';
  return `gate failed (${gate.failed_metrics.join(', ') || 'see the request'})${request.gate_override ? ', override asked' : ''}`;
}

/** Requests waiting for this user's decision: pending, not their own, not decided by them yet. */
export function awaitingDecision(requests: readonly ChangeRequest[], user: User): ChangeRequest[] {
  if (!user.roles.includes('approver')) return [];
  return requests.filter(
    (request) =>
      request.status === 'pending' &&
      request.requested_by !== user.username &&
      !request.decisions.some((decision) => decision.by === user.username),
  );
}

export class ApprovalNotifier {
  readonly #options: ApprovalNotifierOptions;
  readonly #now: () => number;
  #since = 0;
  #counting: Promise<void> | null = null;
  #countAgain = false;
  #count = 0;

  constructor(options: ApprovalNotifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get pendingCount(): number {
    return this.#count;
  }

  /** A user signed in: events from before now are history. */
  start(): Promise<void> {
    this.#since = this.#now();
    return this.refreshPending();
  }

  /** Signed out: no badge. */
  stop(): void {
    this.#since = Number.POSITIVE_INFINITY;
    this.#publish(0);
    this.#options.onWaiting?.([]);
  }

  handle(event: ServerEvent): void {
    const user = this.#options.currentUser();
    if (!user) return;
    const type = event.data.type;
    if (type.startsWith('approval.') || type.startsWith('request.')) void this.refreshPending();
    if (Date.parse(event.at) < this.#since - BACKLOG_SKEW_MS) return;
    if (!this.#options.notificationsEnabled()) return;
    const notification = this.#notificationFor(event, user);
    if (notification) {
      this.#options.logger.info('notification', { event_id: event.id, type });
      this.#options.show(notification);
    }
  }

  /** Recounts the pending requests; calls made while one runs coalesce into one more. */
  refreshPending(): Promise<void> {
    if (this.#counting) {
      this.#countAgain = true;
      return this.#counting;
    }
    this.#counting = (async () => {
      do {
        this.#countAgain = false;
        const user = this.#options.currentUser();
        if (!user?.roles.includes('approver')) {
          this.#publish(0);
          this.#options.onWaiting?.([]);
          continue;
        }
        try {
          const waiting = awaitingDecision(await this.#listPending(), user);
          this.#publish(waiting.length);
          this.#options.onWaiting?.(waiting);
        } catch (error) {
          // The count is a convenience: keep the last one, the next event tries again.
          this.#options.logger.warn('could not count pending approvals', { error });
        }
      } while (this.#countAgain);
    })().finally(() => {
      this.#counting = null;
    });
    return this.#counting;
  }

  /** Every page of pending requests, up to PENDING_MAX_PAGES (a bound, not a count the badge needs exactly). */
  async #listPending(): Promise<ChangeRequest[]> {
    const items: ChangeRequest[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < PENDING_MAX_PAGES; page += 1) {
      const answer = await this.#options.listPendingPage({ cursor, limit: PENDING_PAGE_LIMIT });
      items.push(...answer.items);
      cursor = answer.next_cursor;
      if (!cursor) break;
    }
    return items;
  }

  #publish(count: number): void {
    const changed = count !== this.#count;
    this.#count = count;
    this.#options.setBadge(count);
    if (changed) this.#options.onPendingCount(count);
  }

  #notificationFor(event: ServerEvent, user: User): NativeNotification | null {
    const data = event.data;
    const open = (id: string | null) => () => this.#options.open(id);
    switch (data.type) {
      case 'approval.requested': {
        const request = data.request;
        if (!user.roles.includes('approver') || request.requested_by === user.username) return null;
        return {
          title: `Approval requested: ${request.model_id}`,
          body: `${describeChange(request)}; ${describeGate(request)}. Requested by ${request.requested_by}.`,
          onClick: open(request.id),
          group: 'approval-request',
          requestId: request.id,
          subject: `${ACTION_LABEL[request.action]} ${request.model_id} ${request.target_version}`,
        };
      }
      case 'approval.decided': {
        // Only a partial approval of an N-of-M request; the final one shows as dispatched.
        const request = data.request;
        const last = request.decisions.at(-1);
        if (request.requested_by !== user.username || request.status !== 'pending' || !last) return null;
        return { title: `${last.by} approved your request`, body: `${describeChange(request)}. More approvals needed.`, onClick: open(request.id) };
      }
      case 'request.dispatched':
      case 'request.rejected':
      case 'request.expired':
      case 'request.stale': {
        const request = data.request;
        if (request.requested_by !== user.username) return null;
        const last = request.decisions.at(-1);
        const outcomes: Record<typeof data.type, [string, string]> = {
          'request.dispatched': ['Your request was approved', `approved${last ? ` by ${last.by}` : ''} and dispatched`],
          'request.rejected': ['Your request was rejected', `rejected${last ? ` by ${last.by}` : ''}${last?.comment ? `: ${last.comment}` : ''}`],
          'request.expired': ['Your request expired', 'expired without a decision'],
          'request.stale': ['Your request is stale', 'the deployment changed since it was made'],
        };
        const [title, outcome] = outcomes[data.type];
        return { title, body: `${describeChange(request)} — ${outcome}.`, onClick: open(request.id) };
      }
      case 'rollback.executed': {
        if (data.by === user.username || !(user.roles.includes('approver') || user.roles.includes('operator'))) return null;
        return {
          title: `Rollback executed: ${data.model_id}`,
          // What happened, in the words of the audit log: who, which model, to which version, and why.
          body: `${data.by} rolled ${data.model_id} back to ${data.deployment.stable_version ?? 'no version'}: ${data.justification}`,
          onClick: open(null),
        };
      }
      default:
        return null;
    }
  }
}
