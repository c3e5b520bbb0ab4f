// A model's versions: every registry field in a virtualized, filterable table;
// for a model with many versions, searched and paged by the BFF (model-detail-slice.ts).
import { useCallback, useMemo, type ChangeEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelVersion } from '../../../../shared/domain/model.js';
import { VersionStatus } from '../../../../shared/domain/model.js';
import { useStore } from '../../app/store.js';
import { formatCalendarDate, formatDate, formatInteger } from '../../lib/format.js';
import { StatusBadge } from '../../ui/Badge.js';
import { QuickCopyButton } from '../../ui/CopyButton.js';
import { SearchBox } from '../../ui/SearchBox.js';
import { Callout, EmptyState, ErrorState } from '../../ui/States.js';
import { LoadingState } from '../../ui/Spinner.js';
import { fittedTableHeight, VirtualTable, type Column } from '../../ui/VirtualTable.js';
import { selectVisibleVersions } from './model-detail-slice.js';

const announceCopy = (copied: boolean) =>
  useStore.getState().pushToast(copied ? { tone: 'success', title: 'Artifact URI copied' } : { tone: 'error', title: 'Could not copy to the clipboard' });

const optional = (value: number | undefined) => (value === undefined ? <span className="faint">—</span> : <span className="num">{formatInteger(value)}</span>);

const COLUMNS: Array<Column<ModelVersion>> = [
  { id: 'version', header: 'Version', width: 'minmax(84px, 0.8fr)', render: (v) => <span className="mono cell-title">{v.version}</span> },
  { id: 'status', header: 'Status', width: '92px', render: (v) => <StatusBadge status={v.status} /> },
  { id: 'created', header: 'Created', width: '100px', render: (v) => <span className="num" title={`${v.created_at} by ${v.created_by}`}>{formatDate(v.created_at)}</span> },
  {
    id: 'artifact',
    header: 'Artifact URI',
    width: 'minmax(180px, 2fr)',
    render: (v) => (
      <>
        <span className="mono truncate" title={v.artifact_uri}>
          {v.artifact_uri}
        </span>
        <QuickCopyButton value={v.artifact_uri} label={`Copy artifact URI of ${v.version}`} onCopied={announceCopy} />
      </>
    ),
  },
  { id: 'device', header: 'Device', width: '62px', render: (v) => <span className="mono">{v.runtime.device}</span> },
  { id: 'batch', header: 'Max batch', width: '80px', align: 'end', render: (v) => optional(v.runtime.max_batch) },
  { id: 'len', header: 'Max length', width: '84px', align: 'end', render: (v) => optional(v.runtime.max_len) },
  {
    id: 'framework',
    header: 'Framework',
    width: 'minmax(96px, 0.9fr)',
    render: (v) => (
      <span className="truncate">
        {v.framework} <span className="faint">· {v.export_format}</span>
      </span>
    ),
  },
  { id: 'supported', header: 'Supported until', width: '128px', render: (v) => <span className="num">{formatCalendarDate(v.supported_until)}</span> },
];

const mutedIfDeprecated = (v: ModelVersion) => (v.status === 'deprecated' ? 'is-muted' : undefined);

export function VersionsTable({ selected, onSelect }: { selected: string | null; onSelect: (version: string) => void }): ReactElement {
  const versions = useStore(selectVisibleVersions);
  const { filters, server, total, pageStatus, pageError, more, loadingMore } = useStore(
    useShallow((s) => {
      const detail = s.modelDetail;
      const server = detail.versionsMode === 'server';
      return {
        filters: detail.versionFilters,
        server,
        total: server ? (detail.data?.versions.length ?? 0) : detail.versionsIndex.ordered.length,
        pageStatus: detail.versionPages.status,
        pageError: detail.versionPages.error,
        more: detail.versionPages.nextCursor !== null,
        loadingMore: detail.versionPages.loadingMore,
      };
    }),
  );
  const setVersionFilters = useStore((s) => s.setVersionFilters);
  const loadVersionPage = useStore((s) => s.loadVersionPage);
  const rowKey = useCallback((v: ModelVersion) => v.version, []);
  const onActive = useCallback((key: string) => onSelect(key), [onSelect]);
  // Stable: an input or a controlled select whose props changed is written back on each render.
  const onSearchChange = useCallback((text: string) => setVersionFilters({ text }), [setVersionFilters]);
  const onStatusChange = useCallback(
    (event: ChangeEvent<HTMLSelectElement>) => setVersionFilters({ status: event.target.value as VersionStatus | '' }),
    [setVersionFilters],
  );
  const onNearEnd = useCallback(() => void loadVersionPage({ more: true }), [loadVersionPage]);
  const filtered = filters.text.trim() !== '' || filters.status !== '';

  let count: string;
  // Server: what has been read of the answer ("50+ of 100,000 versions": more as the table scrolls).
  if (server) count = `${formatInteger(versions.length)}${more ? '+' : ''} ${filtered ? 'matching, ' : ''}of ${formatInteger(total)} versions`;
  else count = versions.length === total ? `${formatInteger(total)} versions` : `${formatInteger(versions.length)} of ${formatInteger(total)}`;

  // Kept mounted (hidden) while nothing matches or a search is on its way: the next rows patch the
  // table's elements instead of building a table, its virtualizer and their layout again.
  const table = useMemo(
    () => (
      <VirtualTable
        rows={versions}
        columns={COLUMNS}
        rowKey={rowKey}
        label="Versions"
        activeKey={selected}
        onActiveChange={onActive}
        rowHeight={40}
        rowClassName={mutedIfDeprecated}
        hidden={versions.length === 0}
        {...(server ? { onNearEnd } : {})}
      />
    ),
    [versions, rowKey, selected, onActive, server, onNearEnd],
  );
  let state: ReactElement | null = null;
  if (versions.length === 0) {
    if (server && (pageStatus === 'loading' || pageStatus === 'idle')) state = <LoadingState label="Searching the versions…" />;
    else if (server && pageStatus === 'error' && pageError) state = <ErrorState error={pageError} onRetry={() => void loadVersionPage()} />;
    else state = <EmptyState icon="search" title="No versions match" />;
  }
  const body =
    total === 0 ? (
      <EmptyState icon="layers" title="No versions yet">
        Register the first version of this model.
      </EmptyState>
    ) : (
      <>
        {state}
        {table}
      </>
    );

  return (
    <div className="versions">
      <div className="toolbar toolbar-tight" role="search">
        <SearchBox
          label="Search versions"
          placeholder="Search version, URI, framework"
          value={filters.text}
          onChange={onSearchChange}
        />
        <label className="toolbar-field">
          <span>Status</span>
          <select value={filters.status} onChange={onStatusChange}>
            <option value="">All</option>
            {VersionStatus.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <span className="muted num" title={server ? 'Many versions: search and the status filter run on the server, and more rows are read as you scroll' : undefined}>
          {count}
          {/* Words, not a spinner (an animation would repaint every frame while the BFF answers), in a node kept from key to key. */}
          {server ? <span>{(pageStatus === 'loading' || loadingMore) && versions.length > 0 ? ' · searching…' : ''}</span> : null}
        </span>
      </div>
      {server && pageStatus === 'error' && pageError && versions.length > 0 && (
        <Callout tone="bad" role="alert">
          <strong>The next versions could not be read.</strong> {pageError.message}{' '}
          <button type="button" className="link-button" onClick={() => void loadVersionPage({ more: true })}>
            Try again
          </button>
        </Callout>
      )}
      <div className="versions-table" aria-busy={server && pageStatus === 'loading'} style={{ height: fittedTableHeight(versions.length, 40, 282) }}>
        {body}
      </div>
    </div>
  );
}
