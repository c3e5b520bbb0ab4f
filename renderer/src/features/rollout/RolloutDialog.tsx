// Confirming a rollout action: from -> to, traffic, the gate result (a failed
// gate needs an explicit override) and a justification; then re-authentication;
// then the request is sent and the panel shows it pending.
import type { ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../app/store.js';
import { formatTraffic } from '../../lib/format.js';
import { Field } from '../../ui/Field.js';
import { GateBadge, GateChecks } from '../../ui/GateBadge.js';
import { Icon } from '../../ui/Icon.js';
import { Callout } from '../../ui/States.js';
import { StepUpDialog } from '../session/StepUpDialog.js';
import { ACTION_LABEL, needsOverride, planAction, type PlannedAction } from './rollout-plan.js';

/** What happens to traffic, in one sentence. */
export function trafficSentence(plan: PlannedAction, canaryPct: number): string {
  switch (plan.action) {
    case 'start_canary':
      return plan.targetPct === 100
        ? `All traffic moves to ${plan.targetVersion}.`
        : `${formatTraffic(plan.targetPct)} of traffic goes to ${plan.targetVersion}; ${formatTraffic(100 - plan.targetPct)} stays on ${plan.fromVersion ?? '—'}.`;
    case 'advance':
      return `The canary ${plan.targetVersion} goes from ${formatTraffic(canaryPct)} to ${formatTraffic(plan.targetPct)} of traffic.`;
    case 'promote':
      return `${plan.targetVersion} takes all traffic and becomes stable${plan.fromVersion ? `; ${plan.fromVersion} is what a later rollback restores` : ''}.`;
    case 'rollback':
      return `All traffic goes back to ${plan.targetVersion} at once.`;
  }
}

export function RolloutDialog(): ReactElement | null {
  const flow = useStore((s) => s.rollout.flow);
  const deployment = useStore((s) => s.modelDetail.data?.deployment ?? null);
  const runs = useStore((s) => s.evals.runs);
  const actions = useStore(
    useShallow((s) => ({
      update: s.updateRolloutDraft,
      next: s.continueToReauth,
      back: s.backToConfirm,
      submit: s.submitRollout,
      close: s.closeRolloutFlow,
    })),
  );
  if (!flow || !deployment) return null;
  const planned = planAction(deployment, runs, flow.action, flow.version);
  const plan = planned.ok ? planned.plan : null;
  const label = ACTION_LABEL[flow.action];
  const busy = flow.stage === 'submitting';
  const isRollback = flow.action === 'rollback';
  const confirmLabel = isRollback ? 'Roll back now' : `Request ${label.toLowerCase()}`;

  return (
    <StepUpDialog
      title={`${label} ${deployment.model_id}`}
      description={
        flow.stage === 'confirm'
          ? isRollback
            ? 'Rollback takes effect immediately: no second approver, and every approver is told.'
            : 'This creates a request. Nothing changes until a different approver approves it.'
          : 'Re-authenticate to send it.'
      }
      summary={
        <>
          {plan && (
            <dl className="kv change-summary">
              <dt>Change</dt>
              <dd>
                <span className="mono">{plan.fromVersion ?? 'nothing'}</span>
                <Icon name="arrowRight" size={14} />
                <span className="mono strong">{plan.targetVersion}</span>
              </dd>
              <dt>Traffic</dt>
              <dd>{trafficSentence(plan, deployment.canary_pct)}</dd>
              {plan.gate.kind !== 'not_applicable' && (
                <>
                  <dt>Gate</dt>
                  <dd>
                    {plan.gate.kind === 'missing' ? (
                      <span className="badge badge-bad">No eval run for {plan.targetVersion}</span>
                    ) : (
                      <GateBadge gate={plan.gate.gate} />
                    )}
                  </dd>
                </>
              )}
            </dl>
          )}
          {!planned.ok && <Callout tone="bad">{planned.message}</Callout>}
        </>
      }
      composing={flow.stage === 'confirm'}
      busy={busy}
      error={flow.error}
      danger={isRollback}
      confirmLabel={confirmLabel}
      continueDisabled={!planned.ok}
      onContinue={actions.next}
      onBack={actions.back}
      onSubmit={actions.submit}
      onClose={actions.close}
    >
      {plan && plan.gate.kind === 'failed' && (
        <div className="callout callout-bad" role="alert">
          <Icon name="warning" />
          <div className="stack">
            <strong>The gate failed for {plan.targetVersion}.</strong>
            <GateChecks gate={{ ...plan.gate.gate, checks: plan.gate.gate.checks.filter((c) => !c.passed) }} />
          </div>
        </div>
      )}
      {plan && plan.gate.kind === 'missing' && (
        <Callout tone="bad" role="alert">
          <strong>{plan.targetVersion} has no eval run</strong>, so the BFF counts its gate as failed.
        </Callout>
      )}
      <Field label="Justification" hint="Why now? Approvers read this, and it goes into the audit log.">
        {(props) => (
          <textarea
            {...props}
            rows={3}
            maxLength={2000}
            value={flow.justification}
            onChange={(e) => actions.update({ justification: e.target.value })}
            data-autofocus
            placeholder={isRollback ? 'e.g. p99 latency doubled after the canary started' : 'e.g. offline gate passed; canary dashboards are green'}
          />
        )}
      </Field>
      {plan && needsOverride(plan.gate) && (
        <label className="checkbox override">
          <input type="checkbox" checked={flow.override} onChange={(e) => actions.update({ override: e.target.checked })} />
          <span>
            <strong>Override the failed gate.</strong> I ask to go ahead anyway; the approver sees this override.
          </span>
        </label>
      )}
      {flow.problem && (
        <p className="field-error" role="alert">
          {flow.problem}
        </p>
      )}
    </StepUpDialog>
  );
}
