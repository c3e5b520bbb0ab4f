// The registry: every model with its type, active version, candidates,
// deployment (phase and traffic) and last gate; filter, search and sort in
// memory over the whole list, or by the BFF page by page for a registry too
// large to read whole (registry-slice.ts); virtualized either way.
import { useCallback, useEffect, useMemo, type ChangeEvent, type KeyboardEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelSummary } from '../../../../shared/api/models.js';
import { VersionStatus } from '../../../../shared/domain/model.js';
import { useStore } from '../../app/store.js';
import { formatInteger, formatTraffic } from '../../lib/format.js';
import { Badge, StatusBadge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { SearchBox } from '../../ui/SearchBox.js';
import { Callout, EmptyState, ErrorState } from '../../ui/States.js';
import { LoadingState, Spinner } from '../../ui/Spinner.js';
import { MiniTrafficBar } from '../../ui/TrafficBar.js';
import { VirtualTable, type Column } from '../../ui/VirtualTable.js';
import { describeError } from '../../lib/error-messages.js';
import { SERVER_SORT_KEYS, selectRegistryView } from './registry-slice.js';
import type { RegistryFilters, RegistrySortKey } from './registry-view.js';

const SORT_LABEL: Record<RegistrySortKey, string> = {
  name: 'Name',
  type: 'Type',
  active: 'Active version',
  phase: 'Deployment phase',
  versions: 'Version count',
  gate: 'Last gate (failed first)',
};

// Rows stay light (text glyphs, no SVG): a keystroke may bring 30 new rows on screen.
function lastGateOf(row: ModelSummary) {
  const gate = row.last_gate;
  if (!gate) return <Badge tone="neutral">No eval run</Badge>;
  if (gate.passed) {
    return (
      <Badge tone="good" title={`Last run of ${gate.version} passed its gate`}>
        ✓ Gate passed
      </Badge>
    );
  }
  const more = gate.failed_metrics.length > 1 ? ` +${gate.failed_metrics.length - 1}` : '';
  return (
    <Badge tone="bad" title={`Last run of ${gate.version}: ${gate.failed_metrics.join(', ')} failed`}>
      {`✕ Failed: ${gate.failed_metrics[0] ?? 'gate'}${more}`}
    </Badge>
  );
}

const COLUMNS: Array<Column<ModelSummary>> = [
  {
    id: 'name',
    header: 'Model',
    width: 'minmax(220px, 2.2fr)',
    sortKey: 'name',
    // The cell is the stack (no wrapper element per row); the second line is one text node, so a
    // row that shows another model updates one node, not three.
    cellClassName: 'cell-stack',
    render: (row) => (
      <>
        <span className="cell-title truncate">{row.model.name}</span>
        <span className="cell-sub truncate mono">{`${row.model.id} · ${row.model.owner}`}</span>
      </>
    ),
  },
  { id: 'type', header: 'Type', width: '104px', sortKey: 'type', render: (row) => <Badge tone="accent">{row.model.type}</Badge> },
  {
    id: 'active',
    header: 'Active',
    width: '92px',
    sortKey: 'active',
    render: (row) => (row.active_version ? <span className="mono">{row.active_version}</span> : <span className="faint">none</span>),
  },
  {
    id: 'candidates',
    header: 'Candidates',
    width: 'minmax(110px, 1fr)',
    render: (row) =>
      row.candidate_versions.length === 0 ? (
        <span className="faint">—</span>
      ) : (
        <span className="mono truncate" title={row.candidate_versions.join(', ')}>
          {row.candidate_versions.slice(0, 2).join(', ')}
          {row.candidate_versions.length > 2 && <span className="faint">{` +${row.candidate_versions.length - 2}`}</span>}
        </span>
      ),
  },
  {
    id: 'deployment',
    header: 'Deployment',
    width: 'minmax(170px, 1.2fr)',
    sortKey: 'phase',
    cellClassName: 'cell-deployment',
    render: (row) => (
      <>
        <StatusBadge status={row.deployment.phase} />
        <MiniTrafficBar
          className="cell-traffic"
          stableVersion={row.deployment.stable_version}
          canaryVersion={row.deployment.canary_version}
          canaryPct={row.deployment.canary_pct}
        />
        <span className="num faint cell-pct">{row.deployment.canary_version ? formatTraffic(row.deployment.canary_pct) : ''}</span>
      </>
    ),
  },
  { id: 'gate', header: 'Last gate', width: 'minmax(200px, 1.4fr)', sortKey: 'gate', render: lastGateOf },
  { id: 'versions', header: 'Versions', width: '76px', align: 'end', sortKey: 'versions', cellClassName: 'num', render: (row) => formatInteger(row.version_count) },
];

/** Server mode: only the orders the BFF offers are sortable. */
const SERVER_COLUMNS: Array<Column<ModelSummary>> = COLUMNS.map(({ sortKey, ...column }) =>
  sortKey && SERVER_SORT_KEYS[sortKey as RegistrySortKey] ? { ...column, sortKey } : column,
);
const SORT_KEYS = Object.keys(SORT_LABEL) as RegistrySortKey[];
const SERVER_SORT_OPTIONS = SORT_KEYS.filter((key) => SERVER_SORT_KEYS[key]);

/** From the search box, ArrowDown or Enter moves to the list. */
function onSearchKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
  if (event.key === 'ArrowDown' || event.key === 'Enter') {
    event.preventDefault();
    document.querySelector<HTMLElement>('.page [role="grid"]')?.focus();
  }
}

export function RegistryScreen(): ReactElement {
  const { mode, status, error, complete, loadingMore, filters, sort, activeId, total, types, typeCounts } = useStore(
    useShallow((s) => ({
      mode: s.registry.mode,
      status: s.registry.status,
      error: s.registry.error,
      complete: s.registry.complete,
      loadingMore: s.registry.loadingMore,
      filters: s.registry.filters,
      sort: s.registry.sort,
      activeId: s.registry.activeId,
      total: s.registry.rows.length,
      types: s.registry.types,
      typeCounts: s.registry.typeCounts,
    })),
  );
  const rows = useStore(selectRegistryView);
  const { loadRegistry, loadMoreRegistry, setRegistryFilters, setRegistrySort, setRegistryActive, navigate } = useStore(
    useShallow((s) => ({
      loadRegistry: s.loadRegistry,
      loadMoreRegistry: s.loadMoreRegistry,
      setRegistryFilters: s.setRegistryFilters,
      setRegistrySort: s.setRegistrySort,
      setRegistryActive: s.setRegistryActive,
      navigate: s.navigate,
    })),
  );
  const server = mode === 'server';
  const onNearEnd = useCallback(() => void loadMoreRegistry(), [loadMoreRegistry]);
  const onSort = useCallback((key: string) => setRegistrySort(key as RegistrySortKey), [setRegistrySort]);

  useEffect(() => {
    void loadRegistry();
  }, [loadRegistry]);

  const open = useCallback((row: ModelSummary) => navigate({ name: 'model', modelId: row.model.id, tab: 'overview' }), [navigate]);
  const onActive = useCallback((key: string) => setRegistryActive(key), [setRegistryActive]);
  const rowKey = useCallback((row: ModelSummary) => row.model.id, []);
  const filtered = filters.text !== '' || filters.type !== '' || filters.status !== '';
  // Stable handlers: React writes a changed onClick to its element (element.onclick), on every keystroke's render.
  const clear = useCallback(() => setRegistryFilters({ text: '', type: '', status: '' }), [setRegistryFilters]);
  const refresh = useCallback(() => void loadRegistry({ force: true }), [loadRegistry]);
  const reverse = useCallback(() => setRegistrySort(useStore.getState().registry.sort.key), [setRegistrySort]);
  // A controlled <select> whose props changed is written back option by option (React's updateOptions),
  // and an input's too: with new closures on every render each keystroke rewrote all three selects.
  const onSearchChange = useCallback((text: string) => setRegistryFilters({ text }), [setRegistryFilters]);
  const onTypeChange = useCallback((event: ChangeEvent<HTMLSelectElement>) => setRegistryFilters({ type: event.target.value }), [setRegistryFilters]);
  const onStatusChange = useCallback(
    (event: ChangeEvent<HTMLSelectElement>) => setRegistryFilters({ status: event.target.value as RegistryFilters['status'] }),
    [setRegistryFilters],
  );
  const onSortChange = useCallback((event: ChangeEvent<HTMLSelectElement>) => setRegistrySort(event.target.value as RegistrySortKey), [setRegistrySort]);
  const description = useMemo(() => (error ? describeError(error) : null), [error]);

  // The same element while only the toolbar changed (a keystroke waiting for the BFF): React then
  // skips the table. Kept mounted while nothing matches, so the next match patches rows instead of
  // building a table.
  const table = useMemo(
    () => (
      <VirtualTable
        rows={rows}
        columns={server ? SERVER_COLUMNS : COLUMNS}
        rowKey={rowKey}
        label="Models"
        activeKey={activeId}
        onActiveChange={onActive}
        onOpen={open}
        openOnClick
        sort={sort}
        onSort={onSort}
        rowHeight={52}
        hidden={rows.length === 0}
        {...(server ? { onNearEnd } : {})}
      />
    ),
    [rows, server, rowKey, activeId, onActive, open, sort, onSort, onNearEnd],
  );

  let body: ReactElement;
  if (total === 0 && (status === 'loading' || status === 'idle')) body = <LoadingState label="Loading the registry…" />;
  else if (total === 0 && status === 'error' && error) body = <ErrorState error={error} onRetry={() => void loadRegistry({ force: true })} />;
  else if (total === 0 && !(server && filtered)) body = <EmptyState icon="layers" title="No models are registered yet">Models appear here once they are created in the BFF.</EmptyState>;
  else
    body = (
      <>
        {rows.length === 0 && (
          <EmptyState icon="search" title="No models match" action={<Button size="sm" onClick={clear}>Clear filters</Button>}>
            Nothing matches {filters.text ? <>“{filters.text}”</> : 'these filters'}
            {!server && !complete && ' in the models loaded so far'}.
          </EmptyState>
        )}
        {table}
      </>
    );

  // Local: "12 of 40 models"; server: what has been read of the answer ("500+ models": more as the list scrolls).
  let count: string;
  // Nothing read yet, or a search that failed: no count rather than "0 models" or "0+".
  if (total === 0 && (status === 'loading' || status === 'idle' || status === 'error')) count = '';
  else if (server) count = `${formatInteger(rows.length)}${complete ? '' : '+'} ${filtered ? 'matching models' : 'models'}`;
  else count = `${rows.length === total ? formatInteger(total) : `${formatInteger(rows.length)} of ${formatInteger(total)}`} models`;
  const busy = status === 'loading';

  return (
    <section className="page" aria-labelledby="registry-title">
      <header className="page-header">
        <div className="page-title-row">
          <h1 id="registry-title">Registry</h1>
          <span
            className="page-count num"
            aria-live="polite"
            title={server ? 'A large registry: search, filters and sort run on the server, and more rows are read as you scroll' : undefined}
          >
            {count}
            {((status === 'loading' && !server) || loadingMore) && total > 0 && (
              <>
                {' '}
                · <Spinner size={12} label="" /> loading more
              </>
            )}
            {/*
              Words, not a spinner: an animation would repaint every frame while the BFF answers a
              keystroke. Always the same text node, its text changed: inserting and removing a node
              on every keystroke cost more than the rest of the header's update.
            */}
            {server ? <span>{status === 'loading' && total > 0 ? ' · searching…' : ''}</span> : null}
          </span>
          <span className="spacer" />
          <Button size="sm" variant="ghost" icon="refresh" onClick={refresh} disabled={status === 'loading' && !server}>
            Refresh
          </Button>
        </div>
        <div className="toolbar" role="search">
          <SearchBox
            label="Search models"
            placeholder="Search name, id, owner, tag, version"
            value={filters.text}
            onChange={onSearchChange}
            onKeyDown={onSearchKeyDown}
          />
          <label className="toolbar-field">
            <span>Type</span>
            <select value={filters.type} onChange={onTypeChange}>
              <option value="">All types</option>
              {types.map((type) => (
                <option key={type} value={type}>
                  {/* Server mode: how many models the type has, as the BFF counted them. */}
                  {typeCounts[type] === undefined ? type : `${type} (${formatInteger(typeCounts[type])})`}
                </option>
              ))}
            </select>
          </label>
          <label className="toolbar-field">
            <span>Has a version</span>
            <select value={filters.status} onChange={onStatusChange}>
              <option value="">Any status</option>
              {VersionStatus.options.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </label>
          <label className="toolbar-field">
            <span>Sort</span>
            <select value={sort.key} onChange={onSortChange}>
              {(server ? SERVER_SORT_OPTIONS : SORT_KEYS).map((key) => (
                <option key={key} value={key}>
                  {SORT_LABEL[key]}
                </option>
              ))}
            </select>
          </label>
          <Button size="sm" variant="ghost" icon={sort.dir === 'asc' ? 'arrowUp' : 'arrowDown'} onClick={reverse} title="Reverse the order">
            {sort.dir === 'asc' ? 'Ascending' : 'Descending'}
          </Button>
          {filtered && (
            <Button size="sm" variant="ghost" onClick={clear}>
              Clear
            </Button>
          )}
        </div>
      </header>
      {status === 'error' && total > 0 && description && (
        <div className="page-banner">
          <Callout tone="bad" role="alert">
            <strong>{server ? 'The registry could not be read from the server.' : 'Only part of the registry loaded.'}</strong> {description.title} {description.detail}{' '}
            <button type="button" className="link-button" onClick={refresh}>
              Try again
            </button>
          </Callout>
        </div>
      )}
      <div className="page-fill" aria-busy={busy}>
        {body}
      </div>
    </section>
  );
}
