// The JSON texts each model's summary stores for the registry's reads (migration
// 066; store/model-summaries.ts writeStoredTexts): after every write path that
// changes what they show, on SQLite and (bff-pg project) PostgreSQL, the stored
// list-item head (model, summary, deployment state) and versions array equal what the read-time builders compute
// from the rows now, and parse to exactly what the rows say; the list and the
// detail answer them. Migration 066 fills them in for a database that an older
// build left with models in it (through the frozen backfills of 050 and 066).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelDetailResponse, ModelListResponse } from '../../../shared/api/models.js';
import type { Model, ModelVersion } from '../../../shared/domain/model.js';
import { getModelDetail, listModels } from '../services/registry.js';
import type { BffContext } from '../context.js';
import { testDatabase } from '../testing/harness.js';
import { connectDatabase, openDatabase, type Db } from './database.js';
import { findDeployment, insertDeployment, replaceDeployment } from './deployments.js';
import { enqueueDispatch, updateDispatch } from './dispatches.js';
import { insertEvalRun } from './eval-runs.js';
import { migrateToLatest, migrateUpTo } from './migrate.js';
import { liveSummaryTexts, rebuildModelSummaries } from './model-summaries.js';
import { findModel, insertModel, updateModelPolicy } from './models.js';
import { saveServingTarget } from './serving-targets.js';
import { applyStatusChanges, deprecateVersion, insertVersion, listVersions } from './versions.js';

let dir: string;
let db: Db;

const AWKWARD = 'quote " backslash \\ tab \t newline \n bell \u0007 del \u007f line sep \u2028 émile 漢字 🚀 </script>';
const at = (minute: number) => new Date(Date.parse('2026-02-01T00:00:00.000Z') + minute * 60_000).toISOString();

const model: Model = {
  id: 'stored-texts',
  name: 'Stored "texts" \\ é',
  type: 'RERANKER',
  owner: `team ${AWKWARD}`,
  description: AWKWARD,
  tags: ['a', 'tag-2'],
  policy: { gate: { metrics: { 'ndcg@10': { direction: 'higher_is_better', max_regression_abs: 0.01 } } } },
  created_at: at(0),
};
const other: Model = { ...model, id: 'stored-texts-other', name: 'Other', policy: {}, tags: [] };

const version = (modelId: string, v: string, minute: number, extra: Partial<ModelVersion> = {}): ModelVersion => ({
  model_id: modelId,
  version: v,
  status: 'candidate',
  artifact_uri: `s3://bucket/${v}/model.bin`,
  checksum: 'c'.repeat(64),
  runtime: { device: 'gpu', max_batch: 64 },
  framework: 'torch "2"',
  export_format: 'onnx',
  release_notes: AWKWARD,
  metadata: { nothing: null, float: 0.1, tiny: 1.5e-9, list: [null, true, 'x', { deep: [[]] }], text: AWKWARD },
  created_at: at(minute),
  created_by: 'ravi',
  ...extra,
});

/**
 * The model's stored texts equal the live builders' and say what the rows say;
 * the detail and the list answer them.
 */
async function expectCurrent(db: Db, modelId: string): Promise<void> {
  const texts = await liveSummaryTexts(db, modelId);
  expect(texts, `summary of ${modelId}`).toBeDefined();
  expect(texts!.stored).toEqual(texts!.live);

  const versions = await listVersions(db, modelId);
  expect(JSON.parse(texts!.stored.versions_json!)).toEqual(versions);
  const summary = await db.selectFrom('model_summaries').select('last_gate').where('model_id', '=', modelId).executeTakeFirstOrThrow();
  // The head is open twice (a page adds the deployment's dispatch view): closed here to read it.
  const deployment = (await findDeployment(db, modelId))!;
  expect(JSON.parse(`${texts!.stored.item_head!}}}`)).toEqual({
    model: await findModel(db, modelId),
    active_version: versions.find((v) => v.status === 'active')?.version ?? null,
    candidate_versions: versions
      .filter((v) => v.status === 'candidate')
      .map((v) => v.version)
      .reverse(),
    version_count: versions.length,
    last_gate: summary.last_gate === null ? null : (JSON.parse(summary.last_gate) as unknown),
    deployment: { phase: deployment.phase, stable_version: deployment.stable_version, canary_version: deployment.canary_version, canary_pct: deployment.canary_pct },
  });

  const detail = ModelDetailResponse.parse(JSON.parse(await getModelDetail({ db } as BffContext, modelId)));
  expect(detail.versions).toEqual(versions);
  expect(detail.model).toEqual(await findModel(db, modelId));
  expect(detail.deployment).toEqual(await findDeployment(db, modelId));
  const list = ModelListResponse.parse(JSON.parse(await listModels(db, { sort: 'name', order: 'asc', limit: 100 })));
  const item = list.items.find((entry) => entry.model.id === modelId)!;
  expect(item.model).toEqual(detail.model);
  const { plan: _plan, model_id: _id, state_version: _state, previous_stable: _previous, updated_at: _updated, ...shown } = detail.deployment;
  expect(item.deployment).toEqual(shown);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stored-texts-'));
  db = await openDatabase(await testDatabase(dir, 'stored-texts.db'));
});

afterAll(async () => {
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('stored JSON texts after every write path', () => {
  it('a new model without versions', async () => {
    await db.transaction().execute(async (trx) => {
      for (const m of [model, other]) {
        await insertModel(trx, m);
        await insertDeployment(trx, m.id, 'salt', m.created_at);
      }
    });
    expect((await liveSummaryTexts(db, model.id))!.stored.versions_json).toBe('[]');
    await expectCurrent(db, model.id);
  });

  it('registering versions (optional fields present and absent)', async () => {
    await db.transaction().execute(async (trx) => {
      await insertVersion(trx, version(model.id, '1.0.0', 1, { supported_until: '2027-06-30' }));
      await insertVersion(trx, version(model.id, '1.1.0', 2, { metadata: {} }));
      await insertVersion(trx, version(model.id, '1.2.0', 3));
      await insertVersion(trx, version(other.id, '0.1.0', 3));
    });
    await expectCurrent(db, model.id);
    await expectCurrent(db, other.id);
  });

  it('a promotion and a rollback (status changes)', async () => {
    await db.transaction().execute((trx) => applyStatusChanges(trx, model.id, [{ version: '1.1.0', status: 'active' }], at(4)));
    await expectCurrent(db, model.id);
    await db.transaction().execute((trx) =>
      applyStatusChanges(
        trx,
        model.id,
        [
          { version: '1.1.0', status: 'candidate' },
          { version: '1.0.0', status: 'active' },
        ],
        at(5),
      ),
    );
    await expectCurrent(db, model.id);
  });

  it('a deprecation (its reason appears, awkward characters and all)', async () => {
    await db.transaction().execute((trx) => deprecateVersion(trx, model.id, '1.2.0', `retired: ${AWKWARD}`, at(6)));
    await expectCurrent(db, model.id);
    expect(JSON.parse((await liveSummaryTexts(db, model.id))!.stored.versions_json!)[0]).toMatchObject({ status: 'deprecated', deprecated_reason: `retired: ${AWKWARD}` });
  });

  it('an eval run (the last gate) and a policy change (the gate and the model)', async () => {
    await db.transaction().execute((trx) =>
      insertEvalRun(trx, {
        id: 'run_storedtexts01',
        model_id: model.id,
        version: '1.1.0',
        baseline_version: '1.0.0',
        dataset: { name: 'golden', hash: 'a'.repeat(64) },
        started_at: at(7),
        finished_at: at(8),
        metrics: { 'ndcg@10': 0.4 },
        baseline_metrics: { 'ndcg@10': 0.5 },
        reported_by: 'ravi',
        reported_at: at(8),
      }),
    );
    await expectCurrent(db, model.id);
    const before = (await liveSummaryTexts(db, model.id))!.stored.item_head!;
    expect(before).toContain('"passed":false');

    await db.transaction().execute((trx) =>
      updateModelPolicy(trx, model.id, { gate: { metrics: { 'ndcg@10': { direction: 'higher_is_better', max_regression_abs: 0.5 } } } }, at(9)),
    );
    await expectCurrent(db, model.id);
    expect((await liveSummaryTexts(db, model.id))!.stored.item_head!).toContain('"passed":true');
  });

  it('a rollout step (in the stored head) and a dispatch change (live in the list, not in the stored head)', async () => {
    const deployment = (await findDeployment(db, model.id))!;
    await db.transaction().execute(async (trx) => {
      const moved = await replaceDeployment(
        trx,
        { model_id: model.id, stable_version: '1.0.0', canary_version: '1.1.0', canary_pct: 10, phase: 'canary', state_version: deployment.state_version + 1, previous_stable: null, plan: deployment.plan, updated_at: at(10) },
        deployment.state_version,
      );
      expect(moved).toBe(true);
      await saveServingTarget(trx, model.id, { kind: 'haproxy', runtime_api: '127.0.0.1:9999', backend: 'stored' }, at(10), 'olivia');
      const delivery = await enqueueDispatch(trx, model.id, deployment.state_version + 1, 'haproxy', at(10));
      await updateDispatch(trx, model.id, delivery, { status: 'failed', attempts: 2, last_error: AWKWARD });
    });
    await expectCurrent(db, model.id);
  });

  it('a summary without its stored head is refused, not sent as broken JSON', async () => {
    await db.updateTable('model_summaries').set({ item_head: null }).where('model_id', '=', other.id).execute();
    await expect(listModels(db, { sort: 'name', order: 'asc', limit: 100 })).rejects.toThrow(/without its stored item text/);
    await rebuildModelSummaries(db);
    await expectCurrent(db, other.id);
  });

  it('rows written around the store (a bulk import) get their texts from the rebuild', async () => {
    await db.updateTable('model_versions').set({ release_notes: 'imported notes' }).where('model_id', '=', other.id).execute();
    const stale = await liveSummaryTexts(db, other.id);
    expect(stale!.stored.versions_json).not.toEqual(stale!.live.versions_json);
    await rebuildModelSummaries(db);
    await expectCurrent(db, other.id);
    await expectCurrent(db, model.id);
  });
});

describe('migration 066 on a database an older build left', () => {
  it('fills the texts of every existing model (after the frozen backfill of 050)', async () => {
    const location = await testDatabase(dir, 'upgrade.db');
    const old = connectDatabase(location);
    try {
      // As the build before the summaries (041) left it: models, versions, a run, deployments.
      await migrateUpTo(old as unknown as Kysely<unknown>, '041-sealed-signing-keys');
      const untyped = old as unknown as Kysely<Record<string, Record<string, unknown>>>;
      for (const [i, m] of [model, other].entries()) {
        await untyped
          .insertInto('models')
          .values({ id: m.id, name: m.name, type: m.type, owner: m.owner, description: m.description, tags: JSON.stringify(m.tags), policy: JSON.stringify(m.policy), created_at: m.created_at })
          .execute();
        await untyped
          .insertInto('deployments')
          .values({ model_id: m.id, stable_version: null, canary_version: null, canary_pct: 0, phase: 'idle', state_version: 0, previous_stable: null, salt: 'salt', updated_at: at(1) })
          .execute();
        for (const [n, v] of ['1.0.0', '1.1.0', '2.0.0-rc.1'].slice(0, 3 - i).entries()) {
          const row = version(m.id, v, 2 + n, n === 0 ? { status: 'active', supported_until: '2027-01-01' } : n === 2 ? { status: 'deprecated', deprecated_reason: AWKWARD } : {});
          await untyped
            .insertInto('model_versions')
            .values({ ...row, runtime: JSON.stringify(row.runtime), metadata: JSON.stringify(row.metadata), supported_until: row.supported_until ?? null, deprecated_reason: row.deprecated_reason ?? null })
            .execute();
        }
      }
      await untyped
        .insertInto('eval_runs')
        .values({
          id: 'run_upgrade0001',
          model_id: model.id,
          version: '1.1.0',
          baseline_version: '1.0.0',
          dataset_name: 'golden',
          dataset_hash: 'a'.repeat(64),
          started_at: at(5),
          finished_at: at(6),
          metrics: JSON.stringify({ 'ndcg@10': 0.4 }),
          baseline_metrics: JSON.stringify({ 'ndcg@10': 0.5 }),
          reported_by: 'ravi',
          reported_at: at(6),
        })
        .execute();

      await migrateToLatest(old as unknown as Kysely<unknown>);
      for (const m of [model, other]) await expectCurrent(old, m.id);
      // The frozen backfills wrote what the store's rebuild writes today.
      const migrated = await old.selectFrom('model_summaries').selectAll().orderBy('model_id').execute();
      await rebuildModelSummaries(old);
      const rebuilt = await old.selectFrom('model_summaries').selectAll().orderBy('model_id').execute();
      expect(migrated).toEqual(rebuilt);
      expect(migrated).toHaveLength(2);
    } finally {
      await old.destroy();
    }
  });
});
