// Measures the registry's read paths over HTTP: GET /admin/models (pages,
// filters, cursors) and a model's detail, on the demo data and again after
// bulk-loading many models with 100,000 versions and their eval runs; on
// SQLite and, with `--db postgres://…` (or `--db temp`), on PostgreSQL beside it,
// then the list's throughput with one and two replicas behind HAProxy.
// Run by `npm run bench` (or `npm run bench -- bff-registry [--db …]`); sizes from
// BENCH_MODELS, BENCH_VERSIONS_PER_MODEL, BENCH_RUNS_PER_MODEL (1000, 100, 20),
// load from BENCH_THROUGHPUT_REQUESTS and BENCH_THROUGHPUT_CONCURRENCY (1000, 8).
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { build as viteBuild } from 'vite';
import { bundleAllBut } from '../bundling.mjs';
import { semverSortKey } from '../../shared/logic/semver-key.js';
import { sql } from 'kysely';
import { startBff } from '../../bff/src/server.js';
import { signingKeySecretFrom } from '../../bff/src/services/report-signing.js';
import type { Db } from '../../bff/src/store/database.js';
import { rebuildModelSummaries } from '../../bff/src/store/model-summaries.js';
import { isPostgresUrl, redactLocation } from '../../bff/src/store/engine.js';
import { startPgCluster, withClient, type PgCluster } from '../../bff/src/testing/pg-cluster.js';
import { startHaproxy, startReplica, type LoadBalancer, type Replica } from '../../bff/src/testing/replicas.js';

const modelCount = Number(process.env.BENCH_MODELS ?? 1000);
const versionsPerModel = Number(process.env.BENCH_VERSIONS_PER_MODEL ?? 100);
const runsPerModel = Number(process.env.BENCH_RUNS_PER_MODEL ?? 20);

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** The q-quantile of ascending durations. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * The floor a read is compared with: a bare Fastify route (no plugins, no
 * auth, no database) answering the very bytes the BFF answered for that path,
 * from memory, on the same loopback and through the same client.
 */
async function startFloor(): Promise<{ url: string; serve(path: string, body: string): void; close(): Promise<void> }> {
  const bodies = new Map<string, string>();
  const floor = Fastify();
  floor.get('/*', (request, reply) => reply.type('application/json; charset=utf-8').send(bodies.get(request.url) ?? '{}'));
  const url = await floor.listen({ host: '127.0.0.1', port: 0 });
  return { url, serve: (path, body) => bodies.set(path, body), close: () => floor.close() };
}

export interface FloorGoal {
  p50: number;
  p99: number;
}

/**
 * One read against its floor, interleaved (floor, BFF, floor, BFF …) so that
 * the load of the machine at any moment weighs on both alike; prints p50 and
 * p99 of each and their ratios, and whether `goal` (ratios) held.
 */
async function versusFloor(
  label: string,
  samples: number,
  floor: Awaited<ReturnType<typeof startFloor>>,
  bffUrl: string,
  path: string,
  headers: Record<string, string>,
  goal?: FloorGoal,
): Promise<void> {
  // A keep-alive connection left idle through a long bulk load may be gone: one retry.
  const first = await fetch(`${bffUrl}${path}`, { headers }).catch(() => fetch(`${bffUrl}${path}`, { headers }));
  const body = await first.text();
  if (first.status !== 200) throw new Error(`${label}: ${first.status} ${body.slice(0, 200)}`);
  floor.serve(path, body);
  // This process's CPU time per request too (client and server run here for both): unlike the wall time,
  // it hardly moves with what else the machine runs. For PostgreSQL it leaves out the database's processes.
  const cpu = { floor: [] as number[], bff: [] as number[] };
  const timed = async (url: string, init?: RequestInit, cpuTimes?: number[]) => {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const response = await fetch(url, init);
    const text = await response.text();
    const used = process.cpuUsage(cpuStarted);
    if (response.status !== 200 || text.length !== body.length) throw new Error(`${label}: ${response.status}, ${text.length} bytes, expected ${body.length}`);
    cpuTimes?.push((used.user + used.system) / 1000);
    return performance.now() - started;
  };
  // Warm both (JIT, connection pools, SQLite page cache, the garbage of a bulk load) before counting.
  for (let i = 0; i < 50; i++) {
    await timed(`${floor.url}${path}`);
    await timed(`${bffUrl}${path}`, { headers });
  }
  const floorTimes: number[] = [];
  const bffTimes: number[] = [];
  for (let i = 0; i < samples; i++) {
    floorTimes.push(await timed(`${floor.url}${path}`, undefined, cpu.floor));
    bffTimes.push(await timed(`${bffUrl}${path}`, { headers }, cpu.bff));
  }
  floorTimes.sort((a, b) => a - b);
  bffTimes.sort((a, b) => a - b);
  cpu.floor.sort((a, b) => a - b);
  cpu.bff.sort((a, b) => a - b);
  const cpuRatio = quantile(cpu.bff, 0.5) / quantile(cpu.floor, 0.5);
  const p50 = quantile(bffTimes, 0.5) / quantile(floorTimes, 0.5);
  const p99 = quantile(bffTimes, 0.99) / quantile(floorTimes, 0.99);
  const verdict = goal ? `  goal p50 ≤ ${goal.p50}x, p99 ≤ ${goal.p99}x: ${p50 <= goal.p50 && p99 <= goal.p99 ? 'HELD' : 'MISSED'}` : '';
  results.push({ label: `${currentTarget}: ${label}`, p50, p99, goal, held: goal ? p50 <= goal.p50 && p99 <= goal.p99 : undefined });
  console.log(
    `${label.padEnd(52)} p50 ${quantile(bffTimes, 0.5).toFixed(2).padStart(6)} ms = ${p50.toFixed(1).padStart(4)}x  p99 ${quantile(bffTimes, 0.99).toFixed(2).padStart(6)} ms = ${p99.toFixed(1).padStart(4)}x  (floor ${quantile(floorTimes, 0.5).toFixed(2)} / ${quantile(floorTimes, 0.99).toFixed(2)} ms, ${(body.length / 1024).toFixed(0)} KiB)  cpu p50 ${quantile(cpu.bff, 0.5).toFixed(2)} ms = ${cpuRatio.toFixed(1)}x (floor ${quantile(cpu.floor, 0.5).toFixed(2)})${verdict}`,
  );
}

/** The engine being measured, for the summary. */
let currentTarget = '';
const results: { label: string; p50: number; p99: number; goal?: FloorGoal | undefined; held?: boolean | undefined }[] = [];
/** Issue 12, goal 1: the list's pages and the model detail at full size. */
const READ_GOAL: FloorGoal = { p50: 2, p99: 3 };

/** `count` version rows of a model as the store writes them (1.0.0 … newest active, every tenth deprecated), for bulk loads. */
export function syntheticVersionRows(modelId: string, count: number, at: string) {
  const runtime = JSON.stringify({ device: 'cpu', max_batch: 256 });
  return Array.from({ length: count }, (_, v) => ({
    model_id: modelId,
    version: `1.${v}.0`,
    status: (v === count - 1 ? 'active' : v % 10 === 0 ? 'deprecated' : 'candidate') as 'active' | 'candidate' | 'deprecated',
    artifact_uri: `s3://bench/${modelId}/1.${v}.0/model.bin`,
    checksum: sha(`${modelId}@${v}`),
    runtime,
    framework: 'lightgbm',
    export_format: 'lightgbm-text',
    release_notes: 'synthetic',
    supported_until: null,
    metadata: JSON.stringify({ model_name: modelId, version: `1.${v}.0`, metrics: { 'ndcg@10': 0.5 } }),
    created_at: at,
    created_by: 'ravi',
    deprecated_reason: null,
    version_key: semverSortKey(`1.${v}.0`),
  }));
}

/** Bulk rows straight into the tables: the benchmark measures reads, not the write API. */
export async function bulkLoad(db: Db, at: string): Promise<void> {
  const policy = JSON.stringify({});
  for (let m = 0; m < modelCount; m++) {
    const id = `bench-model-${String(m).padStart(5, '0')}`;
    const type = ['LTR', 'RERANKER', 'EMBEDDING', 'RAG'][m % 4]!;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('models')
        .values({ id, name: `Bench model ${m}`, type, owner: 'bench', description: `synthetic ${type} model number ${m}`, tags: JSON.stringify(['bench', type.toLowerCase()]), policy, created_at: at })
        .execute();
      const versions = syntheticVersionRows(id, versionsPerModel, at);
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

interface Target {
  label: string;
  /** A SQLite file or a postgres:// URL, fresh for this run. */
  location: string;
}

export async function signIn(url: string, username = 'olivia'): Promise<string> {
  const login = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `demo-${username}` }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  return ((await login.json()) as { access_token: string }).access_token;
}

/**
 * The cursor of the page that starts 30 models before the end, found by paging
 * through as a client would (the cursor's format is the server's business).
 */
export async function cursorNearEnd(url: string, headers: Record<string, string>): Promise<string> {
  let position = 0;
  let cursor: string | null = null;
  while (position < modelCount - 30) {
    const limit = Math.min(500, modelCount - 30 - position);
    const response = await fetch(`${url}/admin/models?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { headers });
    const page = (await response.json()) as { items: unknown[]; next_cursor: string | null };
    position += page.items.length;
    cursor = page.next_cursor;
    if (cursor === null) throw new Error('the registry ended before its last 30 models');
  }
  return cursor!;
}

/**
 * A BFF on a bulk-loaded SQLite file in a temporary folder, signed in, with the
 * three goal reads' paths (the probes in scripts/bench-probes profile these).
 */
export async function startLoadedRegistry(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const bff = await startBff({ dbFile: join(dir, 'bench.db'), port: 0, seedDemo: true, settings: SETTINGS });
  const close = async () => {
    await bff.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await bulkLoad(bff.ctx.db, new Date().toISOString());
    await rebuildModelSummaries(bff.ctx.db);
    const headers = { authorization: `Bearer ${await signIn(bff.url)}` };
    const paths = ['/admin/models', `/admin/models?cursor=${await cursorNearEnd(bff.url, headers)}`, '/admin/models/bench-model-00000'];
    return { bff, headers, paths, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** List and detail, on the demo data and then at full size, through one server on `location`. */
async function measureReads(target: Target): Promise<void> {
  const bff = await startBff({
    dbFile: target.location,
    port: 0,
    seedDemo: true,
    settings: { ...SETTINGS, signingKeySecret: signingKeySecretFrom(REPLICA_ENV) },
  });
  currentTarget = target.label;
  const floor = await startFloor();
  try {
    const token = await signIn(bff.url);
    const headers = { authorization: `Bearer ${token}` };
    const read = (label: string, path: string, samples: number, goal?: FloorGoal) => versusFloor(label, samples, floor, bff.url, path, headers, goal);

    console.log(`\n--- ${target.label} ---\ndemo data (7 models); each read against a bare Fastify route serving the same bytes`);
    await read('GET /admin/models', '/admin/models', 100);
    await read('GET /admin/models/ltr-ranker', '/admin/models/ltr-ranker', 100);

    const started = performance.now();
    await bulkLoad(bff.ctx.db, new Date().toISOString());
    // Rows written around the store need their list summaries, as any bulk import does.
    await rebuildModelSummaries(bff.ctx.db);
    // PostgreSQL plans from statistics; autovacuum would gather them a little later, a deployment's
    // bulk import should run ANALYZE itself (SQLite's planner needs none for these queries).
    if (bff.engine === 'postgres') await sql`analyze`.execute(bff.ctx.db);
    const versionTotal = modelCount * versionsPerModel;
    console.log(
      `\nloaded ${modelCount} models, ${versionTotal} versions, ${modelCount * runsPerModel} eval runs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    // 1,000 samples: a p99 of 300 was the 3rd-slowest sample, set by a single stall of the machine on either side.
    const samples = Number(process.env.BENCH_SAMPLES ?? 1000);
    await read('GET /admin/models (limit 50)', '/admin/models', samples, READ_GOAL);
    await read('GET /admin/models?cursor=<30 before the end>', `/admin/models?cursor=${await cursorNearEnd(bff.url, headers)}`, samples, READ_GOAL);
    await read(`GET /admin/models/bench-model-00000 (${versionsPerModel} versions)`, '/admin/models/bench-model-00000', samples, READ_GOAL);
    await read('GET /admin/models?limit=500', '/admin/models?limit=500', 30);
    await read('GET /admin/models?status=deprecated', '/admin/models?status=deprecated', 50);
    await read('GET /admin/models?type=RAG&status=active', '/admin/models?type=RAG&status=active', 50);
    await read('GET /admin/models?q=number 99 (text search)', '/admin/models?q=number%2099', 50);
    await read('GET /admin/models/bench-model-00000/eval-runs', '/admin/models/bench-model-00000/eval-runs', 50);
  } finally {
    await floor.close();
    await bff.close();
  }
}

// Sign-ins of a benchmark are not an attack.
const SETTINGS = { authRateLimitPerMinute: 1_000_000 };
/** What every server of one run shares: the token and signing-key secrets (README, "Several replicas"). */
const REPLICA_ENV = {
  BFF_ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64'),
  BFF_SIGNING_KEY_SECRET: randomBytes(32).toString('base64'),
  BFF_AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
};
const THROUGHPUT_REQUESTS = Number(process.env.BENCH_THROUGHPUT_REQUESTS ?? 1000);
const THROUGHPUT_CONCURRENCY = Number(process.env.BENCH_THROUGHPUT_CONCURRENCY ?? 8);

/**
 * A bounded load loop: `concurrency` workers, each on its own keep-alive
 * connection (node's http Agent), share `total` GETs of one path.
 */
async function throughput(label: string, base: string, path: string, token: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: THROUGHPUT_CONCURRENCY });
  const url = new URL(path, base);
  const durations: number[] = [];
  const failures = new Map<string, number>();
  const failed = (reason: string) => failures.set(reason, (failures.get(reason) ?? 0) + 1);
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const request = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode === 200) durations.push(performance.now() - started);
          else failed(`HTTP ${response.statusCode}`);
          resolve();
        });
      });
      request.on('error', (error) => {
        failed(error.message);
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: THROUGHPUT_CONCURRENCY }, async () => {
      while (next < THROUGHPUT_REQUESTS) {
        next += 1;
        await one();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  durations.sort((a, b) => a - b);
  const at = (q: number) => (durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? NaN).toFixed(1);
  console.log(
    `${label.padEnd(58)} ${(durations.length / seconds).toFixed(0).padStart(6)} req/s  p50 ${at(0.5).padStart(7)} ms  p95 ${at(0.95).padStart(7)} ms  ${[...failures].map(([reason, n]) => `${n} × ${reason}`).join(', ') || 'no failures'}`,
  );
}

/** GET /admin/models through HAProxy with one, then two replicas (child processes) on the loaded PostgreSQL database. */
async function measureReplicas(location: string): Promise<void> {
  const env = REPLICA_ENV;
  const replicas: Replica[] = [];
  let lb: LoadBalancer | undefined;
  try {
    replicas.push(await startReplica({ location, env }), await startReplica({ location, env }));
    console.log(`\nthroughput, ${THROUGHPUT_REQUESTS} requests over ${THROUGHPUT_CONCURRENCY} keep-alive connections (HAProxy round-robin)`);
    for (const count of [1, 2]) {
      lb = await startHaproxy(replicas.slice(0, count).map((replica, index) => ({ name: `bff${index}`, port: replica.port })));
      const token = await signIn(lb.url);
      await throughput(`GET /admin/models (limit 50), ${count} replica${count > 1 ? 's' : ''}`, lb.url, '/admin/models', token);
      await lb.stop();
      lb = undefined;
    }
  } finally {
    await lb?.stop();
    for (const replica of replicas) await replica.stop();
  }
}

/**
 * `--db postgres://…` (a server where this user may create databases; the
 * benchmark works in a scratch database it drops afterwards) or `--db temp`
 * (a throwaway PostgreSQL 15 cluster): PostgreSQL is measured beside SQLite,
 * then the list's throughput with one and two replicas behind HAProxy.
 */
/** Issue 12, goal 4: local mode's start to first data against a bare Fastify start-and-answer. */
const LOCAL_START_GOAL = { existing: 1.5, firstRun: 2.5 };

type ProbeMarks = { loaded: number; listening: number; signedIn?: number; firstData: number; cpu: number; bytes: number };

/**
 * Runs a compiled probe in a fresh `node` (no tsx). `wall`: from spawn until its line of
 * marks arrives, which it prints the moment it has the first data (process start-up
 * included, its shutdown not: start to first data); `exit`: until the process has exited.
 */
async function runProbe(file: string, args: string[]): Promise<{ wall: number; exit: number; marks: ProbeMarks }> {
  const started = performance.now();
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let wall: number | undefined;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    if (wall === undefined && out.includes('\n')) wall = performance.now() - started;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const exit = performance.now() - started;
  if (code !== 0 || wall === undefined) throw new Error(`${file} exited with ${code}`);
  return { wall, exit, marks: JSON.parse(out.trim().split('\n').at(-1)!) as ProbeMarks };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Local mode, from a fresh process to the first registry page on screen's data:
 * the embedded BFF as compiled for the console (scripts/bench-probes/local-start.ts:
 * unix socket, sign-in as the console does, GET /admin/models), with an existing
 * database and on a first run (new database, demo seed), against a bare Fastify
 * app started on a unix socket answering the same bytes. Each figure runs from the
 * spawn until the probe reports its first data (its shutdown is not start-up); rounds
 * interleave the probes.
 */
async function measureLocalStart(dir: string): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const outDir = join(root, 'out', 'bench-probes');
  // bundled: packages compiled in as in the console's main bundle (scripts/bundling.mjs); else loaded from node_modules.
  const buildProbes = (input: Record<string, string>, bundled: boolean) => {
    const bundling = bundleAllBut();
    return viteBuild({
      root,
      configFile: false,
      logLevel: 'warn',
      ...(bundled ? { ssr: bundling.ssr } : {}),
      build: {
        ssr: true,
        outDir: join(outDir, bundled ? 'bundled' : 'plain'),
        emptyOutDir: true,
        target: 'node20',
        rolldownOptions: {
          input,
          ...(bundled ? { external: bundling.external } : {}),
          output: { format: 'es', entryFileNames: '[name].js' },
          checks: { ineffectiveDynamicImport: false },
        },
      },
    });
  };
  // The probe is built as the console's main bundle builds the same module; the floor as a
  // Fastify app usually runs (fastify from node_modules), and once bundled too, for reference.
  await buildProbes({ 'local-start': 'scripts/bench-probes/local-start.ts', 'floor-start': 'scripts/bench-probes/floor-start.ts' }, true);
  await buildProbes({ 'floor-start': 'scripts/bench-probes/floor-start.ts' }, false);
  const localProbe = join(outDir, 'bundled', 'local-start.js');
  const floorProbe = join(outDir, 'plain', 'floor-start.js');
  const bundledFloorProbe = join(outDir, 'bundled', 'floor-start.js');
  const existingDb = join(dir, 'local-existing.sqlite');
  await runProbe(localProbe, [existingDb]);
  const bodyFile = join(dir, 'floor-body.json');
  // The floor answers as many bytes as the BFF's first page (the demo registry's).
  const sample = await runProbe(localProbe, [existingDb]);
  await writeFile(bodyFile, JSON.stringify({ items: [], pad: 'x'.repeat(Math.max(0, sample.marks.bytes - 24)) }));
  const rounds = Number(process.env.BENCH_LOCAL_ROUNDS ?? 7);
  const floor: Awaited<ReturnType<typeof runProbe>>[] = [];
  const bundledFloor: typeof floor = [];
  const existing: typeof floor = [];
  const firstRun: typeof floor = [];
  for (let round = 0; round < rounds; round++) {
    floor.push(await runProbe(floorProbe, [bodyFile]));
    bundledFloor.push(await runProbe(bundledFloorProbe, [bodyFile]));
    existing.push(await runProbe(localProbe, [existingDb]));
    firstRun.push(await runProbe(localProbe, [join(dir, `local-first-${round}.sqlite`)]));
  }
  const floorWall = median(floor.map((run) => run.wall));
  const floorCpu = median(floor.map((run) => run.marks.cpu));
  const line = (label: string, runs: typeof floor, goal?: number) => {
    const wall = median(runs.map((run) => run.wall));
    const exit = median(runs.map((run) => run.exit));
    const ratio = wall / floorWall;
    const at = (mark: keyof ProbeMarks) => median(runs.map((run) => run.marks[mark] ?? NaN)).toFixed(0);
    const cpuRatio = median(runs.map((run) => run.marks.cpu)) / floorCpu;
    const held = goal === undefined ? undefined : ratio <= goal;
    if (goal !== undefined) results.push({ label: `local mode: ${label}`, p50: ratio, p99: ratio, goal: { p50: goal, p99: goal }, held });
    console.log(
      `${label.padEnd(40)} ${wall.toFixed(0).padStart(5)} ms = ${ratio.toFixed(2)}x  (exited at ${exit.toFixed(0)} ms; modules loaded ${at('loaded')}, listening ${at('listening')}${runs[0]!.marks.signedIn === undefined ? '' : `, signed in ${at('signedIn')}`}, first data ${at('firstData')} ms after process start; CPU ${at('cpu')} ms = ${cpuRatio.toFixed(2)}x)${goal === undefined ? '' : `  goal ≤ ${goal}x: ${held ? 'HELD' : 'MISSED'}`}`,
    );
  };
  console.log(`\n--- local mode start to first data (spawn of a fresh node process until it has the first page; compiled, unix socket; median of ${rounds}) ---`);
  line('bare Fastify start-and-answer (floor)', floor);
  line('  the same, fastify bundled (reference)', bundledFloor);
  line('existing database', existing, LOCAL_START_GOAL.existing);
  line('first run (new database, demo seed)', firstRun, LOCAL_START_GOAL.firstRun);
}

export default async function run(options: string[] = []): Promise<void> {
  // --only reads | local-start: one part of the benchmark.
  const { values } = parseArgs({ args: options, options: { db: { type: 'string' }, only: { type: 'string' } }, strict: true });
  const dir = await mkdtemp(join(tmpdir(), 'bench-registry-'));
  try {
    if (values.only !== 'local-start') await measureReads({ label: 'SQLite', location: join(dir, 'bench.db') });
    if (values.only !== 'reads') await measureLocalStart(dir);
    if (values.db) await measurePostgres(values.db);
    printGoals();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Which of issue 12's goals held in this run. */
function printGoals(): void {
  console.log('\nissue 12 goals (ratios against the floor measured in this run)');
  for (const result of results) {
    if (!result.goal) continue;
    console.log(`  ${result.held ? 'HELD  ' : 'MISSED'} ${result.label}: p50 ${result.p50.toFixed(2)}x (≤ ${result.goal.p50}x), p99 ${result.p99.toFixed(2)}x (≤ ${result.goal.p99}x)`);
  }
}

async function measurePostgres(db: string): Promise<void> {
  let cluster: PgCluster | undefined;
  try {
    let adminUrl = db;
    if (adminUrl === 'temp') {
      cluster = await startPgCluster();
      adminUrl = cluster.adminUrl;
    }
    if (!isPostgresUrl(adminUrl)) throw new Error('--db takes a postgres:// URL or "temp"');
    const scratch = `modelops_bench_${Date.now()}`;
    await withClient(adminUrl, (client) => client.query(`create database ${scratch}`));
    const url = new URL(adminUrl);
    url.pathname = `/${scratch}`;
    try {
      await measureReads({ label: `PostgreSQL (${redactLocation(adminUrl)})`, location: url.toString() });
      await measureReplicas(url.toString());
    } finally {
      await withClient(adminUrl, (client) => client.query(`drop database if exists ${scratch} with (force)`));
    }
  } finally {
    await cluster?.stop();
  }
}
