// Copies a value and says so, visibly and to screen readers.
import { useEffect, useState, type ReactElement } from 'react';
import { copyText } from '../lib/clipboard.js';
import { Icon } from './Icon.js';

/**
 * A stateless copy button for table rows (hundreds may mount while scrolling):
 * no hooks, and the result is announced by the caller (e.g. a toast).
 */
export function QuickCopyButton({ value, label, onCopied }: { value: string; label: string; onCopied: (copied: boolean) => void }): ReactElement {
  return (
    <button
      type="button"
      className="icon-button copy-button"
      aria-label={label}
      title={label}
      onClick={async (event) => {
        event.stopPropagation();
        onCopied(await copyText(value));
      }}
    >
      <Icon name="copy" size={14} />
    </button>
  );
}

export function CopyButton({ value, label }: { value: string; label: string }): ReactElement {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1600);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className={`icon-button copy-button is-${state}`}
      aria-label={state === 'copied' ? `${label}: copied` : label}
      title={label}
      onClick={async (event) => {
        event.stopPropagation();
        setState((await copyText(value)) ? 'copied' : 'failed');
      }}
    >
      <Icon name={state === 'copied' ? 'check' : 'copy'} size={14} />
      <span className="visually-hidden" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy' : ''}
      </span>
    </button>
  );
}
