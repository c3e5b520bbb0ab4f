// Rollout controls of one model: the plan as a stepper, traffic now, the
// gate of what would roll out (shown before anyone asks), the actions the
// rollout machine allows, and a pending request with its expiry countdown.
import { useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ChangeRequest, RolloutAction } from '../../../../shared/domain/change-request.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { useStore } from '../../app/store.js';
import { formatAge, formatCountdown, formatDateTime, formatTraffic } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { GateBadge, GateChecks } from '../../ui/GateBadge.js';
import { Icon } from '../../ui/Icon.js';
import { Callout, ErrorState, InlineError } from '../../ui/States.js';
import { Spinner } from '../../ui/Spinner.js';
import { Stepper } from '../../ui/Stepper.js';
import { TrafficBar } from '../../ui/TrafficBar.js';
import { ServingStatus } from '../serving/ServingStatus.js';
import { RolloutDialog, trafficSentence } from './RolloutDialog.js';
import { ACTION_LABEL, currentStepIndex, offeredActions, planAction, releasableVersions, type GateStatus } from './rollout-plan.js';

function GatePreview({ gate, version }: { gate: GateStatus; version: string }): ReactElement | null {
  if (gate.kind === 'not_applicable') return null;
  if (gate.kind === 'missing') {
    return (
      <Callout tone="bad">
        <strong>No eval run for {version}.</strong> The BFF treats a missing run as a failed gate: a request needs an explicit override.
      </Callout>
    );
  }
  if (gate.kind === 'passed') {
    return (
      <div className="gate-preview">
        <GateBadge gate={gate.gate} /> <span className="muted">latest run of {version}, against {gate.run.baseline_version}</span>
      </div>
    );
  }
  return (
    <div className="callout callout-bad" role="alert">
      <Icon name="warning" />
      <div className="stack">
        <strong>
          The gate failed for {version} (run against {gate.run.baseline_version}). A request needs an explicit override, which the approver sees.
        </strong>
        <GateChecks gate={{ ...gate.gate, checks: gate.gate.checks.filter((c) => !c.passed) }} />
      </div>
    </div>
  );
}

function PendingRequestCard({ request }: { request: ChangeRequest }): ReactElement {
  const now = useNow(1000);
  const me = useStore((s) => s.session.user);
  const target = useStore((s) => s.modelDetail.data?.versions.find((v) => v.version === request.target_version) ?? null);
  const { status, error } = useStore(useShallow((s) => s.rollout.cancel));
  const cancelPendingRequest = useStore((s) => s.cancelPendingRequest);
  const navigate = useStore((s) => s.navigate);
  const [confirming, setConfirming] = useState(false);
  const remaining = Date.parse(request.expires_at) - now;
  const approvals = request.decisions.filter((d) => d.decision === 'approve').length;
  const mine = me?.username === request.requested_by;
  const excluded = [request.requested_by, target?.created_by].filter((name, i, all): name is string => !!name && all.indexOf(name) === i);

  return (
    <article className="card pending-card" aria-labelledby="pending-title">
      <header className="card-header">
        <div className="row">
          <Spinner size={14} label="" />
          <h3 id="pending-title">Waiting for an approver</h3>
        </div>
        <Badge tone={remaining < 5 * 60_000 ? 'bad' : 'warn'}>
          <Icon name="clock" size={12} />
          <span className="num" role="timer" aria-label={`Expires in ${formatCountdown(remaining)}`}>
            {remaining > 0 ? `Expires in ${formatCountdown(remaining)}` : 'Expired'}
          </span>
        </Badge>
      </header>
      <dl className="kv">
        <dt>Request</dt>
        <dd>
          {ACTION_LABEL[request.action]}: <span className="mono">{request.from_version ?? 'nothing'}</span> <Icon name="arrowRight" size={12} />{' '}
          <span className="mono">{request.target_version}</span> at {formatTraffic(request.target_pct)}
        </dd>
        <dt>Requested</dt>
        <dd>
          by {request.requested_by}, {formatAge(request.requested_at, now)} ago <span className="faint">({formatDateTime(request.requested_at)})</span>
        </dd>
        <dt>Justification</dt>
        <dd>{request.justification}</dd>
        <dt>Gate</dt>
        <dd>
          <GateBadge gate={request.gate_snapshot} />
          {request.gate_override && <Badge tone="warn">override requested</Badge>}
        </dd>
        <dt>Approvals</dt>
        <dd className="num">
          {approvals} of {request.required_approvals}
        </dd>
        <dt>Who may approve</dt>
        <dd>Any approver except {excluded.join(' and ')} (two-person rule)</dd>
      </dl>
      {error && <InlineError error={error} />}
      <div className="row">
        <Button size="sm" onClick={() => navigate({ name: 'approvals', requestId: request.id })}>
          Open in approvals
        </Button>
        {mine &&
          (confirming ? (
            <>
              <span className="muted">Withdraw this request?</span>
              <Button size="sm" variant="danger" busy={status === 'submitting'} onClick={async () => (await cancelPendingRequest()) && setConfirming(false)}>
                Yes, cancel it
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirming(false)} disabled={status === 'submitting'}>
                Keep it
              </Button>
            </>
          ) : (
            <Button size="sm" variant="ghost" onClick={() => setConfirming(true)}>
              Cancel request…
            </Button>
          ))}
      </div>
    </article>
  );
}

function ActionRow({ deployment, action, canOperate }: { deployment: Deployment; action: RolloutAction; canOperate: boolean }): ReactElement {
  const versions = useStore((s) => s.modelDetail.data?.versions ?? []);
  const runs = useStore((s) => s.evals.runs);
  const openRolloutAction = useStore((s) => s.openRolloutAction);
  const needsVersion = action === 'start_canary' || (action === 'promote' && deployment.canary_version === null);
  const options = useMemo(() => (needsVersion ? releasableVersions(deployment, versions) : []), [needsVersion, deployment, versions]);
  const [chosen, setChosen] = useState<string | null>(null);
  const version = needsVersion ? (chosen ?? options[0]?.version ?? null) : null;
  const planned = planAction(deployment, runs, action, version);
  const label = ACTION_LABEL[action];

  return (
    <div className={`action-row action-${action}`}>
      <div className="action-head">
        <div>
          <h4>{label}</h4>
          <p className="muted">{planned.ok ? trafficSentence(planned.plan, deployment.canary_pct) : planned.message}</p>
        </div>
        <div className="row">
          {needsVersion && (
            <label className="toolbar-field">
              <span>Version</span>
              <select value={version ?? ''} onChange={(event) => setChosen(event.target.value)} disabled={options.length === 0}>
                {options.length === 0 && <option value="">No candidate</option>}
                {options.map((v) => (
                  <option key={v.version} value={v.version}>
                    {v.version} ({v.status})
                  </option>
                ))}
              </select>
            </label>
          )}
          <Button
            variant={action === 'rollback' ? 'danger' : 'primary'}
            onClick={() => openRolloutAction(action, version)}
            disabled={!canOperate || !planned.ok}
            title={!canOperate ? 'Needs the operator role' : undefined}
          >
            {label}…
          </Button>
        </div>
      </div>
      {planned.ok && <GatePreview gate={planned.plan.gate} version={planned.plan.targetVersion} />}
    </div>
  );
}

/**
 * The rollout tab. `side` is what the hosting screen shows beside the controls (the model
 * screen passes the deployment's history): rollout/ does not import model-detail/, which hosts it.
 */
export function RolloutPanel({ modelId, side }: { modelId: string; side?: ReactNode }): ReactElement {
  const deployment = useStore((s) => s.modelDetail.data?.deployment ?? null);
  const pending = useStore(useShallow((s) => s.rollout.pending));
  const evalsStatus = useStore((s) => (s.evals.modelId === modelId ? s.evals.status : 'idle'));
  const roles = useStore(useShallow((s) => s.session.user?.roles ?? []));
  const { loadRolloutPending, loadEvals } = useStore(useShallow((s) => ({ loadRolloutPending: s.loadRolloutPending, loadEvals: s.loadEvals })));

  useEffect(() => {
    void loadRolloutPending(modelId);
    void loadEvals(modelId);
  }, [loadRolloutPending, loadEvals, modelId]);

  if (!deployment) return <></>;
  const request = pending.request;
  const requestedIndex = request && request.action !== 'promote' && request.action !== 'rollback' ? deployment.plan.indexOf(request.target_pct) : request?.action === 'promote' ? deployment.plan.length - 1 : null;
  const actions = offeredActions(deployment);
  const canOperate = roles.includes('operator');

  return (
    <div className="rollout">
      <div className="rollout-main">
        <article className="card" aria-labelledby="plan-title">
          <header className="card-header">
            <h3 id="plan-title">Rollout plan</h3>
            <span className="muted num">{deployment.plan.map((step) => formatTraffic(step)).join(' → ')}</span>
          </header>
          <Stepper steps={deployment.plan} current={currentStepIndex(deployment)} requested={requestedIndex} />
          <TrafficBar stableVersion={deployment.stable_version} canaryVersion={deployment.canary_version} canaryPct={deployment.canary_pct} />
        </article>

        <article className="card">
          <ServingStatus deployment={deployment} headingLevel={3} />
        </article>

        {pending.status === 'error' && pending.error && <ErrorState error={pending.error} onRetry={() => void loadRolloutPending(modelId)} title="Pending requests could not be read" />}
        {request && <PendingRequestCard request={request} />}

        <article className="card" aria-labelledby="actions-title">
          <header className="card-header">
            <h3 id="actions-title">Actions</h3>
            {(pending.status === 'loading' || evalsStatus === 'loading') && <Spinner size={14} label="Loading" />}
          </header>
          {!canOperate && <Callout tone="info">Requesting rollouts and rollbacks needs the operator role; you can follow them here.</Callout>}
          {request && (
            <Callout tone="info">
              A request is pending. Decide or cancel it before asking for another change (rollback stays available: an outage cannot wait).
            </Callout>
          )}
          {actions.length === 0 ? (
            <p className="muted">No rollout action is possible in this state.</p>
          ) : (
            <div className="action-list">
              {actions
                .filter((action) => !request || action === 'rollback')
                .map((action) => (
                  <ActionRow key={`${action}-${deployment.state_version}`} deployment={deployment} action={action} canOperate={canOperate} />
                ))}
            </div>
          )}
        </article>
      </div>
      <aside className="rollout-side">{side}</aside>
      <RolloutDialog />
    </div>
  );
}
