// Register a version: typed in, or filled from a metadata.json. Checked with
// the shared schema before anything is sent; the BFF's answer decides.
import { useEffect, useRef, type FormEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ARTIFACT_SCHEMES, METADATA_MAX_BYTES } from '../../../../shared/domain/model.js';
import { useStore } from '../../app/store.js';
import { formatInteger } from '../../lib/format.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { Icon } from '../../ui/Icon.js';
import { Callout, InlineError } from '../../ui/States.js';
import { ProgressBar } from '../../ui/Spinner.js';
import type { RegisterField, RegisterForm } from './register-form.js';

/** Files larger than this are refused before reading: metadata is capped far below it. */
const MAX_IMPORT_BYTES = 4 * METADATA_MAX_BYTES;

export function RegisterVersionScreen({ modelId }: { modelId: string }): ReactElement {
  const { form, errors, note, status, error } = useStore(
    useShallow((s) => ({ form: s.register.form, errors: s.register.errors, note: s.register.note, status: s.register.status, error: s.register.error })),
  );
  const modelName = useStore((s) => (s.modelDetail.data?.model.id === modelId ? s.modelDetail.data.model.name : modelId));
  const { startRegister, setRegisterField, importMetadataFile, submitRegister, navigate, loadModel } = useStore(
    useShallow((s) => ({
      startRegister: s.startRegister,
      setRegisterField: s.setRegisterField,
      importMetadataFile: s.importMetadataFile,
      submitRegister: s.submitRegister,
      navigate: s.navigate,
      loadModel: s.loadModel,
    })),
  );
  const fileInput = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const busy = status === 'submitting';

  useEffect(() => {
    startRegister(modelId);
    void loadModel(modelId);
  }, [startRegister, loadModel, modelId]);

  const text = (field: Exclude<RegisterField, 'device'>) => ({
    value: form[field],
    onChange: (event: { target: { value: string } }) => setRegisterField(field, event.target.value),
    disabled: busy,
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const version = await submitRegister();
    if (version) navigate({ name: 'model', modelId, tab: 'overview', version: version.version });
    else {
      // Move to the first field the schema (or the BFF) refused.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    }
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      importMetadataFile('', `${file.name} (${formatInteger(file.size)} bytes, too large)`);
      return;
    }
    importMetadataFile(await file.text(), file.name);
    if (fileInput.current) fileInput.current.value = '';
  };

  const errorOf = (field: RegisterField) => errors[field] ?? null;

  return (
    <section className="page page-scroll" aria-labelledby="register-title">
      <header className="page-header">
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <a href="#/models">Registry</a>
          <Icon name="chevronRight" size={12} />
          <a href={`#/models/${encodeURIComponent(modelId)}`}>{modelName}</a>
          <Icon name="chevronRight" size={12} />
          <span aria-current="page">Register version</span>
        </nav>
        <div className="page-title-row">
          <h1 id="register-title">Register a version</h1>
          <span className="spacer" />
          <input ref={fileInput} type="file" accept=".json,application/json" className="visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(event) => void onFile(event.target.files?.[0])} />
          <Button icon="upload" onClick={() => fileInput.current?.click()} disabled={busy}>
            Import metadata.json…
          </Button>
        </div>
        <p className="muted">A new version starts as a candidate. Rolling it out is a separate, approved step.</p>
      </header>
      <div className="page-content">
        <form ref={formRef} className="register-form card" onSubmit={onSubmit} noValidate aria-label={`Register a version of ${modelName}`}>
          {note && (
            <Callout tone={note.tone === 'error' ? 'bad' : note.tone === 'warning' ? 'warn' : 'info'} role={note.tone === 'info' ? 'status' : 'alert'}>
              {note.text}
            </Callout>
          )}
          <fieldset className="form-section" disabled={busy}>
            <legend>Artifact</legend>
            <div className="form-grid">
              <Field label="Version" hint="Semantic version, e.g. 2.4.0" error={errorOf('version')}>
                {(props) => <input {...props} type="text" className="mono" autoComplete="off" spellCheck={false} {...text('version')} />}
              </Field>
              <Field label="Artifact URI" hint={`Scheme: ${ARTIFACT_SCHEMES.join(', ')}`} error={errorOf('artifact_uri')} className="span-2">
                {(props) => <input {...props} type="text" className="mono" spellCheck={false} placeholder="s3://bucket/models/name/2.4.0/model.onnx" {...text('artifact_uri')} />}
              </Field>
              <Field label="SHA-256 checksum" hint="64 hexadecimal characters" error={errorOf('checksum')} className="span-3">
                {(props) => <input {...props} type="text" className="mono" spellCheck={false} maxLength={64} {...text('checksum')} />}
              </Field>
            </div>
          </fieldset>
          <fieldset className="form-section" disabled={busy}>
            <legend>Runtime</legend>
            <div className="form-grid">
              <Field label="Device" error={errorOf('device')}>
                {(props) => (
                  <select {...props} value={form.device} onChange={(e) => setRegisterField('device', e.target.value as RegisterForm['device'])}>
                    <option value="cpu">CPU</option>
                    <option value="gpu">GPU</option>
                  </select>
                )}
              </Field>
              <Field label="Max batch" hint="Optional" error={errorOf('max_batch')}>
                {(props) => <input {...props} type="text" inputMode="numeric" className="num" {...text('max_batch')} />}
              </Field>
              <Field label="Max length" hint="Optional, in tokens or items" error={errorOf('max_len')}>
                {(props) => <input {...props} type="text" inputMode="numeric" className="num" {...text('max_len')} />}
              </Field>
              <Field label="Framework" hint="e.g. pytorch, lightgbm" error={errorOf('framework')}>
                {(props) => <input {...props} type="text" {...text('framework')} />}
              </Field>
              <Field label="Export format" hint="e.g. onnx, torchscript, savedmodel" error={errorOf('export_format')}>
                {(props) => <input {...props} type="text" list="export-formats" {...text('export_format')} />}
              </Field>
              <datalist id="export-formats">
                {['onnx', 'torchscript', 'savedmodel', 'safetensors', 'gguf', 'pickle', 'xgboost-json', 'lightgbm-txt'].map((f) => (
                  <option key={f} value={f} />
                ))}
              </datalist>
              <Field label="Supported until" hint="Optional" error={errorOf('supported_until')}>
                {(props) => <input {...props} type="date" {...text('supported_until')} />}
              </Field>
            </div>
          </fieldset>
          <fieldset className="form-section" disabled={busy}>
            <legend>Notes and metadata</legend>
            <Field label="Release notes" error={errorOf('release_notes')}>
              {(props) => <textarea {...props} rows={4} {...text('release_notes')} />}
            </Field>
            <Field label="Metadata (JSON object)" hint={`Free-form, at most ${Math.round(METADATA_MAX_BYTES / 1024)} KiB: metrics, training config, deployment notes`} error={errorOf('metadata')}>
              {(props) => <textarea {...props} rows={10} className="mono" spellCheck={false} {...text('metadata')} />}
            </Field>
          </fieldset>
          {error && <InlineError error={error} />}
          {busy && <ProgressBar label="Registering" />}
          <div className="form-actions">
            <Button onClick={() => navigate({ name: 'model', modelId, tab: 'overview' })} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={busy}>
              {busy ? 'Registering…' : 'Register version'}
            </Button>
          </div>
        </form>
      </div>
    </section>
  );
}
