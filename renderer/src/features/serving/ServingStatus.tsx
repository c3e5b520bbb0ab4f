// Where a model's traffic goes for real: the serving target, what the serving
// layer did with the approved state (in words, live from the event stream), the
// observed split beside the approved one, and the operator's "Retry dispatch".
import { useEffect, useId, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { splitRows, SPLIT_TOLERANCE_PCT, type SplitRow } from '../../../../shared/logic/traffic-split.js';
import { useStore } from '../../app/store.js';
import { formatDateTime } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { InlineError } from '../../ui/States.js';
import { Spinner } from '../../ui/Spinner.js';
import { dispatchWords, formatPointsDelta, formatSharePct, targetSentence } from './dispatch-words.js';
import { describeError } from '../../lib/error-messages.js';

function TargetLine({ modelId }: { modelId: string }): ReactElement {
  const { status, error, data } = useStore(
    useShallow((s) => (s.serving.modelId === modelId ? { status: s.serving.status, error: s.serving.error, data: s.serving.data } : { status: 'loading' as const, error: null, data: null })),
  );
  const loadServing = useStore((s) => s.loadServing);
  if (data) return <span className="serving-target">{targetSentence(data.target)}</span>;
  if (status === 'error' && error) {
    return (
      <span className="serving-target-error">
        <span className="muted">Could not read the target: {describeError(error).title}</span>
        <Button size="sm" variant="ghost" icon="refresh" onClick={() => void loadServing(modelId)}>
          Try again
        </Button>
      </span>
    );
  }
  return <Spinner size={14} label="Loading the serving target" />;
}

function DeltaWords({ row }: { row: SplitRow }): ReactElement {
  if (row.deltaPct === null) return <span className="faint">—</span>;
  if (Math.abs(row.deltaPct) < SPLIT_TOLERANCE_PCT) {
    return (
      <span className="split-delta split-delta-same" aria-label={`${row.version}: as approved`}>
        as approved
      </span>
    );
  }
  const more = row.deltaPct > 0;
  return (
    <span
      className={`split-delta ${more ? 'split-delta-more' : 'split-delta-less'} num`}
      aria-label={`${row.version}: ${formatPointsDelta(Math.abs(row.deltaPct)).replace('+', '')} ${more ? 'more' : 'less'} than approved`}
    >
      <Icon name={more ? 'arrowUp' : 'arrowDown'} size={12} />
      {formatPointsDelta(row.deltaPct)}
    </span>
  );
}

function SplitTable({ deployment }: { deployment: Deployment }): ReactElement | null {
  const dispatch = deployment.dispatch;
  const rows = splitRows(deployment);
  if (dispatch.target_kind === null) return null;
  if (!dispatch.observed) {
    return (
      <p className="muted serving-note">
        {dispatch.target_kind === 'webhook'
          ? 'The webhook receiver confirms delivery; it reports no observed split.'
          : 'No observed split yet: HAProxy’s weights are read back once the state is applied.'}
      </p>
    );
  }
  return (
    <table className="table split-table">
      <caption className="split-caption">Traffic split: approved and observed at the serving layer</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col" className="align-end">
            Approved
          </th>
          <th scope="col" className="align-end">
            Observed
          </th>
          <th scope="col" className="align-end">
            Difference
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.version}>
            <th scope="row" className="mono">
              {row.version}
            </th>
            <td className="align-end num">{formatSharePct(row.approvedPct)}</td>
            <td className="align-end num">{row.observedPct === null ? '—' : formatSharePct(row.observedPct)}</td>
            <td className="align-end">
              <DeltaWords row={row} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RetryDispatch({ modelId }: { modelId: string }): ReactElement {
  const { status, error } = useStore(
    useShallow((s) => (s.serving.retry.modelId === modelId ? { status: s.serving.retry.status, error: s.serving.retry.error } : { status: 'idle' as const, error: null })),
  );
  const retryDispatch = useStore((s) => s.retryDispatch);
  return (
    <div className="serving-retry">
      <div className="row">
        <Button size="sm" icon="refresh" busy={status === 'submitting'} onClick={() => void retryDispatch(modelId)}>
          Retry dispatch
        </Button>
        <span className="muted serving-retry-hint">Applies the approved state again now.</span>
      </div>
      {status === 'error' && error && <InlineError error={error} />}
      {status === 'done' && (
        <p className="serving-retry-done" role="status">
          <Icon name="check" size={12} /> Dispatch sent again; the status above follows it.
        </p>
      )}
    </div>
  );
}

/**
 * The serving part of a deployment: `heading` names it for assistive tech
 * ("Serving" on the rollout tab; the deployment card nests it under its own).
 */
export function ServingStatus({ deployment, headingLevel = 4 }: { deployment: Deployment; headingLevel?: 3 | 4 }): ReactElement {
  const modelId = deployment.model_id;
  const now = useNow(1000);
  const loadServing = useStore((s) => s.loadServing);
  const target = useStore((s) => (s.serving.modelId === modelId ? s.serving.data?.target : undefined));
  const canOperate = useStore((s) => s.session.user?.roles.includes('operator') ?? false);
  // Kept on screen after a retry (busy, failed or sent) even when the status it caused needs no further retry.
  const retryActive = useStore((s) => s.serving.retry.modelId === modelId && s.serving.retry.status !== 'idle');
  const headingId = useId();

  useEffect(() => {
    void loadServing(modelId);
  }, [loadServing, modelId]);

  const words = dispatchWords(deployment, target, now);
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const appliedAt = deployment.dispatch.applied_at;
  return (
    <section className="serving" aria-labelledby={headingId}>
      <header className="serving-header">
        <Heading id={headingId}>Serving</Heading>
        <Badge tone={words.tone}>{words.label}</Badge>
      </header>
      <dl className="kv serving-kv">
        <dt>Target</dt>
        <dd>
          <TargetLine modelId={modelId} />
        </dd>
        <dt>Dispatch</dt>
        <dd className={`serving-sentence tone-${words.tone}`} title={appliedAt ? `Applied ${formatDateTime(appliedAt)}` : undefined}>
          {words.sentence}
        </dd>
      </dl>
      {/* Said once per change of status, not on every tick of the retry countdown. */}
      <span className="visually-hidden" role="status">
        {`Dispatch ${words.label}`}
      </span>
      <SplitTable deployment={deployment} />
      {canOperate && (words.retryable || retryActive) && <RetryDispatch modelId={modelId} />}
    </section>
  );
}
