// The dialog shell of the confirm -> re-authenticate -> submit flow that rollout requests and
// approval decisions share: the first step is the caller's form (with Cancel / Continue), the
// second the re-authentication; an error shows in whichever step the store sent the user back to.
import type { ReactElement, ReactNode } from 'react';
import type { StepUpCredentials } from '../../../../shared/ipc/contract.js';
import { useStore } from '../../app/store.js';
import type { IpcError } from '../../lib/model-ops.js';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import { InlineError } from '../../ui/States.js';
import { ReauthForm } from './ReauthForm.js';

export type StepUpDialogProps = {
  title: string;
  description: string;
  /** Shown above both steps (e.g. the change being asked for). */
  summary?: ReactNode;
  /** The first step is on screen (the caller's fields); else the re-authentication. */
  composing: boolean;
  /** The request is on its way: the dialog cannot be closed. */
  busy: boolean;
  error: IpcError | null;
  /** Red buttons: the action takes effect at once or turns something down. */
  danger: boolean;
  /** The re-authentication's button, e.g. "Request start canary" or "Approve". */
  confirmLabel: string;
  continueDisabled?: boolean;
  onContinue: () => void;
  onBack: () => void;
  onSubmit: (credentials: StepUpCredentials) => Promise<unknown>;
  onClose: () => void;
  /** The fields of the first step. */
  children: ReactNode;
};

export function StepUpDialog(props: StepUpDialogProps): ReactElement {
  const { title, description, summary, composing, busy, error, danger, confirmLabel, continueDisabled, onContinue, onBack, onSubmit, onClose, children } = props;
  const username = useStore((s) => s.session.user?.username ?? '');
  return (
    <Dialog title={title} description={description} onClose={onClose} busy={busy} alert>
      {summary}
      {composing ? (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            onContinue();
          }}
        >
          {children}
          {error && <InlineError error={error} />}
          <div className="dialog-actions">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant={danger ? 'danger' : 'primary'} disabled={continueDisabled}>
              Continue
            </Button>
          </div>
        </form>
      ) : (
        <ReauthForm username={username} confirmLabel={confirmLabel} busy={busy} error={error} onBack={onBack} onSubmit={onSubmit} danger={danger} />
      )}
    </Dialog>
  );
}
