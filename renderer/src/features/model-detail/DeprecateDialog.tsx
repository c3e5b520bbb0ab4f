// Deprecating a version: audited, with a reason; the BFF refuses a version in use.
import { useEffect, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../app/store.js';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import { Field } from '../../ui/Field.js';
import { InlineError } from '../../ui/States.js';

export function DeprecateDialog({ modelId, version, onClose }: { modelId: string; version: string; onClose: () => void }): ReactElement {
  const { status, error } = useStore(useShallow((s) => s.modelDetail.deprecate));
  const deprecateVersion = useStore((s) => s.deprecateVersion);
  const resetDeprecate = useStore((s) => s.resetDeprecate);
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const busy = status === 'submitting';
  useEffect(() => resetDeprecate, [resetDeprecate]);

  const submit = async () => {
    setTouched(true);
    if (reason.trim() === '') return;
    if (await deprecateVersion(version, reason)) onClose();
  };

  return (
    <Dialog
      title={`Deprecate ${modelId} ${version}?`}
      description="A deprecated version can no longer be rolled out. The change and your reason go into the audit log."
      onClose={onClose}
      busy={busy}
      alert
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="danger" busy={busy} onClick={() => void submit()}>
            Deprecate
          </Button>
        </>
      }
    >
      <Field label="Reason" error={touched && reason.trim() === '' ? 'Say why it is deprecated.' : null}>
        {(props) => <textarea {...props} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} data-autofocus maxLength={2000} />}
      </Field>
      {error && <InlineError error={error} />}
    </Dialog>
  );
}
