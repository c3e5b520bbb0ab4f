// OS events after which the event stream must reconnect at once: resume from
// sleep, screen unlock, and the network coming back (polled: the main process
// has no "online" event).
import { net, powerMonitor } from 'electron';
import type { WakeReason } from '../../../shared/ipc/contract.js';

const NETWORK_POLL_MS = 5000;

export function onWake(run: (reason: WakeReason) => void): () => void {
  powerMonitor.on('resume', () => run('resume'));
  powerMonitor.on('unlock-screen', () => run('unlock-screen'));
  let online = net.isOnline();
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now && !online) run('network-online');
    online = now;
  }, NETWORK_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
