// Holds approval-request notifications for a moment so that a burst (a
// colleague filing several requests, or a backlog after waking) becomes one
// notification ("3 requests wait for you") instead of a stack of them.
// Everything else is shown at once.
import type { NativeNotification } from './approval-notifier.js';
import type { Scheduler } from './event-stream.js';

const realScheduler: Scheduler = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Long enough to catch a burst, short enough that a lone request still feels immediate. */
export const DEFAULT_GROUP_WINDOW_MS = 1500;
/** How many models a grouped notification names before "and N more". */
const NAMED_IN_GROUP = 3;

export interface NotificationGrouperOptions {
  show: (notification: NativeNotification) => void;
  /** Opens one request (focusing the window), or the approvals inbox when null. */
  openRequest: (requestId: string | null) => void;
  windowMs?: number;
  scheduler?: Scheduler;
}

export class NotificationGrouper {
  readonly #options: NotificationGrouperOptions;
  readonly #scheduler: Scheduler;
  #held: NativeNotification[] = [];
  #timer: unknown = null;

  constructor(options: NotificationGrouperOptions) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? realScheduler;
  }

  add(notification: NativeNotification): void {
    if (notification.group !== 'approval-request') {
      this.#options.show(notification);
      return;
    }
    this.#held.push(notification);
    this.#timer ??= this.#scheduler.setTimeout(() => this.flush(), this.#options.windowMs ?? DEFAULT_GROUP_WINDOW_MS);
  }

  /** Shows what is held now: one as it is, several as one group. */
  flush(): void {
    if (this.#timer !== null) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = null;
    const held = this.#held.splice(0);
    if (held.length === 0) return;
    if (held.length === 1) {
      this.#options.show(held[0]!);
      return;
    }
    this.#options.show(groupedNotification(held, this.#options.openRequest));
  }

  /** Drops what is held (sign-out: those requests are no longer this session's news). */
  clear(): void {
    if (this.#timer !== null) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = null;
    this.#held = [];
  }
}

export function groupedNotification(held: readonly NativeNotification[], openRequest: (requestId: string | null) => void): NativeNotification {
  const subjects = held.map((notification) => notification.subject ?? notification.title);
  const named = subjects.slice(0, NAMED_IN_GROUP).join('; ');
  const more = subjects.length > NAMED_IN_GROUP ? `; and ${subjects.length - NAMED_IN_GROUP} more` : '';
  return {
    title: `${held.length} requests wait for you`,
    body: `${named}${more}.`,
    group: 'approval-request-group',
    // The inbox lists them all; the oldest is selected.
    onClick: () => openRequest(held[0]?.requestId ?? null),
  };
}
