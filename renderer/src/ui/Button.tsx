// The one button: variants for emphasis, and a busy state that keeps the
// label (so the layout does not jump) and says "in progress" to screen readers.
import type { ButtonHTMLAttributes, ReactElement, ReactNode, Ref } from 'react';
import { Icon, type IconName } from './Icon.js';
import { Spinner } from './Spinner.js';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  busy?: boolean;
  icon?: IconName;
  children?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
};

export function Button({ variant = 'secondary', size = 'md', busy = false, icon, children, className, disabled, type, ...rest }: ButtonProps): ReactElement {
  const classes = ['btn', `btn-${variant}`, `btn-${size}`, busy ? 'is-busy' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <button {...rest} type={type ?? 'button'} className={classes} disabled={disabled || busy} aria-busy={busy || undefined}>
      {busy ? <Spinner size={14} label="" /> : icon ? <Icon name={icon} size={14} /> : null}
      {children !== undefined && <span className="btn-label">{children}</span>}
    </button>
  );
}
