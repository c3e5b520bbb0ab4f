// Free-form JSON (version metadata, audit details) as a collapsible tree with
// search and copy. Matches expand their ancestors; everything else may fold.
import { useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { CopyButton } from './CopyButton.js';
import { Icon } from './Icon.js';
import { JSON_MAX_DEPTH } from '../../../shared/domain/json.js';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';

/** Levels drawn as a tree: what the BFF accepts; anything deeper is summarised (and never walked recursively). */
const MAX_SHOWN_DEPTH = JSON_MAX_DEPTH;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type JsonTreeProps = {
  value: unknown;
  label: string;
  /** Show the search box (large documents). */
  searchable?: boolean;
  /** Levels open at first. */
  openDepth?: number;
};

const isContainer = (value: unknown): value is Json[] | Record<string, Json> => value !== null && typeof value === 'object';

function childEntries(value: Json[] | Record<string, Json>): Array<[string, Json]> {
  return Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
}

function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/**
 * Paths whose key or value contains `query`, with every ancestor (so they can be shown open).
 * Iterative: metadata stored before the BFF bounded its depth may be nested
 * more deeply than a recursive walk has call stack for.
 */
function matchingPaths(value: unknown, query: string): Set<string> {
  const needle = query.toLowerCase();
  // Pre-order list of nodes; a node's parent always comes before it.
  const nodes: { path: string[]; parent: number; hit: boolean }[] = [];
  const pending: { node: unknown; path: string[]; parent: number }[] = [{ node: value, path: [], parent: -1 }];
  while (pending.length > 0) {
    const { node, path, parent } = pending.pop()!;
    let hit = path.length > 0 && path[path.length - 1]!.toLowerCase().includes(needle);
    const index = nodes.length;
    if (isContainer(node)) {
      const entries = childEntries(node);
      for (let i = entries.length - 1; i >= 0; i--) pending.push({ node: entries[i]![1], path: [...path, entries[i]![0]], parent: index });
    } else if (String(node).toLowerCase().includes(needle)) {
      hit = true;
    }
    nodes.push({ path, parent, hit });
  }
  const hits = new Set<string>();
  // Children after their parents: walking backwards carries each hit up to its ancestors.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const entry = nodes[i]!;
    if (!entry.hit) continue;
    hits.add(pathKey(entry.path));
    if (entry.parent >= 0) nodes[entry.parent]!.hit = true;
  }
  return hits;
}

/** Indented JSON for Copy; a value deeper than the engine's recursive JSON.stringify goes is copied unindented. */
function copyText(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    return canonicalJson(value ?? null);
  }
}

function Highlight({ text, query }: { text: string; query: string }): ReactElement {
  if (query === '') return <>{text}</>;
  const at = text.toLowerCase().indexOf(query.toLowerCase());
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + query.length)}</mark>
      {text.slice(at + query.length)}
    </>
  );
}

function Primitive({ value, query }: { value: Json; query: string }): ReactElement {
  if (typeof value === 'string') {
    return (
      <span className="json-string">
        "<Highlight text={value} query={query} />"
      </span>
    );
  }
  const kind = value === null ? 'null' : typeof value;
  return (
    <span className={`json-${kind}`}>
      <Highlight text={String(value)} query={query} />
    </span>
  );
}

export function JsonTree({ value, label, searchable = false, openDepth = 1 }: JsonTreeProps): ReactElement {
  const [query, setQuery] = useState('');
  const [toggled, setToggled] = useState<Map<string, boolean>>(new Map());
  const trimmed = query.trim();
  const matches = useMemo(() => (trimmed === '' ? null : matchingPaths(value, trimmed)), [value, trimmed]);
  const text = useMemo(() => copyText(value), [value]);

  const isOpen = (path: string[]) => {
    const key = pathKey(path);
    if (matches) return matches.has(key);
    return toggled.get(key) ?? path.length < openDepth;
  };
  const toggle = (path: string[]) => {
    const key = pathKey(path);
    setToggled((current) => new Map(current).set(key, !isOpen(path)));
  };
  const setAll = (open: boolean) => {
    const next = new Map<string, boolean>();
    // Only the levels that are drawn (below MAX_SHOWN_DEPTH), without recursion.
    const pending: { node: unknown; path: string[] }[] = [{ node: value, path: [] }];
    while (pending.length > 0) {
      const { node, path } = pending.pop()!;
      if (!isContainer(node) || path.length >= MAX_SHOWN_DEPTH) continue;
      next.set(pathKey(path), open);
      for (const [key, child] of childEntries(node)) pending.push({ node: child, path: [...path, key] });
    }
    setToggled(next);
  };

  const renderNode = (name: string | null, node: Json, path: string[]): ReactNode => {
    if (matches && !matches.has(pathKey(path))) return null;
    const keyLabel =
      name === null ? null : (
        <span className="json-key">
          <Highlight text={name} query={trimmed} />
          <span className="json-colon">:</span>
        </span>
      );
    if (!isContainer(node)) {
      return (
        <li key={pathKey(path)} className="json-leaf" role="treeitem" aria-selected={false}>
          {keyLabel} <Primitive value={node} query={trimmed} />
        </li>
      );
    }
    const entries = childEntries(node);
    if (path.length >= MAX_SHOWN_DEPTH) {
      // Deeper than the BFF accepts today (older rows may be): not drawn level by level; Copy has it all.
      return (
        <li key={pathKey(path)} className="json-leaf" role="treeitem" aria-selected={false}>
          {keyLabel} <span className="json-summary">{Array.isArray(node) ? '[…]' : '{…}'}</span>{' '}
          <span className="muted">nested deeper than {MAX_SHOWN_DEPTH} levels: copy the JSON to read it</span>
        </li>
      );
    }
    const open = isOpen(path);
    const summary = Array.isArray(node) ? `[${entries.length}]` : `{${entries.length}}`;
    return (
      <li key={pathKey(path)} className="json-branch" role="treeitem" aria-expanded={open} aria-selected={false}>
        <button type="button" className="json-toggle" onClick={() => toggle(path)} aria-label={`${open ? 'Collapse' : 'Expand'} ${name ?? label}`}>
          <Icon name={open ? 'chevronDown' : 'chevronRight'} size={12} />
        </button>
        {keyLabel ?? <span className="json-key json-root">{label}</span>} <span className="json-summary">{summary}</span>
        {open && entries.length > 0 && (
          <ul role="group">{entries.map(([key, child]) => renderNode(Array.isArray(node) ? `${key}` : key, child, [...path, key]))}</ul>
        )}
      </li>
    );
  };

  const empty = isContainer(value) && childEntries(value as Json[]).length === 0;
  return (
    <div className="json-tree">
      <div className="json-toolbar">
        {searchable && (
          <input
            type="search"
            className="json-search"
            placeholder="Search keys and values"
            aria-label={`Search ${label}`}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        )}
        <button type="button" className="link-button" onClick={() => setAll(true)} disabled={matches !== null}>
          Expand all
        </button>
        <button type="button" className="link-button" onClick={() => setAll(false)} disabled={matches !== null}>
          Collapse all
        </button>
        <span className="spacer" />
        <CopyButton value={text} label={`Copy ${label} as JSON`} />
      </div>
      {empty ? (
        <p className="muted json-empty">No {label.toLowerCase()}.</p>
      ) : matches !== null && matches.size === 0 ? (
        <p className="muted json-empty">Nothing matches “{trimmed}”.</p>
      ) : (
        <ul className="json-root-list mono" role="tree" aria-label={label}>
          {renderNode(null, value as Json, [])}
        </ul>
      )}
    </div>
  );
}
