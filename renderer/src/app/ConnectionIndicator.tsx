// Where the console is connected: local mode (the embedded BFF) or the remote
// BFF, and whether live updates are flowing.
import type { ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from './store.js';

export function ConnectionIndicator(): ReactElement {
  const { connection, mode, origin } = useStore(
    useShallow((s) => ({ connection: s.connection, mode: s.appInfo?.mode ?? s.settings.view?.mode ?? null, origin: s.appInfo?.bff_origin ?? s.settings.view?.bff_origin ?? null })),
  );

  let tone: 'good' | 'warn' | 'bad' | 'neutral';
  let text: string;
  switch (connection.state) {
    case 'connected':
      tone = 'good';
      text = 'Live';
      break;
    case 'connecting':
      tone = 'warn';
      text = 'Connecting…';
      break;
    case 'reconnecting':
      tone = 'bad';
      text = connection.retry_in_ms !== undefined ? `Reconnecting (retry in ${Math.max(1, Math.ceil(connection.retry_in_ms / 1000))} s)` : 'Reconnecting…';
      break;
    default:
      tone = 'neutral';
      text = 'No live updates';
  }
  const where = mode === 'local' ? 'Local mode' : origin ? hostOf(origin) : 'Remote BFF';
  const title = [
    mode === 'local' ? 'Local mode: the console runs its own BFF on this computer, with demo data.' : `BFF: ${origin ?? 'not connected'}`,
    connection.message ? `Last problem: ${connection.message}` : null,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <div className="connection" title={title} role="status" aria-label={`${where}. ${text}`}>
      <span className={`connection-dot dot-${tone}`} aria-hidden="true" />
      <span className="connection-text">
        <span className="connection-where">{where}</span>
        <span className="connection-state">{text}</span>
      </span>
    </div>
  );
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
