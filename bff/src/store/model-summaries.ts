// Repository of the per-model registry summaries (migration 050): the only
// place that writes `model_summaries` and `model_versions_json`. Every write to
// a model, its versions, runs, policy or deployment refreshes the model's row
// and its stored JSON texts (migration 066) in the same transaction (the store
// functions that make those writes call in here), so the list reads one row
// per model, and copies its item's text, instead of recomputing counts, gates
// and JSON per request.
import type { Db } from './database.js';
import { sql } from 'kysely';
import type { LastGate, ModelSortKey, ModelSummary, SortOrder } from '../../../shared/api/models.js';
import { ModelPolicy, type VersionStatus } from '../../../shared/domain/model.js';
import { effectiveGatePolicy, evaluateGate } from '../../../shared/logic/gate.js';
import { modelSearchText, searchWordsOf } from '../../../shared/logic/model-search.js';
import type { z } from 'zod';
import { dispatchView, joinedDispatchView, type JoinedDispatchColumns } from './dispatches.js';
import { engineOf, type Engine } from './engine.js';
import { jsonObjectText, type JsonField, type JsonText } from './json-text.js';
import { preparedStatement } from './prepared.js';
import { versionsArrayText } from './version-json.js';
import { newestEvalRunPerModel } from './eval-runs.js';
import type { ModelRow, ModelSummariesTable } from './schema.js';

/** Rows per batch of a rebuild: bounded memory and bind parameters whatever the registry's size. */
const REBUILD_BATCH = 500;

/** Failures first, then passes, then models never evaluated (the renderer's order too). */
function gateRankOf(gate: z.infer<typeof LastGate> | null): number {
  if (gate === null) return 2;
  return gate.passed ? 1 : 0;
}

const later = (a: string, b: string | null | undefined) => (b !== null && b !== undefined && b > a ? b : a);

/** What a refresh may skip. */
export interface RefreshOptions {
  /**
   * false: the change wrote no `model_versions` row (a run, a policy), so the
   * stored versions array, which says only what those rows say, is kept. Its
   * rewrite is most of a refresh for a long history (about 50 ms at 10,000
   * versions on SQLite, 0.3 ms at 100; scripts/bench-probes/stored-texts.ts).
   * Default true.
   */
  versions?: boolean;
}

/**
 * Recomputes the summaries of `modelIds` from the source tables and writes
 * them with their stored JSON texts. `at` is the instant of the change being
 * made (the "updated" order); without it (backfill) the newest instant found
 * in the sources is used.
 */
export async function refreshModelSummaries(db: Db, modelIds: readonly string[], at?: string, options: RefreshOptions = {}): Promise<void> {
  if (modelIds.length === 0) return;
  const models = await db
    .selectFrom('models')
    .select(['id', 'name', 'type', 'owner', 'description', 'tags', 'policy', 'created_at'])
    .where('id', 'in', modelIds)
    .execute();
  if (models.length === 0) return;
  const ids = models.map((model) => model.id);
  const counts = await db
    .selectFrom('model_versions')
    .select(['model_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n'), (eb) => eb.fn.max('created_at').as('newest')])
    .where('model_id', 'in', ids)
    .groupBy(['model_id', 'status'])
    .execute();
  const live = await db
    .selectFrom('model_versions')
    .select(['model_id', 'version', 'status'])
    .where('model_id', 'in', ids)
    .where('status', 'in', ['active', 'candidate'])
    .orderBy('seq')
    .execute();
  const runs = await newestEvalRunPerModel(db, ids);
  const deployments =
    at === undefined ? await db.selectFrom('deployments').select(['model_id', 'updated_at']).where('model_id', 'in', ids).execute() : [];
  const deploymentUpdated = new Map(deployments.map((row) => [row.model_id, row.updated_at]));

  const rows = models.map((model): ModelSummariesTable => {
    const tags = JSON.parse(model.tags) as string[];
    const byStatus = new Map<string, { n: number; newest: string | null }>();
    for (const row of counts) if (row.model_id === model.id) byStatus.set(row.status, { n: Number(row.n), newest: row.newest });
    let active: string | null = null;
    const candidates: string[] = [];
    for (const row of live) {
      if (row.model_id !== model.id) continue;
      if (row.status === 'active') active = row.version;
      else candidates.push(row.version);
    }
    const run = runs.get(model.id);
    let gate: z.infer<typeof LastGate> | null = null;
    if (run) {
      const policy = ModelPolicy.parse(JSON.parse(model.policy));
      const result = evaluateGate(effectiveGatePolicy({ type: model.type, policy }), run.metrics, run.baseline_metrics);
      gate = { run_id: run.id, version: run.version, passed: result.passed, failed_metrics: result.failed_metrics, finished_at: run.finished_at };
    }
    let updated = at;
    if (updated === undefined) {
      updated = later(model.created_at, deploymentUpdated.get(model.id));
      for (const entry of byStatus.values()) updated = later(updated, entry.newest);
      updated = later(updated, run?.reported_at);
    }
    return {
      model_id: model.id,
      name_key: model.name.toLowerCase(),
      type: model.type,
      updated_at: updated,
      active_version: active,
      candidate_versions: JSON.stringify(candidates),
      candidate_count: byStatus.get('candidate')?.n ?? 0,
      deprecated_count: byStatus.get('deprecated')?.n ?? 0,
      version_count: [...byStatus.values()].reduce((sum, entry) => sum + entry.n, 0),
      last_gate: gate === null ? null : JSON.stringify(gate),
      gate_rank: gateRankOf(gate),
      search_text: modelSearchText({ ...model, tags, activeVersion: active, candidateVersions: candidates }),
      // Written from the rows by writeStoredTexts below, once the summary is.
      item_head: null,
    };
  });
  await db
    .insertInto('model_summaries')
    .values(rows)
    .onConflict((conflict) =>
      conflict.column('model_id').doUpdateSet((eb) => ({
        name_key: eb.ref('excluded.name_key'),
        type: eb.ref('excluded.type'),
        updated_at: eb.ref('excluded.updated_at'),
        active_version: eb.ref('excluded.active_version'),
        candidate_versions: eb.ref('excluded.candidate_versions'),
        candidate_count: eb.ref('excluded.candidate_count'),
        deprecated_count: eb.ref('excluded.deprecated_count'),
        version_count: eb.ref('excluded.version_count'),
        last_gate: eb.ref('excluded.last_gate'),
        gate_rank: eb.ref('excluded.gate_rank'),
        search_text: eb.ref('excluded.search_text'),
      })),
    )
    .execute();
  await writeStoredTexts(db, ids, options.versions ?? true);
}

/**
 * Writes the JSON texts the reads copy (migration 066) from the rows as they
 * are now, in the caller's transaction: the list item's head from the model
 * and its just written summary, and (unless `versions` is false) the model's
 * whole versions array (in model_versions_json). The same builders compute
 * them live (liveSummaryTexts), so a stored text says what the live
 * computation says.
 * Every write that changes what they show comes through refreshModelSummaries:
 * the model's row (insert, policy), its versions (register, deprecate, status
 * changes by promotion and rollback), its runs (the last gate) and its
 * deployment's state (touchModelSummary, from every deployment write). The
 * dispatch status is not in them: the list reads it live.
 */
async function writeStoredTexts(db: Db, modelIds: readonly string[], versions: boolean): Promise<void> {
  const statements = storedTextsStatements(db, modelIds);
  await statements.itemHeads.execute();
  if (versions) await statements.versions.execute();
}

/** The statements of writeStoredTexts (migration 066's backfill is a frozen copy of their SQL). */
export function storedTextsStatements(db: Db, modelIds: readonly string[]) {
  const engine = engineOf(db);
  return {
    itemHeads: db
      .updateTable('model_summaries as s')
      .set((eb) => ({
        item_head: eb
          .selectFrom('models as m')
          .leftJoin('deployments as d', 'd.model_id', 'm.id')
          .select(itemHeadText(engine).as('item_head'))
          .whereRef('m.id', '=', 's.model_id'),
      }))
      .where('s.model_id', 'in', modelIds),
    versions: db
      .insertInto('model_versions_json')
      .columns(['model_id', 'versions_json'])
      .expression((eb) =>
        eb
          .selectFrom('models as m')
          .select((inner) => [
            'm.id',
            inner.selectFrom('model_versions as v').select(versionsArrayText(engine, 'v').as('t')).whereRef('v.model_id', '=', 'm.id').as('versions_json'),
          ])
          // A WHERE clause also keeps SQLite from reading the upsert's ON as a join's.
          .where('m.id', 'in', modelIds),
      )
      .onConflict((conflict) => conflict.column('model_id').doUpdateSet((eb) => ({ versions_json: eb.ref('excluded.versions_json') }))),
  };
}

/**
 * A model's list-item head and versions array as computed from the rows now,
 * beside the texts its summary stores: the reference the stored ones must
 * equal (the tests read both after every write path).
 */
export async function liveSummaryTexts(
  db: Db,
  modelId: string,
): Promise<{ stored: { item_head: string | null; versions_json: string | null }; live: { item_head: string; versions_json: string } } | undefined> {
  const engine = engineOf(db);
  const row = await db
    .selectFrom('model_summaries as s')
    .innerJoin('models as m', 'm.id', 's.model_id')
    .leftJoin('deployments as d', 'd.model_id', 's.model_id')
    .leftJoin('model_versions_json as j', 'j.model_id', 's.model_id')
    .select((eb) => [
      's.item_head',
      'j.versions_json',
      itemHeadText(engine).as('live_item_head'),
      eb.selectFrom('model_versions as v').select(versionsArrayText(engine, 'v').as('t')).whereRef('v.model_id', '=', 's.model_id').as('live_versions_json'),
    ])
    .where('s.model_id', '=', modelId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    stored: { item_head: row.item_head, versions_json: row.versions_json },
    live: { item_head: row.live_item_head, versions_json: row.live_versions_json ?? '[]' },
  };
}

/** One model's summary, after a change made at `at` in the same transaction. */
export async function refreshModelSummary(db: Db, modelId: string, at: string, options: RefreshOptions = {}): Promise<void> {
  await refreshModelSummaries(db, [modelId], at, options);
}

/**
 * A deployment's change (a new model's deployment, a rollout step): it moves
 * no count or gate, but the model in the "updated" order, and the stored list
 * item, which shows the deployment's state.
 */
export async function touchModelSummary(db: Db, modelId: string, at: string): Promise<void> {
  await db.updateTable('model_summaries').set({ updated_at: at }).where('model_id', '=', modelId).where('updated_at', '<', at).execute();
  await writeStoredTexts(db, [modelId], false);
}

/** Every model's summary from the source tables (the migration's backfill; bulk imports). */
export async function rebuildModelSummaries(db: Db): Promise<void> {
  let after = '';
  for (;;) {
    const batch = await db.selectFrom('models').select('id').where('id', '>', after).orderBy('id').limit(REBUILD_BATCH).execute();
    if (batch.length === 0) return;
    await refreshModelSummaries(
      db,
      batch.map((row) => row.id),
    );
    after = batch[batch.length - 1]!.id;
  }
}

/** Columns of each order, before the model_id tie-break; each list is an index's prefix (migration 050). */
export const SORT_COLUMNS: Record<ModelSortKey, readonly ('name_key' | 'updated_at' | 'type' | 'gate_rank')[]> = {
  name: ['name_key'],
  updated: ['updated_at'],
  type: ['type', 'name_key'],
  last_gate: ['gate_rank', 'name_key'],
};

/** Where a page starts: the sort values of the previous page's last row and its id. */
export type SortPosition = { values: readonly (string | number)[]; modelId: string };

export interface SummaryQuery {
  type?: string | undefined;
  /** Models having at least one version in this status. */
  status?: VersionStatus | undefined;
  /** Case-insensitive substring of id, name, description or tags. */
  text?: string | undefined;
  sort: ModelSortKey;
  order: SortOrder;
  after?: SortPosition | undefined;
  limit: number;
}

/** The words of a search (at most 8: each is one more condition on the scan). */
export function searchWords(text: string | undefined): string[] {
  return searchWordsOf(text ?? '').slice(0, 8);
}

/** Escapes LIKE wildcards so a search for "50%" finds the text "50%" (a model's or a version's search). */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface SummaryPage {
  /** Each item's JSON text (a ModelSummary), in order. */
  items: JsonText<ModelSummary>[];
  /** The sort values and id of the item at `index` (for the next cursor: only one row of a page needs them). */
  positionAt(index: number): SortPosition;
}

/** A `models` row (under `alias`) as the shared Model's JSON: the list's items and the model detail. */
export function modelJsonFields(alias: string): JsonField[] {
  const ref = (column: keyof ModelRow) => sql.ref(`${alias}.${column}`);
  return [
    { key: 'id', value: ref('id'), kind: 'text' },
    { key: 'name', value: ref('name'), kind: 'text' },
    { key: 'type', value: ref('type'), kind: 'text' },
    { key: 'owner', value: ref('owner'), kind: 'text' },
    { key: 'description', value: ref('description'), kind: 'text' },
    { key: 'tags', value: ref('tags'), kind: 'json' },
    { key: 'policy', value: ref('policy'), kind: 'json' },
    { key: 'created_at', value: ref('created_at'), kind: 'text' },
  ];
}

/**
 * A list item's JSON text up to its deployment's dispatch view, open twice:
 * the model (under `m`), its summary (under `s`) and its deployment's state
 * (under `d`, left joined). Stored in the summary (`item_head`, written by
 * writeStoredTexts whenever one of those rows changes), so a page copies one
 * text per row where it quoted twelve values; json-text.ts says why the
 * database writes it. The dispatch view is added per read in JS (dispatches.ts):
 * the dispatcher moves it without touching the summary.
 */
function itemHeadText(engine: Engine) {
  const ref = (column: string) => sql.ref(column);
  return jsonObjectText(
    engine,
    [
      { key: 'model', fields: modelJsonFields('m') },
      { key: 'active_version', value: ref('s.active_version'), kind: 'text' },
      { key: 'candidate_versions', value: ref('s.candidate_versions'), kind: 'json' },
      { key: 'version_count', value: ref('s.version_count'), kind: 'integer' },
      { key: 'last_gate', value: ref('s.last_gate'), kind: 'json' },
      {
        key: 'deployment',
        open: true,
        fields: [
          { key: 'phase', value: sql`coalesce(d.phase, 'idle')`, kind: 'text' },
          { key: 'stable_version', value: ref('d.stable_version'), kind: 'text' },
          { key: 'canary_version', value: ref('d.canary_version'), kind: 'text' },
          { key: 'canary_pct', value: sql`coalesce(d.canary_pct, 0)`, kind: 'integer' },
        ],
      },
    ],
    { open: true },
  );
}

/** The row's sort values and id (for the next cursor) and its serving target's outbox columns, when it has a target. */
interface SummaryRowMeta extends Partial<Record<(typeof SORT_COLUMNS)[ModelSortKey][number], string | number>> {
  model_id: string;
  dispatch: JoinedDispatchColumns | null;
}

/**
 * What JS needs of a row besides its item text, as one small JSON text: each
 * value the driver hands over costs as much as a short JSON.parse, and a page
 * has 51 rows (json-text.ts).
 */
function summaryRowMeta(engine: Engine, sort: ModelSortKey) {
  const ref = (column: string) => sql.ref(column);
  const dispatch = jsonObjectText(engine, [
    { key: 'target_kind', value: ref('t.kind'), kind: 'text' },
    { key: 'dispatch_status', value: ref('x.status'), kind: 'text' },
    { key: 'dispatch_attempts', value: ref('x.attempts'), kind: 'integer' },
    { key: 'dispatch_last_error', value: ref('x.last_error'), kind: 'text' },
    { key: 'dispatch_applied_at', value: ref('x.applied_at'), kind: 'text' },
    { key: 'dispatch_next_attempt_at', value: ref('x.next_attempt_at'), kind: 'text' },
    // Text, as joinedDispatchView reads the column.
    { key: 'dispatch_observed', value: ref('x.observed'), kind: 'text' },
  ]);
  return jsonObjectText(engine, [
    { key: 'model_id', value: ref('s.model_id'), kind: 'text' },
    ...SORT_COLUMNS[sort].map((column) => ({ key: column, value: ref(`s.${column}`), kind: column === 'gate_rank' ? ('integer' as const) : ('text' as const) })),
    // The last key: listModelSummaries tells a row without a target by the meta's end, unparsed.
    { key: 'dispatch', value: sql`(case when t.kind is null then null else ${dispatch} end)`, kind: 'json' },
  ]);
}

/** What decides a page statement's SQL text; everything else is an argument (prepared.ts). */
interface PageShape {
  sort: ModelSortKey;
  order: SortOrder;
  byType: boolean;
  status: VersionStatus | undefined;
  words: number;
  after: boolean;
}

/** A page query's shape and its arguments, in the order buildPageQuery binds them. */
function pageStatementOf(query: SummaryQuery): { shape: PageShape; args: unknown[] } {
  const words = searchWords(query.text);
  const args: unknown[] = [];
  if (query.type !== undefined) args.push(query.type);
  for (const word of words) args.push(likePattern(word));
  if (query.after) args.push(...query.after.values, query.after.modelId);
  args.push(query.limit);
  return {
    shape: { sort: query.sort, order: query.order, byType: query.type !== undefined, status: query.status, words: words.length, after: query.after !== undefined },
    args,
  };
}

/**
 * The statement of one page: summaries in `sort` order (each with its stored
 * item head), joined with the serving target and dispatch rows. The keyset
 * condition and ORDER BY match the order's index (the type's index when
 * filtered by type), so the read walks
 * index entries from the cursor and stops at `limit` instead of sorting
 * (model-summaries.test.ts checks SQLite's plan). Binds `args` in the order
 * pageStatementOf lists them.
 */
function buildPageQuery(db: Db, shape: PageShape, args: readonly unknown[]) {
  let next = 0;
  const arg = () => args[next++];
  const columns = [...SORT_COLUMNS[shape.sort], 'model_id'] as const;
  const direction = shape.order === 'desc' ? 'desc' : 'asc';
  const engine = engineOf(db);
  let select = db
    .selectFrom('model_summaries as s')
    .leftJoin('serving_targets as t', 't.model_id', 's.model_id')
    .leftJoin('dispatches as x', 'x.model_id', 's.model_id')
    .select(['s.item_head', summaryRowMeta(engine, shape.sort).as('row_meta')]);
  if (shape.byType) select = select.where('s.type', '=', arg() as string);
  if (shape.status === 'active') select = select.where('s.active_version', 'is not', null);
  if (shape.status === 'candidate') select = select.where('s.candidate_count', '>', 0);
  if (shape.status === 'deprecated') select = select.where('s.deprecated_count', '>', 0);
  // Every word must appear somewhere (as the console's in-memory filter reads a search), in any order.
  for (let word = 0; word < shape.words; word++) select = select.where(sql<boolean>`s.search_text like ${arg()} escape '\\'`);
  if (shape.after) {
    const refs = sql.join(columns.map((column) => sql.ref(`s.${column}`)));
    const values = sql.join(columns.map(() => arg()));
    select = select.where(direction === 'asc' ? sql<boolean>`(${refs}) > (${values})` : sql<boolean>`(${refs}) < (${values})`);
  }
  for (const column of columns) select = select.orderBy(`s.${column}`, direction);
  return select.limit(arg() as number);
}

/** The page statement as Kysely builds it (the plan test reads its SQL). */
export function summaryPageQuery(db: Db, query: SummaryQuery) {
  const { shape, args } = pageStatementOf(query);
  return buildPageQuery(db, shape, args);
}

const summaryPage = preparedStatement(
  (shape: PageShape) => `${shape.sort} ${shape.order} ${shape.byType} ${shape.status ?? ''} ${shape.words} ${shape.after}`,
  buildPageQuery,
);

/** The dispatch view of a model with no serving target (most rows): one text for all of them. */
const NO_DISPATCH_JSON = JSON.stringify(dispatchView(null, null));

/** How the row meta of a model without a serving target ends (dispatch is its last key): most rows, not parsed. */
const NO_TARGET_META_END = ',"dispatch":null}';

/** One page of summaries, as the list's items' JSON texts. */
export async function listModelSummaries(db: Db, query: SummaryQuery): Promise<SummaryPage> {
  const { shape, args } = pageStatementOf(query);
  const { rows } = await db.executeQuery(summaryPage(db, shape, args));
  const items: JsonText<ModelSummary>[] = [];
  const metas: string[] = [];
  for (const row of rows) {
    // A summary is written with its texts in one transaction (refreshModelSummaries); a row without
    // one was written around this module, and an item built from it would not be JSON.
    if (row.item_head === null) throw new Error('a model summary without its stored item text (rebuildModelSummaries writes it)');
    const dispatch = row.row_meta.endsWith(NO_TARGET_META_END)
      ? NO_DISPATCH_JSON
      : JSON.stringify(joinedDispatchView((JSON.parse(row.row_meta) as SummaryRowMeta).dispatch!));
    // Closes the deployment, then the item.
    items.push(`${row.item_head},"dispatch":${dispatch}}}`);
    metas.push(row.row_meta);
  }
  return {
    items,
    positionAt(index) {
      const meta = JSON.parse(metas[index]!) as SummaryRowMeta;
      return { values: SORT_COLUMNS[query.sort].map((column) => meta[column]!), modelId: meta.model_id };
    },
  };
}
