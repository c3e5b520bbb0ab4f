// The model's online gate (DESIGN §9): the values in force, each with its unit
// and meaning, and whether they are the type's default or the model's own — for
// every signed-in role. Admins edit it (or reset it to the type's default) in a
// step-up dialog; a tightening applies at once, a loosening waits for a second
// admin (docs/two-person-rule.md, rule 10) and the section says so.
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { OnlineGateResponse } from '../../../../shared/api/canary.js';
import type { PolicyChange } from '../../../../shared/domain/policy-change.js';
import type { StepUpCredentials } from '../../../../shared/ipc/contract.js';
import { formatDateTime } from '../../lib/format.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { Callout, ErrorState } from '../../ui/States.js';
import { Spinner } from '../../ui/Spinner.js';
import { isReauthError, stepUpOf } from '../session/step-up.js';
import { StepUpDialog } from '../session/StepUpDialog.js';
import './online-gate.css';
import { draftOf, GATE_FIELDS, policyOfDraft, type GateDraft, type GateDraftErrors } from './online-gate-fields.js';

type Edit = { stage: 'compose' | 'reauth' | 'submitting'; draft: GateDraft; errors: GateDraftErrors; reset: boolean; error: IpcError | null };
type Outcome = { kind: 'saved' } | { kind: 'pending'; change: PolicyChange } | null;

export function OnlineGateSection({ modelId, modelType, canEdit }: { modelId: string; modelType: string; canEdit: boolean }): ReactElement {
  const [gate, setGate] = useState<OnlineGateResponse | null>(null);
  const [loadError, setLoadError] = useState<IpcError | null>(null);
  const [edit, setEdit] = useState<Edit | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  // The host keys this section by model, so a new model starts from empty state.
  const read = useCallback(() => call((api) => api.canary.gate({ model_id: modelId })), [modelId]);
  const show = (result: Awaited<ReturnType<typeof read>>) => {
    setLoadError(result.ok ? null : result.error);
    if (result.ok) setGate(result.value);
  };
  const load = async () => show(await read());

  useEffect(() => {
    let current = true;
    void read().then((result) => {
      if (!current) return;
      setLoadError(result.ok ? null : result.error);
      if (result.ok) setGate(result.value);
    });
    return () => {
      current = false;
    };
  }, [read]);

  const submit = async (credentials: StepUpCredentials) => {
    if (!edit || !gate) return;
    const parsed = edit.reset ? ({ ok: true, policy: null } as const) : policyOfDraft(edit.draft, gate.policy);
    if (!parsed.ok) return;
    setEdit({ ...edit, stage: 'submitting', error: null });
    const result = await call((api) => api.canary.setGate({ model_id: modelId, policy: parsed.policy, step_up: stepUpOf(credentials) }));
    if (!result.ok) {
      // A wrong password stays on the re-authentication; anything else (403, the BFF's 400) goes back to the form.
      setEdit({ ...edit, stage: isReauthError(result.error) ? 'reauth' : 'compose', error: result.error });
      return;
    }
    setEdit(null);
    if (result.value.outcome === 'applied') {
      setGate(result.value.gate);
      setOutcome({ kind: 'saved' });
    } else setOutcome({ kind: 'pending', change: result.value.policy_change });
  };

  const toReauth = (reset: boolean) => {
    if (!edit || !gate) return;
    if (reset) return setEdit({ ...edit, reset: true, errors: {}, stage: 'reauth', error: null });
    const parsed = policyOfDraft(edit.draft, gate.policy);
    setEdit(parsed.ok ? { ...edit, reset: false, errors: {}, stage: 'reauth', error: null } : { ...edit, reset: false, errors: parsed.errors });
  };

  return (
    <article className="card online-gate-card" aria-labelledby="online-gate-title">
      <header className="card-header">
        <h3 id="online-gate-title">Online gate</h3>
        {gate && (
          <Badge tone={gate.is_default ? 'neutral' : 'accent'} title={gate.is_default ? `The default for ${modelType} models` : 'Set by an admin for this model'}>
            {gate.is_default ? `${modelType} default` : 'Model’s own'}
          </Badge>
        )}
      </header>
      {loadError ? (
        <ErrorState error={loadError} onRetry={() => void load()} title="The online gate could not be read" />
      ) : !gate ? (
        <Spinner label="Loading the online gate…" />
      ) : (
        <>
          <p className="muted">Judges each interval of a live canary against stable; a failing streak rolls it back.</p>
          <dl className="kv online-gate-values">
            {GATE_FIELDS.map((field) => (
              <div key={field.name} className="online-gate-row">
                <dt title={field.meaning}>{field.label}</dt>
                <dd>
                  <span className="mono" data-field={field.name}>
                    {field.format(gate.policy[field.name])}
                  </span>
                  <span className="field-hint">{field.meaning}</span>
                </dd>
              </div>
            ))}
            {gate.policy.business_metric && (
              <div className="online-gate-row">
                <dt>Business metric</dt>
                <dd>
                  <span className="mono">{gate.policy.business_metric.metric}</span> may drop at most {gate.policy.business_metric.max_drop_pct} %
                </dd>
              </div>
            )}
          </dl>
          {outcome?.kind === 'saved' && (
            <Callout tone="good" icon="check" role="status">
              Saved: the online gate above is in force for the next canary step.
            </Callout>
          )}
          {outcome?.kind === 'pending' && (
            <Callout tone="warn" role="status">
              <strong>Waiting for a second admin.</strong> This edit loosens the gate, so it applies only when another admin approves it (change{' '}
              <span className="mono">{outcome.change.id}</span>, expires {formatDateTime(outcome.change.expires_at)}):
              <ul>
                {outcome.change.loosens.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
              The values above are still in force.
            </Callout>
          )}
          {canEdit && (
            <div className="card-actions">
              <Button size="sm" icon="gear" onClick={() => setEdit({ stage: 'compose', draft: draftOf(gate.policy), errors: {}, reset: false, error: null })}>
                Edit online gate
              </Button>
            </div>
          )}
        </>
      )}
      {edit && gate && (
        <StepUpDialog
          title={`Online gate of ${modelId}`}
          description={
            edit.stage === 'compose'
              ? 'A stricter gate applies at once; a looser one waits for a second admin.'
              : edit.reset
                ? `Re-authenticate to reset the gate to the ${modelType} default.`
                : 'Re-authenticate to save the gate.'
          }
          composing={edit.stage === 'compose'}
          busy={edit.stage === 'submitting'}
          error={edit.error}
          danger={false}
          confirmLabel={edit.reset ? 'Reset to default' : 'Save online gate'}
          onContinue={() => toReauth(false)}
          onBack={() => setEdit({ ...edit, stage: 'compose', error: null })}
          onSubmit={submit}
          onClose={() => setEdit(null)}
        >
          <div className="online-gate-form">
            {GATE_FIELDS.map((field) => (
              <Field key={field.name} label={`${field.label} (${field.unit})`} hint={field.meaning} error={edit.errors[field.name] ?? null}>
                {(control) => (
                  <input
                    {...control}
                    name={field.name}
                    inputMode="decimal"
                    value={edit.draft[field.name]}
                    onChange={(event) => setEdit({ ...edit, draft: { ...edit.draft, [field.name]: event.target.value } })}
                  />
                )}
              </Field>
            ))}
          </div>
          {!gate.is_default && (
            <Button onClick={() => toReauth(true)} title={`Drop this model's own gate and use the ${modelType} default`}>
              Reset to {modelType} default
            </Button>
          )}
        </StepUpDialog>
      )}
    </article>
  );
}
