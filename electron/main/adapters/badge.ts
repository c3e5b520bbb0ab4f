// The pending-approvals count on the app icon, where the OS has such a badge
// (macOS dock, Linux launchers that implement the Unity API).
import { app } from 'electron';

export function badgeSupported(): boolean {
  if (process.platform === 'darwin') return true;
  // Linux: only a Unity-compatible launcher shows it; setBadgeCount says whether it took.
  return process.platform === 'linux' && app.setBadgeCount(0);
}

export function setBadge(count: number): void {
  app.setBadgeCount(count);
}
