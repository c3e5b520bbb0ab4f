// Re-authentication for one risky action: the password (and a TOTP code where
// enrolled) goes straight to the main process, which trades it for a single-use
// step-up token. It is kept only in this form's state, and cleared after each try.
// Local mode's demo users have no password to type: the main process holds it,
// and its native confirmation of the action is the user's say-so.
import { useState, type FormEvent, type ReactElement } from 'react';
import { useStore } from '../../app/store.js';
import type { IpcError } from '../../../../shared/ipc/contract.js';
import type { StepUpCredentials } from '../../../../shared/ipc/contract.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { Icon } from '../../ui/Icon.js';
import { InlineError } from '../../ui/States.js';
import { ProgressBar } from '../../ui/Spinner.js';
import { IdpWaiting } from './IdpWaiting.js';

export type ReauthFormProps = {
  username: string;
  /** The button's words, e.g. "Request canary" or "Approve". */
  confirmLabel: string;
  busy: boolean;
  error: IpcError | null;
  onBack: () => void;
  onSubmit: (credentials: StepUpCredentials) => Promise<unknown>;
  danger?: boolean;
};

export function ReauthForm({ username, confirmLabel, busy, error, onBack, onSubmit, danger = false }: ReauthFormProps): ReactElement {
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [useTotp, setUseTotp] = useState(false);
  const totpValid = !useTotp || /^\d{6}$/.test(totp);
  const localAccount = useStore((s) => s.session.localAccount);
  const idp = useStore((s) => s.session.idp);
  const providerName = useStore((s) => s.session.methods?.idp?.provider_name ?? 'your identity provider');

  if (idp) {
    const confirmIdp = async (event: FormEvent) => {
      event.preventDefault();
      if (!busy) await onSubmit({ idp: true });
    };
    return (
      <form className="reauth stack" onSubmit={confirmIdp} aria-label="Re-authenticate">
        <div className="reauth-intro">
          <Icon name="shield" size={18} />
          <p>
            Confirm the action in the system dialog, then sign in again as <strong>{username}</strong> at {providerName} in the browser window that
            opens. The sign-in must be fresh: the BFF accepts it for five minutes.
          </p>
        </div>
        {busy && <IdpWaiting providerName={providerName} task="sign in again" />}
        <ReauthFooter error={error} busy={busy} onBack={onBack} confirmLabel={confirmLabel} danger={danger} />
      </form>
    );
  }

  if (localAccount) {
    const confirmLocal = async (event: FormEvent) => {
      event.preventDefault();
      if (!busy) await onSubmit({ local_account: true });
    };
    return (
      <form className="reauth stack" onSubmit={confirmLocal} aria-label="Re-authenticate">
        <div className="reauth-intro">
          <Icon name="shield" size={18} />
          <p>
            Local mode: <strong>{username}</strong> is a demo user the console signed in for you. Confirm the action in the system dialog that opens
            next; it shows what the BFF will do.
          </p>
        </div>
        <ReauthFooter error={error} busy={busy} onBack={onBack} confirmLabel={confirmLabel} danger={danger} />
      </form>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '' || !totpValid || busy) return;
    const credentials: StepUpCredentials = useTotp ? { password, totp } : { password };
    try {
      await onSubmit(credentials);
    } finally {
      setPassword('');
      setTotp('');
    }
  };

  return (
    <form className="reauth stack" onSubmit={submit} aria-label="Re-authenticate">
      <div className="reauth-intro">
        <Icon name="shield" size={18} />
        <p>
          Confirm it is you, <strong>{username}</strong>. Your password is used once for this action and not kept.
        </p>
      </div>
      <Field label="Password">
        {(props) => <input {...props} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-autofocus disabled={busy} />}
      </Field>
      {useTotp ? (
        <Field label="Authenticator code" hint="The 6-digit code from your authenticator app." error={totp !== '' && !totpValid ? 'Enter the 6 digits' : null}>
          {(props) => (
            <input {...props} type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={totp} onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))} disabled={busy} />
          )}
        </Field>
      ) : (
        <button type="button" className="link-button reauth-totp-link" onClick={() => setUseTotp(true)} disabled={busy}>
          My account uses an authenticator code
        </button>
      )}
      <ReauthFooter error={error} busy={busy} onBack={onBack} confirmLabel={confirmLabel} danger={danger} confirmDisabled={password === '' || !totpValid} />
    </form>
  );
}

/** The end of either form: the error of the last try, progress, Back and the confirming button. */
function ReauthFooter({
  error,
  busy,
  onBack,
  confirmLabel,
  danger,
  confirmDisabled,
}: Pick<ReauthFormProps, 'error' | 'busy' | 'onBack' | 'confirmLabel'> & { danger: boolean; confirmDisabled?: boolean }): ReactElement {
  return (
    <>
      {error && <InlineError error={error} />}
      {busy && <ProgressBar label="Sending" />}
      <div className="dialog-actions">
        <Button onClick={onBack} disabled={busy}>
          Back
        </Button>
        <Button type="submit" variant={danger ? 'danger' : 'primary'} busy={busy} disabled={confirmDisabled}>
          {confirmLabel}
        </Button>
      </div>
    </>
  );
}
