// The JSON texts the database writes for the registry's reads (json-text.ts) say
// exactly what the rows say, on SQLite and (bff-pg project) PostgreSQL: awkward
// strings (quotes, backslashes, control characters, line separators, non-ASCII),
// optional fields present and absent, JSON columns with nulls, floats and depth.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelDetailResponse, ModelListResponse, VersionListResponse, type VersionListQuery } from '../../../shared/api/models.js';
import { ModelVersion, type Model } from '../../../shared/domain/model.js';
import { getModelDetail, listModels, listModelVersions } from '../services/registry.js';
import type { BffContext } from '../context.js';
import { testDatabase } from '../testing/harness.js';
import { openDatabase, type Db } from './database.js';
import { findDeployment, insertDeployment } from './deployments.js';
import { enqueueDispatch, updateDispatch } from './dispatches.js';
import { saveServingTarget } from './serving-targets.js';
import { findModel, insertModel } from './models.js';
import { applyStatusChanges, deprecateVersion, insertVersion, listVersions, listVersionsJson } from './versions.js';

let dir: string;
let db: Db;

const AWKWARD = 'quote " backslash \\ tab \t newline \n bell \u0007 unit \u001f del \u007f line sep \u2028 para \u2029 émile 漢字 🚀 </script>';

const model: Model = {
  id: 'awkward-model',
  name: 'Awkward "model" \\ é',
  type: 'RERANKER',
  owner: 'team \u2028 x',
  description: AWKWARD,
  tags: ['a', 'tag-2'],
  policy: { gate: { metrics: { 'ndcg@10': { direction: 'higher_is_better', max_regression_abs: 0.01, max_regression_rel: 1e-7 } } } },
  created_at: '2026-01-01T00:00:00.000Z',
};

const version = (v: string, extra: Partial<ModelVersion> = {}): ModelVersion => ({
  model_id: model.id,
  version: v,
  status: 'candidate',
  artifact_uri: `s3://bucket/${v}/model.bin`,
  checksum: 'c'.repeat(64),
  runtime: { device: 'gpu', max_batch: 64, max_len: 512 },
  framework: 'torch "2"',
  export_format: 'onnx',
  release_notes: AWKWARD,
  metadata: { nothing: null, float: 0.1, tiny: 1.5e-9, big: 9007199254740991, negative: -0, list: [null, true, 'x', { deep: { deeper: [[]] } }], text: AWKWARD },
  created_at: `2026-01-02T00:00:0${v.split('.')[1]}.000Z`,
  created_by: 'ravi',
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'json-text-'));
  db = await openDatabase(await testDatabase(dir, 'json-text.db'));
  await db.transaction().execute(async (trx) => {
    await insertModel(trx, model);
    await insertDeployment(trx, model.id, 'salt', model.created_at);
    await insertVersion(trx, version('1.0.0', { supported_until: '2027-06-30' }));
    await insertVersion(trx, version('1.1.0', { metadata: {} }));
    await insertVersion(trx, version('1.2.0'));
    await applyStatusChanges(trx, model.id, [{ version: '1.2.0', status: 'active' }], '2026-01-03T00:00:00.000Z');
    await deprecateVersion(trx, model.id, '1.0.0', `no longer supported: ${AWKWARD}`, '2026-01-04T00:00:00.000Z');
  });
});

afterAll(async () => {
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('JSON texts written by the database', () => {
  it("a model's versions say what the rows say, optional fields absent when NULL", async () => {
    const parsed = JSON.parse(await listVersionsJson(db, model.id)) as unknown[];
    expect(parsed).toEqual(await listVersions(db, model.id));
    for (const value of parsed) expect(ModelVersion.parse(value)).toEqual(value);
    const [newest, middle, oldest] = parsed as ModelVersion[];
    expect(newest).not.toHaveProperty('supported_until');
    expect(newest).not.toHaveProperty('deprecated_reason');
    expect(middle!.metadata).toEqual({});
    expect(oldest).toMatchObject({ supported_until: '2027-06-30', deprecated_reason: `no longer supported: ${AWKWARD}`, status: 'deprecated' });
  });

  it("a model without versions answers an empty array", async () => {
    expect(await listVersionsJson(db, 'no-such-model')).toBe('[]');
  });

  it('the detail, a versions page and a list page parse with the shared schemas and carry the stored values', async () => {
    const ctx = { db } as BffContext;
    const detail = ModelDetailResponse.parse(JSON.parse(await getModelDetail(ctx, model.id)));
    expect(detail.model).toEqual(await findModel(db, model.id));
    expect(detail.deployment).toEqual(await findDeployment(db, model.id));
    expect(detail.versions).toEqual(await listVersions(db, model.id));

    const page = VersionListResponse.parse(JSON.parse(await listModelVersions(db, model.id, { limit: 2 } as VersionListQuery)));
    expect(page.items).toEqual((await listVersions(db, model.id)).slice(0, 2));

    const list = ModelListResponse.parse(JSON.parse(await listModels(db, { sort: 'name', order: 'asc', limit: 10 })));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toEqual({
      model,
      active_version: '1.2.0',
      candidate_versions: ['1.1.0'],
      version_count: 3,
      deployment: { phase: 'idle', stable_version: null, canary_version: null, canary_pct: 0, dispatch: { status: 'none', target_kind: null, attempts: 0 } },
      last_gate: null,
    });
    expect(list.next_cursor).toBeNull();
  });

  it("a list item's dispatch status is the detail's, for a target with an outbox row full of awkward values", async () => {
    await db.transaction().execute(async (trx) => {
      await saveServingTarget(trx, model.id, { kind: 'haproxy', runtime_api: '127.0.0.1:9999', backend: 'awkward' }, '2026-01-05T00:00:00.000Z', 'olivia');
      const delivery = await enqueueDispatch(trx, model.id, 1, 'haproxy', '2026-01-05T00:00:00.000Z');
      await updateDispatch(trx, model.id, delivery, {
        status: 'failed',
        attempts: 3,
        last_error: `${AWKWARD} ${'x'.repeat(1200)}`,
        applied_at: '2026-01-05T00:01:00.000Z',
        next_attempt_at: '2026-01-05T00:02:00.000Z',
        observed: JSON.stringify({ '1.2.0': 95, '1.1.0': 5 }),
      });
    });
    const detail = ModelDetailResponse.parse(JSON.parse(await getModelDetail({ db } as BffContext, model.id)));
    const list = ModelListResponse.parse(JSON.parse(await listModels(db, { sort: 'updated', order: 'desc', limit: 10 })));
    expect(detail.deployment.dispatch).toMatchObject({ status: 'failed', target_kind: 'haproxy', attempts: 3, observed: { '1.2.0': 95, '1.1.0': 5 } });
    expect(detail.deployment.dispatch?.last_error).toHaveLength(1000);
    expect(list.items[0]!.deployment.dispatch).toEqual(detail.deployment.dispatch);
  });
});
