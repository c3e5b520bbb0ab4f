// The audit log: filter by actor, action and model, page through it, read an
// entry in full, and verify the hash chain end to end.
import { useCallback, useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { AUDIT_ACTIONS, type AuditEntry } from '../../../../shared/domain/audit.js';
import type { AuditVerifyResponse } from '../../../../shared/api/audit.js';
import { useStore } from '../../app/store.js';
import { formatDateTime, formatInteger, formatRelative } from '../../lib/format.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { Icon } from '../../ui/Icon.js';
import { JsonTree } from '../../ui/JsonTree.js';
import { Callout, EmptyState, ErrorState, InlineError } from '../../ui/States.js';
import { LoadingState, Spinner } from '../../ui/Spinner.js';
import { VirtualTable, type Column } from '../../ui/VirtualTable.js';
import { describeEntry } from './audit-describe.js';
import type { AuditFilters } from './audit-slice.js';

const COLUMNS: Array<Column<AuditEntry>> = [
  { id: 'seq', header: '#', width: '52px', align: 'end', render: (e) => <span className="num faint">{formatInteger(e.seq)}</span> },
  { id: 'at', header: 'When', width: '176px', render: (e) => <span className="num" title={e.at}>{formatDateTime(e.at)}</span> },
  { id: 'actor', header: 'Actor', width: '88px', render: (e) => <span className="truncate" title={e.actor}>{e.actor}</span> },
  { id: 'action', header: 'Action', width: '140px', render: (e) => <span className="mono truncate">{e.action}</span> },
  // A narrow pane clips the summary: the whole sentence is in its tooltip and in the entry's pane.
  { id: 'summary', header: 'Summary', width: 'minmax(160px, 1fr)', render: (e) => <SummaryCell entry={e} /> },
];

function SummaryCell({ entry }: { entry: AuditEntry }) {
  const title = describeEntry(entry).title;
  return (
    <span className="truncate" title={title}>
      {title}
    </span>
  );
}

/** The headline and the sentence for a chain that does not verify, by the BFF's (or the console's) code. */
function chainProblem(result: AuditVerifyResponse | null): [string, string] {
  const entries = formatInteger(result?.entries ?? 0);
  const known = result?.known ? `entry #${formatInteger(result.known.seq)}` : 'the newest entry seen before';
  switch (result?.code) {
    case 'truncated':
      return ['Log truncated', `${known}, which this console saw signed earlier, is gone: entries were deleted from the end of the log (${entries} entries now).`];
    case 'forked':
      return ['Log rewritten (forked)', `${known} differs from the one this console saw signed earlier: the log was edited and re-chained (${entries} entries).`];
    case 'head_signature_invalid':
      return ['Audit head not trusted', "the BFF's signed audit head does not verify with the keys pinned for this BFF; it was not pinned."];
    default:
      return [`Chain broken at entry #${result?.first_bad_seq ?? '?'}`, `the log was altered at or after this entry (${entries} entries).`];
  }
}

function ChainStatus(): ReactElement {
  const verify = useStore(useShallow((s) => s.audit.verify));
  const verifyAudit = useStore((s) => s.verifyAudit);
  useEffect(() => {
    if (verify.status === 'idle') void verifyAudit();
  }, [verify.status, verifyAudit]);
  let content: ReactElement;
  if (verify.status === 'loading' || verify.status === 'idle') content = <span className="row"><Spinner size={14} label="" /> Verifying the hash chain…</span>;
  else if (verify.status === 'error' && verify.error) content = <InlineError error={verify.error} />;
  else if (verify.result?.ok)
    content = (
      <span className="chain-ok">
        <Icon name="shield" /> <strong>Chain verified</strong>{' '}
        <span className="muted">
          {formatInteger(verify.result.entries)} entries, first to last{verify.at ? ` · checked ${formatRelative(verify.at)}` : ''}
        </span>
      </span>
    );
  else {
    const [title, explanation] = chainProblem(verify.result);
    content = (
      <span className="chain-bad" role="alert">
        <Icon name="warning" /> <strong>{title}</strong> <span>— {explanation}</span>
      </span>
    );
  }
  return (
    <div className={`chain-status${verify.result && !verify.result.ok ? ' is-bad' : ''}`}>
      {content}
      <span className="spacer" />
      <Button size="sm" variant="ghost" icon="refresh" onClick={() => void verifyAudit()} disabled={verify.status === 'loading'}>
        Verify again
      </Button>
    </div>
  );
}

function EntryDetail({ entry }: { entry: AuditEntry | null }): ReactElement {
  if (!entry) return <EmptyState icon="scroll" title="Select an entry">Its details, target and hashes appear here.</EmptyState>;
  const described = describeEntry(entry);
  return (
    <article className="audit-entry" aria-labelledby="entry-title">
      <h2 id="entry-title">
        #{formatInteger(entry.seq)} <span className="mono">{entry.action}</span>
      </h2>
      <p>{described.title}</p>
      {described.detail && <p className="muted">{described.quoted ? `“${described.detail}”` : described.detail}</p>}
      <dl className="kv">
        <dt>When</dt>
        <dd>{formatDateTime(entry.at)}</dd>
        <dt>Actor</dt>
        <dd>{entry.actor}</dd>
        <dt>Target</dt>
        <dd className="mono">{entry.target}</dd>
        <dt>Hash</dt>
        <dd>
          <span className="mono truncate">{entry.hash}</span>
          <CopyButton value={entry.hash} label="Copy hash" />
        </dd>
        <dt>Previous hash</dt>
        <dd>
          <span className="mono truncate">{entry.prev_hash}</span>
        </dd>
      </dl>
      <JsonTree value={entry.details} label="Details" openDepth={2} />
    </article>
  );
}

export function AuditScreen(): ReactElement {
  const { status, error, items, cursors, nextCursor, filters } = useStore(
    useShallow((s) => ({ status: s.audit.status, error: s.audit.error, items: s.audit.items, cursors: s.audit.cursors, nextCursor: s.audit.nextCursor, filters: s.audit.filters })),
  );
  const { loadAudit, setAuditFilters, nextAuditPage, previousAuditPage } = useStore(
    useShallow((s) => ({ loadAudit: s.loadAudit, setAuditFilters: s.setAuditFilters, nextAuditPage: s.nextAuditPage, previousAuditPage: s.previousAuditPage })),
  );
  const [draft, setDraft] = useState<AuditFilters>(filters);
  const [selected, setSelected] = useState<number | null>(null);

  useEffect(() => {
    void loadAudit();
  }, [loadAudit]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setSelected(null);
    setAuditFilters(draft);
  };
  const clear = () => {
    const empty = { actor: '', action: '', model_id: '' };
    setDraft(empty);
    setSelected(null);
    setAuditFilters(empty);
  };
  const rowKey = useCallback((e: AuditEntry) => String(e.seq), []);
  const onActive = useCallback((key: string) => setSelected(Number(key)), []);
  const filtered = filters.actor !== '' || filters.action !== '' || filters.model_id !== '';
  const entry = items.find((e) => e.seq === selected) ?? null;
  const page = cursors.length;

  let list: ReactElement;
  if (status === 'error' && error) list = <ErrorState error={error} onRetry={() => void loadAudit({ force: true })} />;
  else if ((status === 'loading' || status === 'idle') && items.length === 0) list = <LoadingState label="Loading the audit log…" />;
  else if (items.length === 0)
    list = (
      <EmptyState icon="search" title={filtered ? 'No entries match' : 'The audit log is empty'} action={filtered ? <Button size="sm" onClick={clear}>Clear filters</Button> : undefined} />
    );
  else list = <VirtualTable rows={items} columns={COLUMNS} rowKey={rowKey} label="Audit entries" activeKey={selected === null ? null : String(selected)} onActiveChange={onActive} rowHeight={38} />;

  return (
    <section className="page" aria-labelledby="audit-title">
      <header className="page-header">
        <div className="page-title-row">
          <h1 id="audit-title">Audit log</h1>
          <span className="spacer" />
        </div>
        <ChainStatus />
        <form className="toolbar" role="search" onSubmit={apply}>
          <label className="toolbar-field">
            <span>Actor</span>
            <input type="search" data-search-target value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="user name" maxLength={64} />
          </label>
          <label className="toolbar-field">
            <span>Action</span>
            <input type="search" list="audit-actions" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="e.g. rollout.dispatched" maxLength={64} className="input-wide" />
          </label>
          <datalist id="audit-actions">
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
          <label className="toolbar-field">
            <span>Model</span>
            <input type="search" value={draft.model_id} onChange={(e) => setDraft({ ...draft, model_id: e.target.value })} placeholder="model id" maxLength={64} />
          </label>
          <Button type="submit" size="sm" variant="primary">
            Apply
          </Button>
          {filtered && (
            <Button size="sm" variant="ghost" onClick={clear}>
              Clear
            </Button>
          )}
          {filtered && <Badge tone="accent">filtered</Badge>}
        </form>
      </header>
      {status === 'error' && error && items.length > 0 && (
        <div className="page-banner">
          <Callout tone="bad">The page could not be loaded; showing the previous one.</Callout>
        </div>
      )}
      <div className="split split-wide">
        <div className="split-list">
          <div className="split-list-table">{list}</div>
          <div className="list-footer pager">
            <Button size="sm" icon="chevronLeft" onClick={() => void previousAuditPage()} disabled={page <= 1 || status === 'loading'}>
              Newer
            </Button>
            <span className="muted num">
              Page {formatInteger(page)}
              {status === 'loading' && items.length > 0 && <Spinner size={12} label="Loading page" />}
            </span>
            <Button size="sm" onClick={() => void nextAuditPage()} disabled={nextCursor === null || status === 'loading'}>
              Older
              <Icon name="chevronRight" size={14} />
            </Button>
          </div>
        </div>
        <div className="split-detail">
          <EntryDetail entry={entry} />
        </div>
      </div>
    </section>
  );
}
