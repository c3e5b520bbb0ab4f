// Notices in the corner; they leave by themselves, and "Open" goes to what they are about.
import { useEffect, type ReactElement } from 'react';
import { useStore } from './store.js';
import type { Toast } from './toast-slice.js';
import { Icon } from '../ui/Icon.js';

const LIFETIME_MS: Record<Toast['tone'], number> = { info: 6000, success: 6000, warning: 10000, error: 12000 };

function ToastItem({ toast }: { toast: Toast }): ReactElement {
  const dismiss = useStore((s) => s.dismissToast);
  const navigate = useStore((s) => s.navigate);
  useEffect(() => {
    const timer = setTimeout(() => dismiss(toast.id), LIFETIME_MS[toast.tone]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.tone, dismiss]);
  const icon = toast.tone === 'success' ? 'check' : toast.tone === 'info' ? 'info' : 'warning';
  return (
    <div className={`toast toast-${toast.tone}`}>
      <Icon name={icon} />
      <div className="toast-text">
        <strong>{toast.title}</strong>
        {toast.detail && <span>{toast.detail}</span>}
      </div>
      {toast.route && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            navigate(toast.route!);
            dismiss(toast.id);
          }}
        >
          Open
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        <Icon name="cross" size={14} />
      </button>
    </div>
  );
}

export function Toasts(): ReactElement {
  const toasts = useStore((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
