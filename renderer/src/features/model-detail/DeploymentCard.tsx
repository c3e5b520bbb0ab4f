// Where a model's traffic goes now (stable, canary, share, phase), what the
// serving layer did with it, and how it got there: a timeline of the
// deployment's audit entries.
import type { ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { useStore } from '../../app/store.js';
import { formatDateTime, formatRelative } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';
import { StatusBadge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { ErrorState } from '../../ui/States.js';
import { Spinner } from '../../ui/Spinner.js';
import { Stepper } from '../../ui/Stepper.js';
import { TrafficBar } from '../../ui/TrafficBar.js';
import { describeEntry } from '../audit/audit-describe.js';
import { currentStepIndex } from '../rollout/rollout-plan.js';
import { ServingStatus } from '../serving/ServingStatus.js';

export function DeploymentCard({ deployment, showControlsLink = true }: { deployment: Deployment; showControlsLink?: boolean }): ReactElement {
  const navigate = useStore((s) => s.navigate);
  return (
    <article className="card deployment-card" aria-labelledby="deployment-title">
      <header className="card-header">
        <h3 id="deployment-title">Deployment</h3>
        <StatusBadge status={deployment.phase} />
      </header>
      <TrafficBar stableVersion={deployment.stable_version} canaryVersion={deployment.canary_version} canaryPct={deployment.canary_pct} />
      <dl className="kv">
        <dt>Stable</dt>
        <dd className="mono">{deployment.stable_version ?? '—'}</dd>
        <dt>Canary</dt>
        <dd className="mono">{deployment.canary_version ?? '—'}</dd>
        <dt>Rollback restores</dt>
        <dd className="mono">{deployment.canary_version ? deployment.stable_version : (deployment.previous_stable ?? '—')}</dd>
        <dt>Updated</dt>
        <dd title={deployment.updated_at}>{formatDateTime(deployment.updated_at)}</dd>
      </dl>
      <Stepper steps={deployment.plan} current={currentStepIndex(deployment)} />
      <ServingStatus deployment={deployment} />
      {showControlsLink && (
        <Button size="sm" icon="arrowRight" onClick={() => navigate({ name: 'model', modelId: deployment.model_id, tab: 'rollout' })}>
          Rollout controls
        </Button>
      )}
    </article>
  );
}

export function DeploymentHistory(): ReactElement {
  const { status, error, items } = useStore(useShallow((s) => s.modelDetail.history));
  const modelId = useStore((s) => s.modelDetail.modelId);
  const loadModelHistory = useStore((s) => s.loadModelHistory);
  const now = useNow(30_000);
  return (
    <article className="card" aria-labelledby="history-title">
      <header className="card-header">
        <h3 id="history-title">History</h3>
        {status === 'loading' && <Spinner size={14} label="Loading history" />}
      </header>
      {status === 'error' && error ? (
        <ErrorState error={error} onRetry={modelId ? () => void loadModelHistory(modelId) : undefined} />
      ) : items.length === 0 && status === 'ready' ? (
        <p className="faint">No deployment changes recorded yet.</p>
      ) : (
        <ol className="timeline">
          {items.map((entry) => {
            const described = describeEntry(entry);
            return (
              <li key={entry.seq} className={`timeline-item tone-${described.tone}`}>
                <span className="timeline-dot" aria-hidden="true" />
                <div className="timeline-text">
                  <span className="timeline-title">{described.title}</span>
                  {described.detail && <span className="timeline-detail">{described.quoted ? `“${described.detail}”` : described.detail}</span>}
                  <time dateTime={entry.at} title={formatDateTime(entry.at)} className="timeline-time">
                    {formatRelative(entry.at, now)}
                  </time>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </article>
  );
}
