// Where traffic goes: stable and canary shares as a bar, with the numbers in
// words beside it (and in the label for screen readers).
import type { CSSProperties, ReactElement } from 'react';
import { formatTraffic } from '../lib/format.js';

export type TrafficBarProps = {
  stableVersion: string | null;
  canaryVersion: string | null;
  canaryPct: number;
  compact?: boolean;
};

/** One element for table rows: the same bar, drawn by CSS from a custom property. */
export function MiniTrafficBar({
  stableVersion,
  canaryVersion,
  canaryPct,
  className,
}: Omit<TrafficBarProps, 'compact'> & { className?: string }): ReactElement {
  const canary = canaryVersion === null ? 0 : canaryPct;
  const label =
    stableVersion === null && canaryVersion === null
      ? 'No traffic'
      : canaryVersion === null
        ? `All traffic on ${stableVersion}`
        : `${formatTraffic(canary)} on canary ${canaryVersion}, ${formatTraffic(100 - canary)} on ${stableVersion ?? '—'}`;
  return (
    <span
      className={`traffic-mini${stableVersion === null && canaryVersion === null ? ' is-empty' : ''}${className ? ` ${className}` : ''}`}
      role="img"
      aria-label={label}
      style={{ '--canary-share': `${canary}%` } as CSSProperties}
    />
  );
}

export function TrafficBar({ stableVersion, canaryVersion, canaryPct, compact = false }: TrafficBarProps): ReactElement {
  const canary = canaryVersion === null ? 0 : canaryPct;
  const stable = stableVersion === null ? 0 : 100 - canary;
  const label =
    stableVersion === null && canaryVersion === null
      ? 'No traffic: nothing is deployed'
      : [
          stableVersion !== null ? `stable ${stableVersion} ${formatTraffic(stable)}` : null,
          canaryVersion !== null ? `canary ${canaryVersion} ${formatTraffic(canary)}` : null,
        ]
          .filter(Boolean)
          .join(', ');
  const style = { '--canary-share': `${canary}%` } as CSSProperties;
  return (
    <div className={`traffic${compact ? ' traffic-compact' : ''}`}>
      <div className={`traffic-bar${stableVersion === null && canaryVersion === null ? ' is-empty' : ''}`} role="img" aria-label={`Traffic: ${label}`} style={style}>
        <span className="traffic-stable" />
        <span className="traffic-canary" />
      </div>
      {!compact && (
        <div className="traffic-legend num">
          <span>
            <i className="swatch swatch-stable" aria-hidden="true" />
            Stable {stableVersion ?? '—'} · {formatTraffic(stable)}
          </span>
          {canaryVersion !== null && (
            <span>
              <i className="swatch swatch-canary" aria-hidden="true" />
              Canary {canaryVersion} · {formatTraffic(canary)}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
