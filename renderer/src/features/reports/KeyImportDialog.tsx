// Trusting a report-signing key by hand: the PEM public key a BFF's
// administrator handed over (for reports from a BFF this console never signed in to).
import { useState, type FormEvent, type ReactElement } from 'react';
import type { IpcError } from '../../../../shared/ipc/contract.js';
import { useStore } from '../../app/store.js';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import { Field } from '../../ui/Field.js';
import { InlineError } from '../../ui/States.js';

export function KeyImportDialog({ keyId, onClose }: { keyId?: string | undefined; onClose: () => void }): ReactElement {
  const importKey = useStore((s) => s.importKey);
  const [pem, setPem] = useState('');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pem.trim() === '') return;
    setBusy(true);
    const problem = await importKey({ pem, label });
    setBusy(false);
    if (problem) setError(problem);
    else onClose();
  };

  return (
    <Dialog
      title="Import a report-signing key"
      description={
        keyId ? (
          <>
            The report names key <span className="mono">{keyId}</span>. Import it only from a source you trust: every report it signs will show as verified.
          </>
        ) : (
          'Import a key only from a source you trust: every report it signs will show as verified.'
        )
      }
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="key-import-form" busy={busy} disabled={pem.trim() === ''}>
            Import key
          </Button>
        </>
      }
    >
      <form id="key-import-form" className="stack" onSubmit={submit} aria-label="Import a key">
        <Field label="Public key (PEM)" hint="From the BFF administrator, or GET /admin/keys of that BFF: -----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----">
          {(props) => (
            <textarea {...props} className="pem-input mono" rows={6} spellCheck={false} value={pem} onChange={(event) => setPem(event.target.value)} data-autofocus />
          )}
        </Field>
        <Field label="Where it comes from (optional)" hint="Shown with every report this key verifies, e.g. “handed over by the audit team”.">
          {(props) => <input {...props} type="text" maxLength={200} value={label} onChange={(event) => setLabel(event.target.value)} />}
        </Field>
        {error && <InlineError error={error} />}
      </form>
    </Dialog>
  );
}
