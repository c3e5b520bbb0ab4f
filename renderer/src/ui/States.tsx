// Empty and error states. Errors show a human sentence for the code and the
// BFF's own message beneath it, with a retry where one makes sense.
import type { ReactElement, ReactNode } from 'react';
import type { IpcError } from '../../../shared/ipc/contract.js';
import { describeError } from '../lib/error-messages.js';
import { Button } from './Button.js';
import { Icon, type IconName } from './Icon.js';

export function EmptyState({ icon = 'inbox', title, children, action }: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }): ReactElement {
  return (
    <div className="state state-empty">
      <span className="state-icon">
        <Icon name={icon} size={20} />
      </span>
      <p className="state-title">{title}</p>
      {children && <div className="state-body">{children}</div>}
      {action}
    </div>
  );
}

export function ErrorState({ error, onRetry, title }: { error: IpcError; onRetry?: () => void; title?: string }): ReactElement {
  const { title: sentence, detail } = describeError(error);
  return (
    <div className="state state-error" role="alert">
      <span className="state-icon">
        <Icon name="warning" size={20} />
      </span>
      <p className="state-title">{title ?? sentence}</p>
      {title && <p className="state-body">{sentence}</p>}
      {detail && <p className="state-detail">{detail}</p>}
      <p className="state-code mono">{error.code}</p>
      {onRetry && (
        <Button size="sm" icon="refresh" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** An error inside a form or dialog: one line plus the server's message. */
export function InlineError({ error }: { error: IpcError }): ReactElement {
  const { title, detail } = describeError(error);
  return (
    <div className="callout callout-bad" role="alert">
      <Icon name="warning" />
      <div>
        <strong>{title}</strong>
        {detail && <div className="callout-detail">{detail}</div>}
      </div>
    </div>
  );
}

export function Callout({ tone, icon, children, role }: { tone: 'info' | 'warn' | 'bad' | 'good'; icon?: IconName; children: ReactNode; role?: 'alert' | 'status' }): ReactElement {
  const fallback: Record<typeof tone, IconName> = { info: 'info', warn: 'warning', bad: 'warning', good: 'check' };
  return (
    <div className={`callout callout-${tone}`} role={role}>
      <Icon name={icon ?? fallback[tone]} />
      <div>{children}</div>
    </div>
  );
}
