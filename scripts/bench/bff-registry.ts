// Measures the registry's read paths over HTTP: GET /admin/models (pages,
// filters, cursors) and a model's detail, on the demo data and again after
// bulk-loading many models with 100,000 versions and their eval runs.
// Run by `npm run bench` (or `npm run bench -- bff-registry`); sizes from
// BENCH_MODELS, BENCH_VERSIONS_PER_MODEL, BENCH_RUNS_PER_MODEL (1000, 100, 20).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBff } from '../../bff/src/server.js';
import type { Db } from '../../bff/src/store/database.js';

const modelCount = Number(process.env.BENCH_MODELS ?? 1000);
const versionsPerModel = Number(process.env.BENCH_VERSIONS_PER_MODEL ?? 100);
const runsPerModel = Number(process.env.BENCH_RUNS_PER_MODEL ?? 20);

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function timeIt(label: string, samples: number, call: () => Promise<Response>): Promise<void> {
  const durations: number[] = [];
  let bytes = 0;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const response = await call();
    const text = await response.text();
    durations.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${label}: ${response.status} ${text.slice(0, 200)}`);
    bytes = text.length;
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!.toFixed(1);
  console.log(`${label.padEnd(58)} p50 ${at(0.5).padStart(7)} ms  p95 ${at(0.95).padStart(7)} ms  ${(bytes / 1024).toFixed(0)} KiB`);
}

/** Bulk rows straight into the tables: the benchmark measures reads, not the write API. */
async function bulkLoad(db: Db, at: string): Promise<void> {
  const policy = JSON.stringify({});
  const runtime = JSON.stringify({ device: 'cpu', max_batch: 256 });
  for (let m = 0; m < modelCount; m++) {
    const id = `bench-model-${String(m).padStart(5, '0')}`;
    const type = ['LTR', 'RERANKER', 'EMBEDDING', 'RAG'][m % 4]!;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('models')
        .values({ id, name: `Bench model ${m}`, type, owner: 'bench', description: `synthetic ${type} model number ${m}`, tags: JSON.stringify(['bench', type.toLowerCase()]), policy, created_at: at })
        .execute();
      const versions = Array.from({ length: versionsPerModel }, (_, v) => ({
        model_id: id,
        version: `1.${v}.0`,
        status: (v === versionsPerModel - 1 ? 'active' : v % 10 === 0 ? 'deprecated' : 'candidate') as 'active' | 'candidate' | 'deprecated',
        artifact_uri: `s3://bench/${id}/1.${v}.0/model.bin`,
        checksum: sha(`${id}@${v}`),
        runtime,
        framework: 'lightgbm',
        export_format: 'lightgbm-text',
        release_notes: 'synthetic',
        supported_until: null,
        metadata: JSON.stringify({ model_name: id, version: `1.${v}.0`, metrics: { 'ndcg@10': 0.5 } }),
        created_at: at,
        created_by: 'ravi',
        deprecated_reason: null,
      }));
      for (let i = 0; i < versions.length; i += 200) await trx.insertInto('model_versions').values(versions.slice(i, i + 200)).execute();
      const metrics = JSON.stringify({ 'ndcg@10': 0.51, 'mrr@10': 0.57, 'recall@100': 0.92, zero_result_rate: 0.02, latency_proxy: 4.4 });
      const baseline = JSON.stringify({ 'ndcg@10': 0.5, 'mrr@10': 0.56, 'recall@100': 0.92, zero_result_rate: 0.02, latency_proxy: 4.3 });
      const runs = Array.from({ length: runsPerModel }, (_, r) => ({
        id: `run_${sha(`${id}:${r}`).slice(0, 24)}`,
        model_id: id,
        version: `1.${versionsPerModel - 1 - (r % versionsPerModel)}.0`,
        baseline_version: '1.0.0',
        dataset_name: 'bench',
        dataset_hash: sha('bench'),
        started_at: new Date(Date.parse(at) - (r + 1) * 3600_000).toISOString(),
        finished_at: new Date(Date.parse(at) - r * 3600_000).toISOString(),
        metrics,
        baseline_metrics: baseline,
        reported_by: 'ravi',
        reported_at: at,
      }));
      if (runs.length > 0) await trx.insertInto('eval_runs').values(runs).execute();
      await trx
        .insertInto('deployments')
        .values({ model_id: id, stable_version: `1.${versionsPerModel - 1}.0`, canary_version: null, canary_pct: 0, phase: 'idle', state_version: 1, previous_stable: null, salt: sha(id).slice(0, 16), updated_at: at })
        .execute();
    });
  }
}

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-registry-'));
  const bff = await startBff({ dbFile: join(dir, 'bench.db'), port: 0, seedDemo: true });
  try {
    const login = await fetch(`${bff.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olivia', password: 'demo-olivia' }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const get = (path: string) => () => fetch(`${bff.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

    console.log('demo data (7 models)');
    await timeIt('GET /admin/models', 100, get('/admin/models'));
    await timeIt('GET /admin/models/ltr-ranker', 100, get('/admin/models/ltr-ranker'));

    const started = performance.now();
    await bulkLoad(bff.ctx.db, new Date().toISOString());
    const versionTotal = modelCount * versionsPerModel;
    console.log(
      `\nloaded ${modelCount} models, ${versionTotal} versions, ${modelCount * runsPerModel} eval runs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    await timeIt('GET /admin/models (limit 50)', 50, get('/admin/models'));
    await timeIt('GET /admin/models?limit=500', 20, get('/admin/models?limit=500'));
    const lastCursor = Buffer.from(`bench-model-${String(modelCount - 30).padStart(5, '0')}`).toString('base64url');
    await timeIt('GET /admin/models?cursor=<near the end>', 50, get(`/admin/models?cursor=${lastCursor}`));
    await timeIt('GET /admin/models?status=deprecated', 50, get('/admin/models?status=deprecated'));
    await timeIt('GET /admin/models?type=RAG&status=active', 50, get('/admin/models?type=RAG&status=active'));
    await timeIt('GET /admin/models?q=number 99 (text search)', 50, get('/admin/models?q=number%2099'));
    await timeIt(`GET /admin/models/bench-model-00000 (${versionsPerModel} versions)`, 50, get('/admin/models/bench-model-00000'));
    await timeIt('GET /admin/models/bench-model-00000/eval-runs', 50, get('/admin/models/bench-model-00000/eval-runs'));
  } finally {
    await bff.close();
    await rm(dir, { recursive: true, force: true });
  }
}
