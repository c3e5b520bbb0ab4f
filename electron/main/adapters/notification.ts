// Native notifications (approval requested, decisions, rollbacks).
import { Notification } from 'electron';
import type { NativeNotification } from '../services/approval-notifier.js';

/** Kept referenced until closed: a garbage-collected Notification loses its click handler. */
const live = new Set<Notification>();

export function showNotification(notification: NativeNotification): void {
  if (!Notification.isSupported()) return;
  const native = new Notification({ title: notification.title, body: notification.body });
  live.add(native);
  native.on('click', () => notification.onClick());
  native.on('close', () => live.delete(native));
  native.show();
}
