// Native notifications when an approved deployment does not reach the serving
// layer (deployment.dispatch_failed) or the serving layer moved away from it
// (deployment.drift), for the people who can act: operators and approvers.
// A dispatcher that retries every few seconds must not become a notification
// storm: each approved state (model + state_version) notifies at most once when
// it starts retrying, once when it fails for good, and once per distinct drift.
import type { ServerEvent } from '../../../shared/api/events.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import type { ServingTargetKind } from '../../../shared/domain/serving.js';
import type { User } from '../../../shared/domain/user.js';
import { approvedSplit, formatSplitPct, largestDrift } from '../../../shared/logic/traffic-split.js';
import type { NativeNotification } from './approval-notifier.js';
import type { Logger } from './logger.js';

export interface DispatchNotifierOptions {
  show: (notification: NativeNotification) => void;
  currentUser: () => User | null;
  notificationsEnabled: () => boolean;
  /** Focus the window and show the model's rollout tab. */
  openModel: (modelId: string) => void;
  logger: Logger;
  now?: () => number;
}

/** Events this much older than the sign-in are backlog (replayed history), not news; allows for clock skew. */
const BACKLOG_SKEW_MS = 60_000;

/** Models whose notifications are remembered; older ones are forgotten first (a bound, not a policy). */
const MAX_TRACKED_MODELS = 500;

const TARGET_WORD: Record<ServingTargetKind, string> = { haproxy: 'HAProxy', webhook: 'the webhook' };

const targetWord = (deployment: Deployment) => {
  const kind = deployment.dispatch.target_kind;
  return kind ? TARGET_WORD[kind] : 'the serving layer';
};

/** "stable 2.0.0 95 %, canary 2.1.0 5 %" */
export function describeApproved(deployment: Deployment): string {
  const split = approvedSplit(deployment);
  const parts = [
    deployment.stable_version !== null ? `stable ${deployment.stable_version} ${formatSplitPct(split[deployment.stable_version] ?? 0)}` : null,
    deployment.canary_version !== null ? `canary ${deployment.canary_version} ${formatSplitPct(deployment.canary_pct)}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : 'no traffic';
}

const ordinal = (n: number) => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
};

const errorText = (deployment: Deployment) => deployment.dispatch.last_error?.trim() || 'no reason given';

/** Whether `user` is told about dispatch problems: the people who can retry or decide what happens next. */
export const caresAboutDispatch = (user: User) => user.roles.includes('operator') || user.roles.includes('approver');

export class DispatchNotifier {
  readonly #options: DispatchNotifierOptions;
  readonly #now: () => number;
  #since = Number.POSITIVE_INFINITY;
  /** Per model: the state_version last notified about, and what was said about it. */
  readonly #told = new Map<string, { stateVersion: number; retrying: boolean; failed: boolean; drift: string | null }>();

  constructor(options: DispatchNotifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** A user signed in: events from before now are history. */
  start(): void {
    this.#since = this.#now();
    this.#told.clear();
  }

  /** Signed out: nothing is news, and nothing said is remembered. */
  stop(): void {
    this.#since = Number.POSITIVE_INFINITY;
    this.#told.clear();
  }

  /**
   * One event from the stream. Replayed history (events from before the
   * sign-in) notifies nobody but still counts as said, so a replayed retry
   * does not make the next live try look like the first.
   */
  handle(event: ServerEvent): void {
    const isNews = Date.parse(event.at) >= this.#since - BACKLOG_SKEW_MS;
    const data = event.data;
    if (data.type !== 'deployment.dispatch_failed' && data.type !== 'deployment.drift' && data.type !== 'deployment.applied') return;
    const deployment = data.deployment;
    const told = this.#recordFor(deployment);
    let notification: NativeNotification | null = null;
    if (data.type === 'deployment.applied') {
      // Applied: a later failure or drift of the same state is news again.
      Object.assign(told, { retrying: false, failed: false, drift: null });
      return;
    }
    if (data.type === 'deployment.dispatch_failed') {
      const status = deployment.dispatch.status;
      if (status === 'failed' && !told.failed) {
        told.failed = true;
        told.retrying = true;
        notification = this.#failed(deployment);
      } else if (status === 'retrying' && !told.retrying && !told.failed) {
        told.retrying = true;
        notification = this.#retrying(deployment);
      }
    } else {
      const drift = largestDrift(deployment);
      const signature = drift ? JSON.stringify(deployment.dispatch.observed ?? {}) : null;
      if (drift && signature !== told.drift) {
        told.drift = signature;
        notification = this.#drift(deployment);
      }
    }
    if (!notification || !isNews) return;
    const user = this.#options.currentUser();
    if (!user || !caresAboutDispatch(user) || !this.#options.notificationsEnabled()) return;
    this.#options.logger.info('notification', { event_id: event.id, type: data.type, model_id: deployment.model_id });
    this.#options.show(notification);
  }

  #recordFor(deployment: Deployment) {
    let told = this.#told.get(deployment.model_id);
    if (!told || told.stateVersion !== deployment.state_version) {
      // A new approved state (or the first event about this model): nothing said about it yet.
      this.#told.delete(deployment.model_id);
      told = { stateVersion: deployment.state_version, retrying: false, failed: false, drift: null };
      this.#told.set(deployment.model_id, told);
      if (this.#told.size > MAX_TRACKED_MODELS) this.#told.delete(this.#told.keys().next().value!);
    }
    return told;
  }

  #open(deployment: Deployment) {
    return () => this.#options.openModel(deployment.model_id);
  }

  #retrying(deployment: Deployment): NativeNotification {
    const attempts = deployment.dispatch.attempts;
    return {
      title: `Dispatch retrying: ${deployment.model_id}`,
      body: `Applying ${describeApproved(deployment)} to ${targetWord(deployment)} failed (${ordinal(Math.max(1, attempts))} try): ${errorText(deployment)}. The BFF keeps trying.`,
      onClick: this.#open(deployment),
    };
  }

  #failed(deployment: Deployment): NativeNotification {
    const attempts = deployment.dispatch.attempts;
    return {
      title: `Dispatch failed: ${deployment.model_id}`,
      body: `Applying ${describeApproved(deployment)} to ${targetWord(deployment)} failed after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${errorText(deployment)}. An operator can retry from the rollout tab.`,
      onClick: this.#open(deployment),
    };
  }

  #drift(deployment: Deployment): NativeNotification {
    const drift = largestDrift(deployment)!;
    const target = targetWord(deployment);
    return {
      title: `Drift: ${deployment.model_id}`,
      body: `${target.charAt(0).toUpperCase()}${target.slice(1)} sends ${formatSplitPct(drift.observedPct ?? 0)} to ${drift.version}, approved ${formatSplitPct(drift.approvedPct)}. Someone changed the serving layer by hand; an operator can re-apply the approved state.`,
      onClick: this.#open(deployment),
    };
  }
}
