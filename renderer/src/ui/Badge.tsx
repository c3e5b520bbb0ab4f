// A small label with a tone. The text always says what the colour means.
import type { ReactElement, ReactNode } from 'react';

export type Tone = 'neutral' | 'accent' | 'good' | 'bad' | 'warn' | 'info' | 'canary';

export function Badge({ tone = 'neutral', children, title, className }: { tone?: Tone; children: ReactNode; title?: string; className?: string }): ReactElement {
  return (
    <span className={`badge badge-${tone}${className ? ` ${className}` : ''}`} title={title}>
      {children}
    </span>
  );
}

const STATUS_TONE: Record<string, Tone> = {
  active: 'good',
  candidate: 'info',
  deprecated: 'neutral',
  pending: 'warn',
  dispatched: 'good',
  rejected: 'bad',
  expired: 'neutral',
  cancelled: 'neutral',
  stale: 'neutral',
  idle: 'neutral',
  canary: 'canary',
  rolling: 'canary',
  complete: 'good',
  rolled_back: 'warn',
};

/** A status word (version, request or phase) in its usual colour. */
export function StatusBadge({ status }: { status: string }): ReactElement {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status.replace(/_/g, ' ')}</Badge>;
}
