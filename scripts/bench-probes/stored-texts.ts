// What the stored JSON texts of migration 066 save on a read and cost on a write
// (issue 12; docs/decisions/0013-registry-read-path.md), on SQLite, each
// statement alone in a tight loop (this process's CPU time per call), on the
// bench's registry (1,000 models, 100 versions each):
// - a list page's items (51 rows, name order, up to the dispatch view): written
//   per read from the model, summary and deployment columns, copied from the
//   stored head, and copied from a summary row that also holds the 45 KiB
//   versions text (why that text has a table of its own);
// - the detail's versions array (100 versions) three ways: built from the rows
//   (format per row, ordered group_concat), aggregated from a stored text per
//   version row, and copied as the one text the model's summary stores;
// - a write: refreshModelSummaries (what every change to a model runs in its
//   transaction) and its stored-text updates alone, for a model with 100 and
//   with 10,000 versions (with --pg: only this, on a throwaway PostgreSQL cluster).
// Run: npx tsx scripts/bench-probes/stored-texts.ts [--pg]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'libsql';
import { sql, type RawBuilder } from 'kysely';
import { openDatabase, type Db } from '../../bff/src/store/database.js';
import { jsonObjectText } from '../../bff/src/store/json-text.js';
import { modelJsonFields, rebuildModelSummaries, refreshModelSummaries, storedTextsStatements, summaryPageQuery } from '../../bff/src/store/model-summaries.js';
import { versionJsonText, versionsArrayText } from '../../bff/src/store/version-json.js';
import { bulkLoad, syntheticVersionRows } from '../bench/bff-registry.js';
import { createTestDatabase, startPgCluster } from '../../bff/src/testing/pg-cluster.js';

const { values: flags } = parseArgs({ options: { pg: { type: 'boolean' } } });
const dir = await mkdtemp(join(tmpdir(), 'stored-texts-'));
const file = join(dir, 'probe.db');
const cluster = flags.pg ? await startPgCluster() : undefined;
const db = await openDatabase(cluster ? await createTestDatabase(cluster.adminUrl) : file);
const at = new Date().toISOString();

async function modelWithVersions(db: Db, id: string, count: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('models').values({ id, name: id, type: 'LTR', owner: 'probe', description: 'probe model', tags: '["probe"]', policy: '{}', created_at: at }).execute();
    const rows = syntheticVersionRows(id, count, at);
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('model_versions').values(rows.slice(i, i + 200)).execute();
    await trx.insertInto('deployments').values({ model_id: id, stable_version: null, canary_version: null, canary_pct: 0, phase: 'idle', state_version: 0, previous_stable: null, salt: 'probe', updated_at: at }).execute();
    await refreshModelSummaries(trx, [id], at);
  });
}

/** CPU µs per call of `run`, after a warm-up. */
function cpuPerCall(run: () => unknown, calls: number): number {
  for (let i = 0; i < Math.min(50, calls); i++) run();
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
}

/** Wall ms per call of an async `run`, median of `calls`. */
async function msPerCall(run: () => Promise<unknown>, calls: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Median of `rounds` CPU-per-call figures, the statements alternating round by round (the machine is shared). */
function alternating(runs: Record<string, () => unknown>, calls: number, rounds = 7): Record<string, number> {
  const figures: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) for (const [name, run] of Object.entries(runs)) figures[name]!.push(cpuPerCall(run, calls));
  return Object.fromEntries(Object.entries(figures).map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!]));
}

/** What a refresh costs for the two probe models, and its parts. */
async function writeCosts(db: Db): Promise<void> {
  console.log(`\na write on ${cluster ? 'PostgreSQL' : 'SQLite'}: the summary refresh every change runs in its transaction (wall, median)`);
  for (const [id, count, calls] of [
    ['probe-07', 100, 200],
    ['probe-big', 10_000, 30],
  ] as const) {
    const refresh = await msPerCall(() => refreshModelSummaries(db, [id], at), calls);
    const withoutVersions = await msPerCall(() => refreshModelSummaries(db, [id], at, { versions: false }), calls);
    const heads = await msPerCall(() => storedTextsStatements(db, [id]).itemHeads.execute(), calls);
    const versions = await msPerCall(() => storedTextsStatements(db, [id]).versions.execute(), calls);
    const size = (await db.selectFrom('model_versions_json').select('versions_json').where('model_id', '=', id).executeTakeFirstOrThrow()).versions_json.length;
    console.log(
      `  ${String(count).padStart(6)} versions (array ${(size / 1024).toFixed(0)} KiB): refresh ${refresh.toFixed(2)} ms (${withoutVersions.toFixed(2)} ms keeping the versions text), of which the item head ${heads.toFixed(2)} ms, the versions text ${versions.toFixed(2)} ms`,
    );
  }
}

/** The list page's and the detail's statements, each way (SQLite only). */
async function readCosts(): Promise<void> {
  await bulkLoad(db, at);
  await rebuildModelSummaries(db);
  for (let m = 0; m < 20; m++) await modelWithVersions(db, `probe-${String(m).padStart(2, '0')}`, 100);
  await modelWithVersions(db, 'probe-big', 10_000);

  {
    const raw = new Database(file);
    // The item (up to its dispatch view) as every read wrote it before migration 066.
    const built = jsonObjectText(
      'sqlite',
      [
        { key: 'model', fields: modelJsonFields('m') },
        { key: 'active_version', value: sql.ref('s.active_version'), kind: 'text' },
        { key: 'candidate_versions', value: sql.ref('s.candidate_versions'), kind: 'json' },
        { key: 'version_count', value: sql.ref('s.version_count'), kind: 'integer' },
        { key: 'last_gate', value: sql.ref('s.last_gate'), kind: 'json' },
        {
          key: 'deployment',
          open: true,
          fields: [
            { key: 'phase', value: sql`coalesce(d.phase, 'idle')`, kind: 'text' },
            { key: 'stable_version', value: sql.ref('d.stable_version'), kind: 'text' },
            { key: 'canary_version', value: sql.ref('d.canary_version'), kind: 'text' },
            { key: 'canary_pct', value: sql`coalesce(d.canary_pct, 0)`, kind: 'integer' },
          ],
        },
      ],
      { open: true },
    );
    const page = (item: RawBuilder<string>, table: string, joins: boolean) =>
      raw.prepare(
        db
          .selectFrom(`${table} as s` as 'model_summaries as s')
          .$if(joins, (query) => query.innerJoin('models as m', 'm.id', 's.model_id').leftJoin('deployments as d', 'd.model_id', 's.model_id'))
          .select(item.as('item'))
          .orderBy('s.name_key')
          .orderBy('s.model_id')
          .limit(51)
          .compile().sql,
      );
    const stored = sql<string>`${sql.ref('s.item_head')}`;
    // The same summaries with the versions text in their rows (as this change first stored it).
    await sql`create table probe_fat_summaries as select * from model_summaries`.execute(db);
    await sql`alter table probe_fat_summaries add column versions_json text`.execute(db);
    await sql`update probe_fat_summaries set versions_json = (select versions_json from model_versions_json j where j.model_id = probe_fat_summaries.model_id)`.execute(db);
    await sql`create index probe_fat_name on probe_fat_summaries (name_key, model_id)`.execute(db);
    const ways = { built: page(built, 'model_summaries', true), stored: page(stored, 'model_summaries', false), fat: page(stored, 'probe_fat_summaries', false) };
    const texts = Object.values(ways).map((statement) => JSON.stringify(statement.all(51)));
    if (texts.some((text) => text !== texts[0])) throw new Error('the page ways disagree');
    // The shipped page statement (with its row meta and dispatch joins), for scale.
    const shipped = raw.prepare(summaryPageQuery(db, { sort: 'name', order: 'asc', limit: 51 }).compile().sql);
    const figures = alternating({ ...Object.fromEntries(Object.entries(ways).map(([name, statement]) => [name, () => statement.all(51)])), shipped: () => shipped.all(51) }, 300);
    console.log('a list page (51 rows, name order), CPU per call, median of 7 alternating rounds:');
    console.log(`  item written per read (model, summary and deployment columns):   ${figures.built!.toFixed(1)} µs`);
    console.log(`  stored item head copied (no model or deployment join):          ${figures.stored!.toFixed(1)} µs`);
    console.log(`  the same, versions text in the same summary row:                ${figures.fat!.toFixed(1)} µs`);
    console.log(`  the page statement as shipped (row meta, dispatch joins):         ${figures.shipped!.toFixed(1)} µs\n`);
    raw.close();
  }

  // A stored text per version row, for the second way (only in this probe's database).
  await db.schema.alterTable('model_versions').addColumn('probe_json', 'text').execute();
  await sql`update model_versions as v set probe_json = ${versionJsonText('sqlite', 'v')}`.execute(db);

  const raw = new Database(file);
  const compiled = (query: { compile(): { sql: string } }) => query.compile().sql;
  const live = raw.prepare(compiled(db.selectFrom('model_versions as v').select(versionsArrayText('sqlite', 'v').as('t')).where('v.model_id', '=', 'probe-07')));
  const perRow = raw.prepare(`select coalesce('[' || group_concat(probe_json, ',' order by seq desc) || ']', '[]') as t from model_versions where model_id = ?`);
  const stored = raw.prepare(`select versions_json as t from model_versions_json where model_id = ?`);
  const text = (statement: typeof live) => (statement.get('probe-07') as { t: string }).t;
  if (text(live) !== text(perRow) || text(live) !== text(stored)) throw new Error('the three ways disagree');
  console.log(`detail's versions array, 100 versions (${(text(live).length / 1024).toFixed(0)} KiB), CPU per call:`);
  const detail = alternating({ live: () => live.get('probe-07'), perRow: () => perRow.get('probe-07'), stored: () => stored.get('probe-07') }, 1000);
  console.log(`  built from the rows (format per row, ordered group_concat): ${detail.live!.toFixed(1)} µs`);
  console.log(`  ordered group_concat of a stored text per version row:      ${detail.perRow!.toFixed(1)} µs`);
  console.log(`  the model's stored array text (one row):                    ${detail.stored!.toFixed(1)} µs`);
  raw.close();
}

try {
  if (cluster) {
    await modelWithVersions(db, 'probe-07', 100);
    await modelWithVersions(db, 'probe-big', 10_000);
  } else {
    await readCosts();
  }
  await writeCosts(db);
} finally {
  await db.destroy();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
}
