// A virtualized, keyboard-driven table (ARIA grid): only the rows in view are
// in the DOM, so 100,000 rows cost the same as 30. Arrows or j/k move, Home/End
// and PageUp/PageDown jump, Enter opens. Row geometry is set through the CSSOM
// (React style props), which the page's CSP allows without 'unsafe-inline'.
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import { Icon } from './Icon.js';

export type Column<T> = {
  id: string;
  header: ReactNode;
  /** A CSS grid track, e.g. "minmax(140px, 2fr)" or "96px". */
  width: string;
  render: (row: T) => ReactNode;
  align?: 'start' | 'end' | 'center';
  /**
   * Extra classes for the column's body cells: the cell itself then lays out its content (a
   * stack of two lines, a row of parts), instead of a wrapper element in every row.
   */
  cellClassName?: string;
  /** Set on sortable columns: the key handed to onSort. */
  sortKey?: string;
};

/**
 * The rows of a table: an array, or anything indexable like one. A filtered
 * view of 100,000 rows need not copy them into a new array on every keystroke.
 */
export type RowSource<T> = { readonly length: number; at(index: number): T | undefined };

export type VirtualTableProps<T> = {
  rows: RowSource<T>;
  columns: ReadonlyArray<Column<T>>;
  rowKey: (row: T) => string;
  label: string;
  activeKey: string | null;
  onActiveChange: (key: string, row: T) => void;
  /** Enter, double-click (or a click with openOnClick). */
  onOpen?: (row: T) => void;
  openOnClick?: boolean;
  sort?: { key: string; dir: 'asc' | 'desc' };
  onSort?: (key: string) => void;
  rowHeight?: number;
  className?: string;
  /** Extra classes for a row (e.g. its status). */
  rowClassName?: (row: T) => string | undefined;
  /** Called when a row within NEAR_END rows of the last one is rendered: a paged source reads on. */
  onNearEnd?: () => void;
  /**
   * Hidden but kept mounted (e.g. while a filter matches nothing and an empty state shows
   * instead): the next match then patches the rows instead of building the table again.
   */
  hidden?: boolean;
};

/** How close to the last row the view gets before onNearEnd asks for more. */
const NEAR_END = 25;

const HEADER_HEIGHT = 34;
/** Few rows beyond the viewport: each one costs layout and paint on every re-filter. */
const OVERSCAN = 2;

/** Height for a table of `rows` rows, capped at `max`: a short list does not leave a blank panel. */
export function fittedTableHeight(rows: number, rowHeight: number, max: number): number {
  return Math.min(max, HEADER_HEIGHT + Math.max(rows, 2) * rowHeight + 2);
}

export function VirtualTable<T>({
  rows,
  columns,
  rowKey,
  label,
  activeKey,
  onActiveChange,
  onOpen,
  openOnClick = false,
  sort,
  onSort,
  rowHeight = 40,
  className,
  rowClassName,
  onNearEnd,
  hidden = false,
}: VirtualTableProps<T>): ReactElement {
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  // rowKey is a pure accessor: a new closure on each render must not trigger a rescan of 100,000 rows.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const activeIndex = useMemo(() => (activeKey === null ? -1 : indexOfKey(rows, rowKey, activeKey)), [rows, activeKey]);

  // The build runs no React Compiler, so there is no memoization for this warning to protect.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: OVERSCAN,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    // Before the first measurement (and under jsdom, which has no layout) assume a typical viewport.
    initialRect: { width: 1000, height: 600 },
  });

  const moveTo = useCallback(
    (index: number) => {
      if (rows.length === 0) return;
      const clamped = Math.max(0, Math.min(rows.length - 1, index));
      const row = rows.at(clamped)!;
      onActiveChange(rowKey(row), row);
      virtualizer.scrollToIndex(clamped, { align: 'auto' });
    },
    [rows, rowKey, onActiveChange, virtualizer],
  );

  // Keep the active row in view when it changes from outside (e.g. a notification selecting a request).
  const lastScrolled = useRef<number>(-1);
  useEffect(() => {
    if (activeIndex >= 0 && activeIndex !== lastScrolled.current) {
      lastScrolled.current = activeIndex;
      virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
    }
  }, [activeIndex, virtualizer]);

  const pageSize = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 600) - HEADER_HEIGHT) / rowHeight) - 1);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const from = activeIndex < 0 ? -1 : activeIndex;
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        moveTo(from + 1);
        break;
      case 'ArrowUp':
      case 'k':
        moveTo(from < 0 ? 0 : from - 1);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'PageDown':
        moveTo(from + pageSize);
        break;
      case 'PageUp':
        moveTo(from - pageSize);
        break;
      case 'Enter':
        if (activeIndex >= 0 && onOpen) onOpen(rows.at(activeIndex)!);
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  };

  /**
   * Clicks are handled once, on the body, for the row they land in: a handler per row would be a
   * new closure on each render, and React writes every changed handler prop to its element, so a
   * re-filter paid a DOM write per row in view even for the rows that did not change.
   */
  const rowAt = (target: EventTarget): [string, T] | null => {
    const element = (target as HTMLElement).closest?.('[role="row"][aria-rowindex]');
    const index = element ? Number(element.getAttribute('aria-rowindex')) - 2 : -1;
    const row = index >= 0 ? rows.at(index) : undefined;
    return row === undefined ? null : [rowKey(row), row];
  };
  const onBodyClick = (event: MouseEvent<HTMLDivElement>) => {
    const hit = rowAt(event.target);
    if (!hit) return;
    onActiveChange(hit[0], hit[1]);
    scroller.current?.focus({ preventScroll: true });
    if (openOnClick && onOpen) onOpen(hit[1]);
  };
  const onBodyDoubleClick = (event: MouseEvent<HTMLDivElement>) => {
    const hit = rowAt(event.target);
    if (hit) onOpen?.(hit[1]);
  };

  // eslint-disable-next-line react-hooks/exhaustive-deps -- a new columns array with the same widths gives the same style
  const gridStyle = useMemo(() => tableGeometry(columns), [columns.map((c) => c.width).join(' ')]);
  const items = virtualizer.getVirtualItems();
  // Slots: at least as many as rows the viewport can ever hold, and fixed for a given height, so
  // that a result of 3 rows, then one of 30, keeps the first rows' elements (keyed by
  // index % items.length, every slot would change key whenever the count of rows in view did).
  const viewportRows = Math.ceil((scroller.current?.clientHeight ?? 600) / rowHeight) + 2 * OVERSCAN + 2;
  const slots = Math.max(items.length, viewportRows);
  const lastRendered = items.length > 0 ? items[items.length - 1]!.index : -1;
  const nearEnd = lastRendered >= 0 && lastRendered >= rows.length - NEAR_END;
  useEffect(() => {
    if (nearEnd) onNearEnd?.();
  }, [nearEnd, rows.length, onNearEnd]);

  return (
    <div
      ref={scroller}
      className={`vtable${hasFixedMinimum(gridStyle) ? ' has-fixed-min' : ''}${className ? ` ${className}` : ''}`}
      style={gridStyle}
      hidden={hidden}
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-activedescendant={activeIndex >= 0 ? `${id}-r${activeIndex}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={(event) => {
        if (event.target === event.currentTarget && activeIndex < 0 && rows.length > 0) moveTo(0);
      }}
    >
      <HeaderRow columns={columns} sort={sort} onSort={onSort} />
      <div className="vtable-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }} onClick={onBodyClick} onDoubleClick={onBodyDoubleClick}>
        {items.map((item) => {
          const row = rows.at(item.index)!;
          const active = item.index === activeIndex;
          const extra = rowClassName?.(row);
          return (
            <div
              // Keyed by slot, not by row: when the rows under the window change (a keystroke in the
              // search box, a scroll), React patches the existing row elements instead of removing
              // and creating them, and a slot that keeps its row is not re-rendered at all.
              key={item.index % slots}
              id={`${id}-r${item.index}`}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={active}
              className={`vtable-row${active ? ' is-active' : ''}${extra ? ` ${extra}` : ''}`}
              style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)`, height: rowHeight }}
            >
              <RowCells row={row} columns={columns} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

type HeaderRowProps<T> = Pick<VirtualTableProps<T>, 'columns' | 'sort' | 'onSort'>;

/** The header; rendered again only when the columns or the order change (not on every re-filter). */
const HeaderRow = memo(function HeaderRow<T>({ columns, sort, onSort }: HeaderRowProps<T>): ReactElement {
  return (
    <div className="vtable-header" role="row" aria-rowindex={1}>
      {columns.map((column) => {
        const sorted = sort && column.sortKey === sort.key;
        return (
          <div
            key={column.id}
            role="columnheader"
            className={`vtable-cell align-${column.align ?? 'start'}`}
            aria-sort={sorted ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
          >
            {column.sortKey && onSort ? (
              <button type="button" className="vtable-sort" tabIndex={-1} data-sort-key={column.sortKey} onClick={sortClicked}>
                {column.header}
                {sorted && <Icon name={sort.dir === 'asc' ? 'arrowUp' : 'arrowDown'} size={12} />}
              </button>
            ) : (
              column.header
            )}
          </div>
        );
      })}
    </div>
  );

  function sortClicked(event: MouseEvent<HTMLButtonElement>): void {
    const key = event.currentTarget.dataset.sortKey;
    if (key) onSort?.(key);
  }
}) as <T>(props: HeaderRowProps<T>) => ReactElement;

type RowCellsProps<T> = { row: T; columns: ReadonlyArray<Column<T>> };

/** A row's cells; re-rendered only when its row (or the columns) change. */
const RowCells = memo(function RowCells<T>({ row, columns }: RowCellsProps<T>): ReactElement {
  return (
    <>
      {columns.map((column) => (
        <div key={column.id} role="gridcell" className={`vtable-cell align-${column.align ?? 'start'}${column.cellClassName ? ` ${column.cellClassName}` : ''}`}>
          {column.render(row)}
        </div>
      ))}
    </>
  );
}) as <T>(props: RowCellsProps<T>) => ReactElement;

/**
 * The columns as CSS custom properties: the grid tracks, and the row's narrowest width. When
 * every track has a fixed minimum ("96px", "minmax(140px, 2fr)"), that width is known without
 * laying out any cell, so rows get size containment (ui.css, .vtable.has-fixed-min): each row is
 * then a relayout boundary, and new text in one row lays out that row alone. Otherwise rows are
 * as wide as their content needs (min-content).
 */
function tableGeometry<T>(columns: ReadonlyArray<Column<T>>): CSSProperties {
  const minimums = columns.map((column) => /^(?:minmax\(\s*)?(\d+(?:\.\d+)?)px\b/.exec(column.width)?.[1]);
  const fixed = minimums.every((value) => value !== undefined);
  const sum = minimums.reduce((total, value) => total + Number(value ?? 0), 0);
  return {
    '--vtable-columns': columns.map((column) => column.width).join(' '),
    '--vtable-min-width': fixed ? `calc(${sum}px + ${Math.max(0, columns.length - 1)} * var(--space-3) + 2 * var(--space-4))` : 'min-content',
  } as CSSProperties;
}

/** Rows may be size-contained when their narrowest width does not depend on their content. */
function hasFixedMinimum(style: CSSProperties): boolean {
  return (style as Record<string, string>)['--vtable-min-width'] !== 'min-content';
}

// Linear, but only when the active key changes or rows are refiltered; never per row rendered.
function indexOfKey<T>(rows: RowSource<T>, rowKey: (row: T) => string, key: string): number {
  for (let i = 0; i < rows.length; i++) if (rowKey(rows.at(i)!) === key) return i;
  return -1;
}
