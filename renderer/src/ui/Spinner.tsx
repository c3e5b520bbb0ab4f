// Activity indicators: a spinner for small waits and an indeterminate bar for
// an action in flight.
import type { ReactElement } from 'react';

export function Spinner({ size = 16, label = 'Loading' }: { size?: number; label?: string }): ReactElement {
  return (
    <span className="spinner" role={label ? 'status' : undefined} aria-label={label || undefined} aria-hidden={label ? undefined : true}>
      <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="2" />
        <path d="M14 8a6 6 0 0 0-6-6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
    </span>
  );
}

/** A thin indeterminate bar across the top of a panel while something is in flight. */
export function ProgressBar({ label }: { label: string }): ReactElement {
  return (
    <div className="progress-bar" role="progressbar" aria-label={label} aria-busy="true">
      <span className="progress-bar-fill" />
    </div>
  );
}

/** A block that says what is loading, centred in its panel. */
export function LoadingState({ label }: { label: string }): ReactElement {
  return (
    <div className="state state-loading">
      <Spinner size={20} label="" />
      <span>{label}</span>
    </div>
  );
}
