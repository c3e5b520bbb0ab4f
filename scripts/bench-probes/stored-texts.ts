// What the stored JSON texts of migration 066 save on a read and cost on a write
// (issue 12; docs/decisions/0013-registry-read-path.md), on SQLite:
// - the detail's versions array (100 versions) three ways, each statement alone
//   in a tight loop (this process's CPU time per call): built from the rows
//   (format per row, ordered group_concat), aggregated from a stored text per
//   version row, and copied as the one text the model's summary stores;
// - a write: refreshModelSummaries (what every change to a model runs in its
//   transaction) and its stored-text update alone, for a model with 100 and
//   with 10,000 versions.
// Run: npx tsx scripts/bench-probes/stored-texts.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { sql } from 'kysely';
import { semverSortKey } from '../../shared/logic/semver-key.js';
import { openDatabase, type Db } from '../../bff/src/store/database.js';
import { refreshModelSummaries, storedTextsUpdate } from '../../bff/src/store/model-summaries.js';
import { versionJsonText, versionsArrayText } from '../../bff/src/store/version-json.js';

const dir = await mkdtemp(join(tmpdir(), 'stored-texts-'));
const file = join(dir, 'probe.db');
const db = await openDatabase(file);
const at = new Date().toISOString();

async function modelWithVersions(db: Db, id: string, count: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('models').values({ id, name: id, type: 'LTR', owner: 'probe', description: 'probe model', tags: '["probe"]', policy: '{}', created_at: at }).execute();
    const rows = Array.from({ length: count }, (_, v) => ({
      model_id: id,
      version: `1.${v}.0`,
      status: (v === count - 1 ? 'active' : v % 10 === 0 ? 'deprecated' : 'candidate') as 'active' | 'candidate' | 'deprecated',
      artifact_uri: `s3://bench/${id}/1.${v}.0/model.bin`,
      checksum: 'c'.repeat(64),
      runtime: JSON.stringify({ device: 'cpu', max_batch: 256 }),
      framework: 'lightgbm',
      export_format: 'lightgbm-text',
      release_notes: 'synthetic',
      supported_until: null,
      metadata: JSON.stringify({ model_name: id, version: `1.${v}.0`, metrics: { 'ndcg@10': 0.5 } }),
      created_at: at,
      created_by: 'ravi',
      deprecated_reason: null,
      version_key: semverSortKey(`1.${v}.0`),
    }));
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

try {
  for (let m = 0; m < 20; m++) await modelWithVersions(db, `probe-${String(m).padStart(2, '0')}`, 100);
  await modelWithVersions(db, 'probe-big', 10_000);

  // A stored text per version row, for the second way (only in this probe's database).
  await db.schema.alterTable('model_versions').addColumn('probe_json', 'text').execute();
  await sql`update model_versions as v set probe_json = ${versionJsonText('sqlite', 'v')}`.execute(db);

  const raw = new Database(file);
  const compiled = (query: { compile(): { sql: string } }) => query.compile().sql;
  const live = raw.prepare(compiled(db.selectFrom('model_versions as v').select(versionsArrayText('sqlite', 'v').as('t')).where('v.model_id', '=', 'probe-07')));
  const perRow = raw.prepare(`select coalesce('[' || group_concat(probe_json, ',' order by seq desc) || ']', '[]') as t from model_versions where model_id = ?`);
  const stored = raw.prepare(`select versions_json as t from model_summaries where model_id = ?`);
  const text = (statement: typeof live) => (statement.get('probe-07') as { t: string }).t;
  if (text(live) !== text(perRow) || text(live) !== text(stored)) throw new Error('the three ways disagree');
  console.log(`detail's versions array, 100 versions (${(text(live).length / 1024).toFixed(0)} KiB), CPU per call:`);
  console.log(`  built from the rows (format per row, ordered group_concat): ${cpuPerCall(() => live.get('probe-07'), 2000).toFixed(1)} µs`);
  console.log(`  ordered group_concat of a stored text per version row:      ${cpuPerCall(() => perRow.get('probe-07'), 2000).toFixed(1)} µs`);
  console.log(`  the model's stored array text (one row):                    ${cpuPerCall(() => stored.get('probe-07'), 2000).toFixed(1)} µs`);
  raw.close();

  console.log('\na write: the summary refresh every change runs in its transaction (wall, median)');
  for (const [id, count, calls] of [
    ['probe-07', 100, 200],
    ['probe-big', 10_000, 30],
  ] as const) {
    const refresh = await msPerCall(() => refreshModelSummaries(db, [id], at), calls);
    const texts = await msPerCall(() => storedTextsUpdate(db, [id]).execute(), calls);
    const size = (await db.selectFrom('model_summaries').select('versions_json').where('model_id', '=', id).executeTakeFirstOrThrow()).versions_json!.length;
    console.log(
      `  ${String(count).padStart(6)} versions (array ${(size / 1024).toFixed(0)} KiB): refresh ${refresh.toFixed(2)} ms, of which the stored texts ${texts.toFixed(2)} ms`,
    );
  }
} finally {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
}
