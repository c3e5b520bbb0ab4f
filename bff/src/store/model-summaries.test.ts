// The registry list's summaries, its keyset pages and a model's versions pages on a generated registry (SQLite,
// and PostgreSQL in the bff-pg project): paging through with any sort, order and
// filter returns each matching model exactly once and in order; the summaries
// the writes maintain equal a rebuild from the source tables; and on SQLite
// every order is read through its index, never sorted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CompiledQuery, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelListResponse, VersionListResponse, type ModelListQuery, type ModelSortKey, type ModelSummary, type SortOrder, type VersionListQuery, type VersionSortKey } from '../../../shared/api/models.js';
import { searchWordsOf, versionSearchText } from '../../../shared/logic/model-search.js';
import { semverSortKey } from '../../../shared/logic/semver-key.js';
import type { VersionStatus } from '../../../shared/domain/model.js';
import { listModels, listModelVersions } from '../services/registry.js';
import { TEST_ENGINE, testDatabase } from '../testing/harness.js';
import { openDatabase, type Db } from './database.js';
import { insertDeployment, replaceDeployment } from './deployments.js';
import { insertEvalRun } from './eval-runs.js';
import { SORT_COLUMNS, rebuildModelSummaries, summaryPageQuery } from './model-summaries.js';
import { insertModel, updateModelPolicy } from './models.js';
import { up as rewriteSearchTexts } from './migrations/064-model-search-text.js';
import { VERSION_SORT_COLUMNS, applyStatusChanges, insertVersion, versionPageQuery } from './versions.js';

let dir: string;
let db: Db;

const TYPES = ['LTR', 'RERANKER', 'EMBEDDING'] as const;
// Names that tie once lower-cased, and one outside ASCII: the tie-break and byte order matter.
const NAMES = ['Alpha', 'alpha', 'Beta', 'beta ranker', 'Delta X', 'delta x', 'Émile', 'zeta', 'Zeta'];
/** The gate of every generated model: ndcg@10 may drop by 0.01 at most. */
const POLICY = { gate: { metrics: { 'ndcg@10': { direction: 'higher_is_better' as const, max_regression_abs: 0.01 } } } };

const ModelSpec = fc.record({
  name: fc.constantFrom(...NAMES),
  type: fc.constantFrom(...TYPES),
  tags: fc.subarray(['search', 'fraud', 'nlp']),
  versions: fc.array(fc.constantFrom<VersionStatus>('candidate', 'deprecated'), { maxLength: 4 }),
  hasActive: fc.boolean(),
  /** Per run: whether it passes its gate. */
  runs: fc.array(fc.boolean(), { maxLength: 2 }),
  /** Minutes after the epoch below of the model's last change. */
  minute: fc.integer({ min: 0, max: 30 }),
});
type ModelSpec = typeof ModelSpec extends fc.Arbitrary<infer T> ? T : never;

const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
const instant = (minute: number, second = 0) => new Date(EPOCH + minute * 60_000 + second * 1000).toISOString();

/** What a model's list row must say, from the generated spec rather than from the summary code. */
interface Expected {
  id: string;
  name_key: string;
  type: string;
  updated_at: string;
  gate_rank: number;
  statuses: Set<VersionStatus>;
  search: string;
}
const expected: Expected[] = [];

async function addModel(index: number, spec: ModelSpec): Promise<void> {
  const id = `m-${String(index).padStart(3, '0')}`;
  const created = instant(0);
  const statuses = [...(spec.hasActive ? ['active' as const] : []), ...spec.versions];
  const candidateVersions = statuses.flatMap((status, v) => (status === 'candidate' ? [`1.${v}.0`] : []));
  await db.transaction().execute(async (trx) => {
    await insertModel(trx, { id, name: spec.name, type: spec.type, owner: 'team', description: `model ${index}`, tags: spec.tags, policy: POLICY, created_at: created });
    await insertDeployment(trx, id, 'salt', created);
    for (const [v, status] of statuses.entries()) {
      await insertVersion(trx, {
        model_id: id,
        version: `1.${v}.0`,
        status,
        artifact_uri: `s3://bucket/${id}/1.${v}.0`,
        checksum: 'a'.repeat(64),
        runtime: { device: 'cpu' },
        framework: 'lightgbm',
        export_format: 'onnx',
        release_notes: '',
        metadata: {},
        created_at: instant(0, v + 1),
        created_by: 'ravi',
      });
    }
    for (const [r, passes] of spec.runs.entries()) {
      await insertEvalRun(trx, {
        id: `run_${id.replace('-', '')}r${r}0000`,
        model_id: id,
        version: '1.0.0',
        baseline_version: '1.0.0',
        dataset: { name: 'd', hash: 'b'.repeat(64) },
        started_at: instant(0, 10 + r),
        finished_at: instant(0, 20 + r),
        metrics: { 'ndcg@10': passes ? 0.5 : 0.3 },
        baseline_metrics: { 'ndcg@10': 0.5 },
        reported_by: 'svc:eval',
        reported_at: instant(0, 30 + r),
      });
    }
    // The model's last change: a policy edit (same gate) at its own minute.
    await updateModelPolicy(trx, id, POLICY, instant(spec.minute, 59));
  });
  const versionCount = (spec.hasActive ? 1 : 0) + spec.versions.length;
  expected.push({
    id,
    name_key: spec.name.toLowerCase(),
    type: spec.type,
    updated_at: instant(spec.minute, 59),
    gate_rank: spec.runs.length === 0 || versionCount === 0 ? 2 : spec.runs.at(-1) ? 1 : 0,
    statuses: new Set([...(spec.hasActive ? ['active' as const] : []), ...spec.versions]),
    // Written out here rather than through shared/logic/model-search.ts, so the test checks that function too.
    search: [id, spec.name, `model ${index}`, spec.type, 'team', spec.tags.join(' '), spec.hasActive ? '1.0.0' : '', candidateVersions.join(' ')]
      .join('\n')
      .toLowerCase(),
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-summaries-'));
  db = await openDatabase(await testDatabase(dir, 'summaries.db'));
  // A run needs its version: models without versions get no runs.
  const specs = fc.sample(ModelSpec, { seed: 12, numRuns: 40 }).map((spec) => (spec.hasActive || spec.versions.length > 0 ? spec : { ...spec, runs: [] }));
  for (const [index, spec] of specs.entries()) await addModel(index, spec);
});

afterAll(async () => {
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** Byte order (SQLite's BINARY, PostgreSQL's "C"), not JavaScript's UTF-16 order. */
function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

function expectedOrder(query: { sort: ModelSortKey; order: SortOrder; type?: string; status?: VersionStatus; q?: string }): string[] {
  const matching = expected.filter(
    (model) =>
      (query.type === undefined || model.type === query.type) &&
      (query.status === undefined || model.statuses.has(query.status)) &&
      (query.q === undefined || query.q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => model.search.includes(word))),
  );
  const keys = [...SORT_COLUMNS[query.sort], 'id'] as const;
  const value = (model: Expected, key: (typeof keys)[number]) => (key === 'id' ? model.id : model[key]);
  matching.sort((a, b) => {
    for (const key of keys) {
      const difference = compareValues(value(a, key), value(b, key));
      if (difference !== 0) return query.order === 'asc' ? difference : -difference;
    }
    return 0;
  });
  return matching.map((model) => model.id);
}

const Query = fc.record(
  {
    sort: fc.constantFrom<ModelSortKey>('name', 'updated', 'type', 'last_gate'),
    order: fc.constantFrom<SortOrder>('asc', 'desc'),
    type: fc.constantFrom(...TYPES),
    status: fc.constantFrom<VersionStatus>('active', 'candidate', 'deprecated'),
    // Several words match in any order, like the console's in-memory filter ('1 model', 'zeta alpha').
    q: fc.constantFrom('alpha', 'ZETA', 'x', 'm-01', 'search', 'model 1', '1 model', 'zeta alpha', ' m-01  x ', 'team', '1.1.0', '1.0.0 alpha', TYPES[0]!.toLowerCase()),
    limit: fc.integer({ min: 1, max: 9 }),
  },
  { requiredKeys: ['sort', 'order', 'limit'] },
);

/** A page as a client reads it: the JSON text the database assembled, parsed by the shared (strict) schema. */
const listPage = async (query: ModelListQuery): Promise<ModelListResponse> => ModelListResponse.parse(JSON.parse(await listModels(db, query)));
const versionPage = async (modelId: string, query: VersionListQuery): Promise<VersionListResponse> =>
  VersionListResponse.parse(JSON.parse(await listModelVersions(db, modelId, query)));

describe('registry list pages (keyset)', () => {
  it('returns each matching model exactly once, in order, whatever the sort, order, filters and page size', async () => {
    await fc.assert(
      fc.asyncProperty(Query, async (query) => {
        const seen: ModelSummary[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: ModelListResponse = await listPage({ ...query, ...(cursor ? { cursor } : {}) } as ModelListQuery);
          expect(page.items.length).toBeLessThanOrEqual(query.limit);
          if (page.next_cursor !== null) expect(page.items.length).toBe(query.limit);
          seen.push(...page.items);
          cursor = page.next_cursor;
          pages += 1;
          expect(pages).toBeLessThanOrEqual(expected.length + 1);
        } while (cursor !== null);
        expect(seen.map((item) => item.model.id)).toEqual(expectedOrder(query));
      }),
      { numRuns: 60, seed: 1212 },
    );
  });

  it('refuses a cursor of another order, and one not made by the server', async () => {
    const first = await listPage({ sort: 'name', order: 'asc', limit: 2 });
    await expect(listModels(db, { sort: 'name', order: 'desc', limit: 2, cursor: first.next_cursor! })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(listModels(db, { sort: 'updated', order: 'asc', limit: 2, cursor: first.next_cursor! })).rejects.toMatchObject({ code: 'invalid_request' });
    const forged = Buffer.from(JSON.stringify(['name', 'asc', { x: 1 }, 'm-001'])).toString('base64url');
    await expect(listModels(db, { sort: 'name', order: 'asc', limit: 2, cursor: forged })).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('summaries maintained by the writes', () => {
  it('equal a rebuild from the source tables after status changes, runs and deployment changes', async () => {
    const [first] = expected;
    await db.transaction().execute(async (trx) => {
      await insertVersion(trx, {
        model_id: first!.id,
        version: '9.0.0',
        status: 'candidate',
        artifact_uri: 's3://bucket/x',
        checksum: 'c'.repeat(64),
        runtime: { device: 'gpu' },
        framework: 'torch',
        export_format: 'onnx',
        release_notes: '',
        metadata: {},
        created_at: instant(40),
        created_by: 'ravi',
      });
      await applyStatusChanges(trx, first!.id, [{ version: '9.0.0', status: 'deprecated' }], instant(41));
      await insertEvalRun(trx, {
        id: 'run_latelate01',
        model_id: first!.id,
        version: '9.0.0',
        baseline_version: '9.0.0',
        dataset: { name: 'd', hash: 'b'.repeat(64) },
        started_at: instant(42),
        finished_at: instant(43),
        metrics: { 'ndcg@10': 0.1 },
        baseline_metrics: { 'ndcg@10': 0.5 },
        reported_by: 'svc:eval',
        reported_at: instant(43),
      });
      await replaceDeployment(
        trx,
        { model_id: first!.id, stable_version: null, canary_version: null, canary_pct: 0, phase: 'idle', state_version: 1, previous_stable: null, plan: [5, 25, 50, 100], updated_at: instant(44) },
        0,
      );
    });
    const before = await db.selectFrom('model_summaries').selectAll().orderBy('model_id').execute();
    const row = before.find((summary) => summary.model_id === first!.id)!;
    expect(row).toMatchObject({ updated_at: instant(44), gate_rank: 0, deprecated_count: expect.any(Number) });
    expect(JSON.parse(row.last_gate!)).toMatchObject({ run_id: 'run_latelate01', passed: false, failed_metrics: ['ndcg@10'] });
    await rebuildModelSummaries(db);
    const after = await db.selectFrom('model_summaries').selectAll().orderBy('model_id').execute();
    // The rebuild dates a change by the newest source row it finds, which a policy edit has none of.
    const withoutDates = (rows: typeof before) => rows.map(({ updated_at: _updated, ...rest }) => ({ ...rest, version_count: Number(rest.version_count) }));
    expect(withoutDates(after)).toEqual(withoutDates(before));
  });
});

describe('migration 064 (search text)', () => {
  it("rewrites every summary's search text to what the console's filter reads", async () => {
    await db.updateTable('model_summaries').set({ search_text: 'written by an older formula' }).execute();
    await rewriteSearchTexts(db as unknown as Kysely<unknown>);
    const rows = await db.selectFrom('model_summaries').select(['model_id', 'search_text']).orderBy('model_id').execute();
    expect(rows.map((row) => [row.model_id, row.search_text])).toEqual(
      [...expected].sort((a, b) => compareValues(a.id, b.id)).map((model) => [model.id, model.search]),
    );
  });
});

describe("a model's versions (keyset pages)", () => {
  const MODEL = 'many-versions';
  const VersionSpec = fc.record({
    core: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })),
    pre: fc.constantFrom('', '-alpha', '-alpha.1', '-beta.2', '-beta.11', '-rc.1', '-1'),
    build: fc.constantFrom('', '+b7'),
    status: fc.constantFrom<VersionStatus>('candidate', 'deprecated'),
    framework: fc.constantFrom('lightgbm', 'torch', 'onnxruntime'),
    device: fc.constantFrom<'cpu' | 'gpu'>('cpu', 'gpu'),
  });
  const stored: { version: string; key: string; seq: number; status: VersionStatus; haystack: string }[] = [];

  beforeAll(async () => {
    const specs = fc.sample(VersionSpec, { seed: 7, numRuns: 60 });
    await db.transaction().execute(async (trx) => {
      await insertModel(trx, { id: MODEL, name: 'Many versions', type: 'LTR', owner: 'team', description: '', tags: [], policy: {}, created_at: instant(0) });
      await insertDeployment(trx, MODEL, 'salt', instant(0));
      const names = new Set<string>();
      for (const spec of specs) {
        const version = `${spec.core.join('.')}${spec.pre}${spec.build}`;
        if (names.has(version)) continue;
        names.add(version);
        await insertVersion(trx, {
          model_id: MODEL,
          version,
          status: spec.status,
          artifact_uri: `s3://bucket/${version}`,
          checksum: 'a'.repeat(64),
          runtime: { device: spec.device },
          framework: spec.framework,
          export_format: 'onnx',
          release_notes: '',
          metadata: {},
          created_at: instant(1),
          created_by: 'ravi',
        });
      }
    });
    const rows = await db.selectFrom('model_versions').selectAll().where('model_id', '=', MODEL).execute();
    for (const row of rows) {
      stored.push({
        version: row.version,
        key: semverSortKey(row.version),
        seq: Number(row.seq),
        status: row.status,
        // The console's own filter reads this text: the BFF's SQL must find what it finds.
        haystack: versionSearchText({ ...row, runtime: JSON.parse(row.runtime) as { device: string } }),
      });
    }
  });

  const VersionQuery = fc.record(
    {
      sort: fc.constantFrom<VersionSortKey>('version', 'created'),
      order: fc.constantFrom<SortOrder>('asc', 'desc'),
      status: fc.constantFrom<VersionStatus>('candidate', 'deprecated'),
      q: fc.constantFrom('torch', 'alpha', '1.', '+b7', 'ONNXRUNTIME', 'GPU', 'candidate', 'torch gpu', 'b7 alpha', '  1. candidate '),
      limit: fc.integer({ min: 1, max: 13 }),
    },
    { requiredKeys: ['sort', 'order', 'limit'] },
  );

  it('returns each matching version exactly once, in semver or registration order', async () => {
    await fc.assert(
      fc.asyncProperty(VersionQuery, async (query) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: VersionListResponse = await versionPage(MODEL, { ...query, ...(cursor ? { cursor } : {}) } as VersionListQuery);
          expect(page.items.length).toBeLessThanOrEqual(query.limit);
          seen.push(...page.items.map((item) => item.version));
          cursor = page.next_cursor;
        } while (cursor !== null);
        const want = stored
          .filter((v) => (query.status === undefined || v.status === query.status) && (query.q === undefined || searchWordsOf(query.q).every((word) => v.haystack.includes(word))))
          .sort((a, b) => {
            const byKey = query.sort === 'version' ? compareValues(a.key, b.key) : 0;
            const difference = byKey !== 0 ? byKey : a.seq - b.seq;
            return query.order === 'asc' ? difference : -difference;
          })
          .map((v) => v.version);
        expect(seen).toEqual(want);
      }),
      { numRuns: 40, seed: 99 },
    );
  });

  it('lists newest version first by default; an unknown model is not_found', async () => {
    const page = await versionPage(MODEL, { limit: 3 } as VersionListQuery);
    const newest = [...stored].sort((a, b) => compareValues(b.key, a.key) || b.seq - a.seq).slice(0, 3);
    expect(page.items.map((item) => item.version)).toEqual(newest.map((v) => v.version));
    await expect(listModelVersions(db, 'no-such-model', { limit: 3 } as VersionListQuery)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe.runIf(TEST_ENGINE === 'sqlite')('query plans (SQLite)', () => {
  const plan = async (query: Parameters<typeof summaryPageQuery>[1]) => {
    const compiled = summaryPageQuery(db, query).compile();
    const result = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    return result.rows.map((row) => row.detail);
  };

  it('reads every order, with and without a type filter and a cursor, through an index and never sorts', async () => {
    for (const sort of ['name', 'updated', 'type', 'last_gate'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        for (const type of [undefined, 'LTR']) {
          for (const after of [undefined, { values: SORT_COLUMNS[sort].map((column) => (column === 'gate_rank' ? 1 : 'm')), modelId: 'm-010' }]) {
            const details = await plan({ sort, order, type, after, status: 'candidate', text: 'a', limit: 51 });
            const summaries = details.find((detail) => / s /.test(` ${detail} `) || detail.includes('model_summaries'));
            expect(summaries, JSON.stringify({ sort, order, type, details })).toMatch(/USING (COVERING )?INDEX model_summaries_/);
            if (type) expect(summaries).toMatch(/INDEX model_summaries_type_/);
            expect(details.join('\n')).not.toMatch(/TEMP B-TREE/);
          }
        }
      }
    }
  });

  it("reads a model's versions in either order, with or without a status and a cursor, through an index and never sorts", async () => {
    for (const sort of ['version', 'created'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        for (const status of [undefined, 'candidate' as const]) {
          for (const after of [undefined, { values: VERSION_SORT_COLUMNS[sort].map(() => 'k'), seq: 10 }]) {
            const compiled = versionPageQuery(db, 'm-001', { sort, order, status, after, text: 'a', limit: 51 }).compile();
            const result = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
            const details = result.rows.map((row) => row.detail).join('\n');
            expect(details, JSON.stringify({ sort, order, status, details })).toMatch(/(SEARCH|SCAN) model_versions USING (COVERING )?INDEX model_versions_model_/);
            expect(details).not.toMatch(/TEMP B-TREE/);
          }
        }
      }
    }
  });
});
