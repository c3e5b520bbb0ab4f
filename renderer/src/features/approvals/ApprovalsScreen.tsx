// The approvals inbox: requests on the left, everything needed to decide on
// the right (what changes, gate snapshot, requester, age, expiry), and the
// decision. A request the user made is shown, with why they cannot decide it.
import { useCallback, useEffect, useMemo, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ChangeRequest } from '../../../../shared/domain/change-request.js';
import { useStore } from '../../app/store.js';
import { formatAge, formatCountdown, formatDateTime, formatTraffic } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';
import { Badge, StatusBadge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { GateBadge, GateChecks } from '../../ui/GateBadge.js';
import { OnlineAnalysisSummary } from '../canary/OnlineAnalysisSummary.js';
import { Icon } from '../../ui/Icon.js';
import { Callout, EmptyState, ErrorState } from '../../ui/States.js';
import { LoadingState, Spinner } from '../../ui/Spinner.js';
import { VirtualTable, type Column } from '../../ui/VirtualTable.js';
import { ACTION_LABEL } from '../rollout/rollout-plan.js';
import { DecisionDialog } from './DecisionDialog.js';
import { decisionBlock } from './decision-rules.js';

function columns(now: number, me: string | undefined, withStatus: boolean): Array<Column<ChangeRequest>> {
  const all: Array<Column<ChangeRequest>> = [
    {
      id: 'change',
      header: 'Change',
      width: 'minmax(200px, 2fr)',
      render: (r) => (
        <div className="cell-stack">
          <span className="cell-title truncate">
            {ACTION_LABEL[r.action]} · {r.model_id}
          </span>
          <span className="cell-sub mono truncate">
            {r.from_version ?? '—'} → {r.target_version} at {formatTraffic(r.target_pct)}
          </span>
        </div>
      ),
    },
    {
      id: 'requester',
      header: 'Requester',
      width: 'minmax(90px, 1fr)',
      render: (r) => (
        <span className="truncate">
          {r.requested_by}
          {r.requested_by === me && <span className="faint"> (you)</span>}
        </span>
      ),
    },
    { id: 'age', header: 'Age', width: '64px', align: 'end', render: (r) => <span className="num">{formatAge(r.requested_at, now)}</span> },
    {
      id: 'gate',
      header: 'Gate',
      width: '76px',
      render: (r) =>
        r.gate_snapshot === null ? <Badge tone="bad">no run</Badge> : r.gate_snapshot.passed ? <Badge tone="good">passed</Badge> : <Badge tone="bad">failed</Badge>,
    },
    { id: 'status', header: 'Status', width: '92px', render: (r) => <StatusBadge status={r.status} /> },
  ];
  // In the pending view every row is pending: the column would only take room.
  return withStatus ? all : all.filter((column) => column.id !== 'status');
}

function RequestDetail(): ReactElement {
  const detail = useStore(useShallow((s) => s.approvals.detail));
  const user = useStore((s) => s.session.user);
  const selectedId = useStore((s) => s.approvals.selectedId);
  const { startDecision, selectRequest, navigate } = useStore(useShallow((s) => ({ startDecision: s.startDecision, selectRequest: s.selectRequest, navigate: s.navigate })));
  const now = useNow(1000);

  if (!selectedId) return <EmptyState icon="inbox" title="Select a request">Pick a request on the left to see what it changes and decide.</EmptyState>;
  if (detail.status === 'loading' && !detail.request) return <LoadingState label="Loading the request…" />;
  if (detail.status === 'error' && detail.error && !detail.request) return <ErrorState error={detail.error} onRetry={() => void selectRequest(selectedId)} />;
  const request = detail.request;
  if (!request) return <LoadingState label="Loading the request…" />;

  const block = decisionBlock(request, user, detail.target?.created_by ?? null, now);
  const decided = block?.kind === 'not_pending' || block?.kind === 'expired';
  const remaining = Date.parse(request.expires_at) - now;
  const digestMismatch = detail.shownDigest !== null && detail.shownDigest !== request.intent_digest;
  const approvals = request.decisions.filter((d) => d.decision === 'approve').length;

  return (
    <article className="request-detail" aria-labelledby="request-title">
      <header className="request-header">
        <div>
          <h2 id="request-title">
            {ACTION_LABEL[request.action]} · {request.model_id}
          </h2>
          <p className="muted mono">{request.id}</p>
        </div>
        <div className="row">
          <StatusBadge status={request.status} />
          {request.status === 'pending' && (
            <Badge tone={remaining < 5 * 60_000 ? 'bad' : 'warn'}>
              <Icon name="clock" size={12} />
              <span className="num" role="timer">
                {remaining > 0 ? `Expires in ${formatCountdown(remaining)}` : 'Expired'}
              </span>
            </Badge>
          )}
        </div>
      </header>

      <section className="request-section" aria-labelledby="what-title">
        <h3 id="what-title">What changes</h3>
        <div className="change-line">
          <span className="mono version-chip">{request.from_version ?? 'nothing'}</span>
          <Icon name="arrowRight" />
          <span className="mono version-chip is-target">{request.target_version}</span>
          <span className="muted">
            {request.action === 'start_canary' || request.action === 'advance'
              ? `canary at ${formatTraffic(request.target_pct)} of traffic`
              : `${formatTraffic(request.target_pct)} of traffic`}
          </span>
        </div>
        <dl className="kv">
          <dt>Model</dt>
          <dd>
            <a href={`#/models/${encodeURIComponent(request.model_id)}/rollout`}>{request.model_id}</a>
          </dd>
          <dt>Artifact checksum</dt>
          <dd>
            <span className="mono truncate">sha256:{request.target_checksum.slice(0, 16)}…</span>
            <CopyButton value={request.target_checksum} label="Copy target checksum" />
          </dd>
          {detail.target && (
            <>
              <dt>Target registered</dt>
              <dd>
                by {detail.target.created_by}, {formatDateTime(detail.target.created_at)}
              </dd>
            </>
          )}
          <dt>Expected state</dt>
          <dd className="num">deployment state {request.expected_state_version}</dd>
          <dt>Approvals</dt>
          <dd className="num">
            {approvals} of {request.required_approvals} needed
          </dd>
        </dl>
      </section>

      <section className="request-section" aria-labelledby="gate-title">
        <h3 id="gate-title">Gate snapshot</h3>
        <div className="row">
          <GateBadge gate={request.gate_snapshot} />
          {request.gate_override && <Badge tone="warn">Override requested</Badge>}
        </div>
        {request.gate_run && (
          <p>
            Run reported by <span className="mono">{request.gate_run.reported_by}</span>{' '}
            {request.gate_run.reporter_conflict && (
              <Badge tone="warn">{request.gate_run.reporter_conflict === 'requester' ? 'the requester reported it' : 'the registrant reported it'}</Badge>
            )}
          </p>
        )}
        {request.gate_override && (
          <Callout tone="warn">The requester asks to go ahead although the gate did not pass. Approving accepts that override.</Callout>
        )}
        {request.gate_snapshot && <GateChecks gate={request.gate_snapshot} />}
      </section>

      {request.online_analysis && (
        <section className="request-section" aria-labelledby="online-title">
          <h3 id="online-title">Online analysis of the live step</h3>
          <OnlineAnalysisSummary analysis={request.online_analysis} title={`When requested: ${request.online_analysis.canary_version} at ${request.online_analysis.canary_pct} %`} />
        </section>
      )}

      <section className="request-section" aria-labelledby="who-title">
        <h3 id="who-title">Requester</h3>
        <dl className="kv">
          <dt>Requested by</dt>
          <dd>
            {request.requested_by}
            {request.requested_by === user?.username && <Badge tone="accent">you</Badge>}
          </dd>
          <dt>When</dt>
          <dd>
            {formatAge(request.requested_at, now)} ago <span className="faint">({formatDateTime(request.requested_at)})</span>
          </dd>
          <dt>Re-authenticated</dt>
          <dd>{formatDateTime(request.requester_auth_time)}</dd>
        </dl>
        <blockquote className="justification">{request.justification}</blockquote>
      </section>

      {request.decisions.length > 0 && (
        <section className="request-section" aria-labelledby="decisions-title">
          <h3 id="decisions-title">Decisions</h3>
          <ul className="decisions">
            {request.decisions.map((d) => (
              <li key={`${d.by}-${d.at}`}>
                <Badge tone={d.decision === 'approve' ? 'good' : 'bad'}>{d.decision === 'approve' ? 'approved' : 'rejected'}</Badge> {d.by}, {formatDateTime(d.at)}
                {d.comment && <span className="muted"> — “{d.comment}”</span>}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="request-section decide" aria-labelledby="decide-title">
        <h3 id="decide-title">Decision</h3>
        {digestMismatch && (
          <Callout tone="bad" role="alert">
            The request's contents do not match its intent digest. Do not approve it; reload and tell an administrator.
          </Callout>
        )}
        {block ? (
          <Callout tone={block.kind === 'self' || block.kind === 'registrant' ? 'warn' : 'info'} icon={block.kind === 'self' || block.kind === 'registrant' ? 'shield' : 'info'}>
            {block.message}
          </Callout>
        ) : (
          <p className="muted">
            Your approval is bound to what you see here (intent digest <span className="mono">{detail.shownDigest ? `${detail.shownDigest.slice(0, 12)}…` : '…'}</span>
            ): if the request changes before you decide, the BFF refuses it.
          </p>
        )}
        {/* A decided (or expired) request has nothing left to decide: no buttons at all, rather than disabled ones. */}
        {!decided && (
          <div className="row">
            <Button variant="primary" icon="check" onClick={() => startDecision('approve')} disabled={block !== null || digestMismatch || detail.shownDigest === null}>
              Approve…
            </Button>
            <Button variant="danger" icon="cross" onClick={() => startDecision('reject')} disabled={block !== null}>
              Reject…
            </Button>
            {block?.kind === 'self' && request.status === 'pending' && (
              <Button variant="ghost" onClick={() => navigate({ name: 'model', modelId: request.model_id, tab: 'rollout' })}>
                Go to the rollout to cancel it
              </Button>
            )}
          </div>
        )}
      </section>
      <DecisionDialog />
    </article>
  );
}

export function ApprovalsScreen({ requestId }: { requestId?: string }): ReactElement {
  const { status, error, items, filter, nextCursor, loadingMore, selectedId } = useStore(
    useShallow((s) => ({
      status: s.approvals.status,
      error: s.approvals.error,
      items: s.approvals.items,
      filter: s.approvals.filter,
      nextCursor: s.approvals.nextCursor,
      loadingMore: s.approvals.loadingMore,
      selectedId: s.approvals.selectedId,
    })),
  );
  const me = useStore((s) => s.session.user?.username);
  const { loadApprovals, loadMoreApprovals, setApprovalsFilter, selectRequest, navigate } = useStore(
    useShallow((s) => ({
      loadApprovals: s.loadApprovals,
      loadMoreApprovals: s.loadMoreApprovals,
      setApprovalsFilter: s.setApprovalsFilter,
      selectRequest: s.selectRequest,
      navigate: s.navigate,
    })),
  );
  const now = useNow(30_000);

  useEffect(() => {
    void loadApprovals();
  }, [loadApprovals]);
  useEffect(() => {
    void selectRequest(requestId ?? null);
  }, [requestId, selectRequest]);

  const open = useCallback((row: ChangeRequest) => navigate({ name: 'approvals', requestId: row.id }, { replace: true }), [navigate]);
  const rowKey = useCallback((row: ChangeRequest) => row.id, []);
  const cols = useMemo(() => columns(now, me, filter === 'all'), [now, me, filter]);

  let list: ReactElement;
  if (status === 'error' && error && items.length === 0) list = <ErrorState error={error} onRetry={() => void loadApprovals({ force: true })} />;
  else if ((status === 'loading' || status === 'idle') && items.length === 0) list = <LoadingState label="Loading requests…" />;
  else if (items.length === 0)
    list = (
      <EmptyState icon="inbox" title={filter === 'pending' ? 'Nothing waits for a decision' : 'No requests yet'}>
        {filter === 'pending' ? 'New requests appear here, and as a desktop notification.' : 'Rollout requests appear here once someone asks for one.'}
      </EmptyState>
    );
  else
    list = (
      <VirtualTable rows={items} columns={cols} rowKey={rowKey} label="Change requests" activeKey={selectedId} onActiveChange={(key) => navigate({ name: 'approvals', requestId: key }, { replace: true })} onOpen={open} rowHeight={52} />
    );

  return (
    <section className="page" aria-labelledby="approvals-title">
      <header className="page-header">
        <div className="page-title-row">
          <h1 id="approvals-title">Approvals</h1>
          <div className="segmented" role="group" aria-label="Show">
            <button type="button" aria-pressed={filter === 'pending'} onClick={() => setApprovalsFilter('pending')}>
              Pending
            </button>
            <button type="button" aria-pressed={filter === 'all'} onClick={() => setApprovalsFilter('all')}>
              All
            </button>
          </div>
          {status === 'loading' && items.length > 0 && <Spinner size={14} label="Refreshing" />}
          <span className="spacer" />
          <Button size="sm" variant="ghost" icon="refresh" onClick={() => void loadApprovals({ force: true })}>
            Refresh
          </Button>
        </div>
      </header>
      <div className="split">
        <div className="split-list">
          <div className="split-list-table">{list}</div>
          {nextCursor !== null && (
            <div className="list-footer">
              <Button size="sm" busy={loadingMore} onClick={() => void loadMoreApprovals()}>
                Load more
              </Button>
            </div>
          )}
        </div>
        <div className="split-detail">
          <RequestDetail />
        </div>
      </div>
    </section>
  );
}
