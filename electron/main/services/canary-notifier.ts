// Native notification when the BFF rolled a canary back on its own because its
// online gate failed (canary.rolled_back, DESIGN §9): the requester and the
// approvers of the rollout are named by the BFF; every approver is told too,
// as for a person's rollback. The notification says why, with the numbers.
import type { ServerEvent } from '../../../shared/api/events.js';
import type { User } from '../../../shared/domain/user.js';
import type { NativeNotification } from './approval-notifier.js';
import type { Logger } from './logger.js';

export interface CanaryNotifierOptions {
  show: (notification: NativeNotification) => void;
  currentUser: () => User | null;
  notificationsEnabled: () => boolean;
  /** Focus the window and show the model's rollout tab (its live panel). */
  openModel: (modelId: string) => void;
  logger: Logger;
  now?: () => number;
}

/** Events this much older than the sign-in are backlog (replayed history), not news; allows for clock skew. */
const BACKLOG_SKEW_MS = 60_000;
/** Event ids already told, so a replay after a reconnect does not notify twice (a bound, not a policy). */
const MAX_REMEMBERED = 200;

/** Whether `user` is told about an automatic rollback: named by the BFF, or an approver. */
export function caresAboutCanaryRollback(user: User, notify: readonly string[]): boolean {
  return notify.includes(user.username) || user.roles.includes('approver');
}

export class CanaryNotifier {
  readonly #options: CanaryNotifierOptions;
  readonly #now: () => number;
  #since = Number.POSITIVE_INFINITY;
  readonly #told = new Set<number>();

  constructor(options: CanaryNotifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#since = this.#now();
    this.#told.clear();
  }

  stop(): void {
    this.#since = Number.POSITIVE_INFINITY;
    this.#told.clear();
  }

  handle(event: ServerEvent): void {
    const data = event.data;
    if (data.type !== 'canary.rolled_back') return;
    if (Date.parse(event.at) < this.#since - BACKLOG_SKEW_MS || this.#told.has(event.id)) return;
    const user = this.#options.currentUser();
    if (!user || !caresAboutCanaryRollback(user, data.notify) || !this.#options.notificationsEnabled()) return;
    this.#told.add(event.id);
    if (this.#told.size > MAX_REMEMBERED) this.#told.delete(this.#told.values().next().value!);
    const { analysis } = data;
    this.#options.logger.info('notification', { event_id: event.id, type: data.type, model_id: data.model_id });
    this.#options.show({
      title: `Canary rolled back automatically: ${data.model_id}`,
      body: `${analysis.canary_version} at ${analysis.canary_pct} % failed its online gate ${analysis.consecutive_failures} intervals in a row; traffic is back on ${analysis.stable_version}. ${data.reason.replace(/^online gate failed [^:]*: /, 'Last interval: ')}`,
      onClick: () => this.#options.openModel(data.model_id),
    });
  }
}
