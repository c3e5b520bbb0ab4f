// What the tray (Windows, Linux) / menu bar (macOS) icon shows: the count of
// requests waiting for this user, the pending requests themselves (each opens
// its request), Open console, Pause notifications for an hour, Quit. Fed by the
// approval notifier's pending list (itself driven by the event stream) and the
// session; the adapter (adapters/tray.ts) only draws `view()`.
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import { describeChange } from './approval-notifier.js';

export type TrayAction =
  | { kind: 'open-console' }
  | { kind: 'open-request'; requestId: string }
  | { kind: 'open-approvals' }
  | { kind: 'pause-notifications' }
  | { kind: 'resume-notifications' }
  | { kind: 'quit' };

export type TrayMenuItem = { label: string; action: TrayAction; enabled?: boolean } | { type: 'separator' } | { label: string; enabled: false };

export interface TrayView {
  /** Shown beside the icon where the OS can (macOS menu bar title) and in the tooltip. */
  count: number;
  tooltip: string;
  menu: TrayMenuItem[];
}

/** How many requests the menu lists before "and N more…". */
export const TRAY_MAX_REQUESTS = 8;
export const PAUSE_MS = 60 * 60 * 1000;

export interface TrayModelOptions {
  appName: string;
  now?: () => number;
  /** Called whenever `view()` would answer differently. */
  onChange?: (view: TrayView) => void;
  /** Locale for the "until" time of a pause. */
  formatTime?: (epochMs: number) => string;
}

export class TrayModel {
  readonly #options: TrayModelOptions;
  readonly #now: () => number;
  #signedInAs: string | null = null;
  #waiting: ChangeRequest[] = [];
  #pausedUntil = 0;

  constructor(options: TrayModelOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The session changed: signed out, nothing waits. */
  sessionChanged(username: string | null): void {
    this.#signedInAs = username;
    if (!username) this.#waiting = [];
    this.#changed();
  }

  /** The requests waiting for this user's decision (awaitingDecision of the notifier). */
  waitingChanged(requests: readonly ChangeRequest[]): void {
    this.#waiting = [...requests].sort((a, b) => a.requested_at.localeCompare(b.requested_at));
    this.#changed();
  }

  pause(): void {
    this.#pausedUntil = this.#now() + PAUSE_MS;
    this.#changed();
  }

  resume(): void {
    this.#pausedUntil = 0;
    this.#changed();
  }

  /** Notifications are held back until this time (epoch ms); 0 when not paused. */
  get pausedUntil(): number {
    return this.#pausedUntil > this.#now() ? this.#pausedUntil : 0;
  }

  get notificationsPaused(): boolean {
    return this.pausedUntil > 0;
  }

  view(): TrayView {
    const { appName } = this.#options;
    const count = this.#waiting.length;
    const paused = this.pausedUntil;
    const until = paused ? (this.#options.formatTime ?? ((ms) => new Date(ms).toISOString().slice(11, 16)))(paused) : '';
    const status = !this.#signedInAs
      ? 'not signed in'
      : count === 0
        ? 'no requests wait for you'
        : count === 1
          ? '1 request waits for you'
          : `${count} requests wait for you`;
    const menu: TrayMenuItem[] = [{ label: 'Open console', action: { kind: 'open-console' } }, { type: 'separator' }];
    if (this.#signedInAs) {
      if (count === 0) menu.push({ label: 'No requests wait for you', enabled: false });
      for (const request of this.#waiting.slice(0, TRAY_MAX_REQUESTS)) {
        menu.push({ label: `${describeChange(request)} (${request.requested_by})`, action: { kind: 'open-request', requestId: request.id } });
      }
      if (count > TRAY_MAX_REQUESTS) menu.push({ label: `and ${count - TRAY_MAX_REQUESTS} more…`, action: { kind: 'open-approvals' } });
      menu.push({ type: 'separator' });
    }
    menu.push(
      paused
        ? { label: `Resume notifications (paused until ${until})`, action: { kind: 'resume-notifications' } }
        : { label: 'Pause notifications for 1 hour', action: { kind: 'pause-notifications' } },
      { type: 'separator' },
      { label: `Quit ${appName}`, action: { kind: 'quit' } },
    );
    return { count, tooltip: `${appName}: ${status}${paused ? `, notifications paused until ${until}` : ''}`, menu };
  }

  #changed(): void {
    this.#options.onChange?.(this.view());
  }
}
