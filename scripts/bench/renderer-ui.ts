// Renderer benchmark, in Debian's Chromium (playwright-core): builds the
// renderer as `npm run build` does, serves it, installs a window.modelOps
// stand-in with generated data (the registry list answered by a worker that
// filters, sorts and pages like the BFF), and measures (1) the registry at
// 100,000 models (first rows on screen; keystrokes, type filter changes, sorts
// as main-thread CPU until the result is on screen) and at the largest size it
// still filters in memory, and a model's 100,000 versions filtered, (2) the gzip
// size of the initial renderer JavaScript (echarts is a lazy chunk and is
// reported apart), and (3) the first render of the eval trend chart over 1,000
// runs. Prints figures and each goal of issue 12 as a ratio; asserts nothing.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { resolveConfig } from 'electron-vite';
import { build, type InlineConfig } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { INVOKE_CHANNELS, PUSH_CHANNELS } from '../../shared/ipc/contract.js';

// The page-side functions below run in Chromium, not in Node (whose types this file is checked
// with): the few DOM names they use, declared for this module only.
interface PageElement {
  value: string;
  textContent: string | null;
  dispatchEvent(event: Event): boolean;
}
declare const document: { querySelector<E = PageElement>(selector: string): E | null; body: { offsetHeight: number; innerText: string } };
declare const window: { location: { hash: string } };
declare const requestAnimationFrame: (callback: () => void) => number;
declare const HTMLInputElement: { new (): PageElement; prototype: PageElement };
declare const HTMLSelectElement: { new (): PageElement; prototype: PageElement };
declare const Worker: new (url: string) => { onmessage: ((event: { data: { id: number; value: unknown } }) => void) | null; postMessage(message: unknown): void };
declare const self: unknown;
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, unknown>): void; disconnect(): void };

const ROWS = Number(process.env.BENCH_RENDERER_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RENDERER_RUNS ?? 1000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FRAME_MS = 1000 / 60;
/** The size of registry that is still read whole and filtered in memory (REGISTRY_LOCAL_LIMIT). */
const LOCAL_ROWS = Number(process.env.BENCH_RENDERER_LOCAL_ROWS ?? 5000);
/** With BENCH_SCREENSHOTS=dir, the registry in both modes and the versions table are saved there. */
const SCREENSHOTS = process.env.BENCH_SCREENSHOTS;

async function buildRenderer(outDir: string): Promise<string> {
  // The renderer config exactly as electron-vite resolves it for `npm run build` (base './',
  // Chrome target, minify), only written elsewhere.
  process.env.NODE_ENV_ELECTRON_VITE = 'production';
  const resolved = await resolveConfig({ build: { outDir }, logLevel: 'warn' }, 'build', 'production');
  const renderer = resolved.config?.renderer as InlineConfig | undefined;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  // A profile needs readable function names: no minification then.
  const profiling = process.env.BENCH_PROFILE ? { build: { ...renderer.build, minify: false } } : {};
  await build({ ...renderer, ...profiling, logLevel: 'warn' });
  return join(outDir, 'renderer');
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/bench-registry-backend.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(`var __name = (target) => target;\n(${registryBackend.toString()})(${Number(url.searchParams.get('rows'))});`);
      return;
    }
    try {
      const body = await readFile(join(root, path === '/' ? 'index.html' : path.replace(/^\/+/, '')));
      response.writeHead(200, { 'content-type': MIME[extname(path) || '.html'] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** Sizes of what the page loads before anything is clicked: its module scripts and their static imports. */
async function initialJs(root: string): Promise<{ initial: Array<[string, number, number]>; lazy: Array<[string, number, number]> }> {
  const html = await readFile(join(root, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]+src="\.\/([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="\.\/([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]!);
  const initial = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (initial.has(file)) return;
    initial.add(file);
    const code = await readFile(join(root, file), 'utf8');
    // Static imports only ("import ... from './x.js'" / "import './x.js'"); import() stays lazy.
    for (const match of code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[^'"()]*?\sfrom\s*)?["'](\.\/[^"']+\.js)["']/g)) {
      await visit(join(file, '..', match[1]!));
    }
  };
  for (const entry of entries) await visit(entry);
  const size = async (file: string): Promise<[string, number, number]> => {
    const code = await readFile(join(root, file));
    return [file, code.length, gzipSync(code, { level: 9 }).length];
  };
  const all = (await readdir(join(root, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  return {
    initial: await Promise.all([...initial].map(size)),
    lazy: await Promise.all(all.filter((f) => !initial.has(f)).map(size)),
  };
}

// ---------------------------------------------------------------------------
// The stand-in for window.modelOps, installed before the page's scripts. It is
// serialised into the page, so it may use nothing from this module's scope.

type StandInOptions = { invoke: string[]; push: string[]; rows: number; runs: number };

function installStandIn({ invoke, push, rows, runs }: StandInOptions): void {
  const iso = (days: number) => new Date(Date.UTC(2026, 10, 20) - days * 86_400_000).toISOString();
  const hex = (n: number) => (n.toString(16) + 'a'.repeat(64)).slice(0, 64);
  const types = ['LTR', 'RERANKER', 'EMBEDDING', 'RAG', 'CLASSIFIER'];
  const user = { id: 'usr_bench', username: 'bench', display_name: 'Bench Operator', roles: ['operator', 'approver'] };
  const model = (id: string, i: number) => ({
    id,
    name: `Bench model ${i}`,
    type: types[i % types.length],
    owner: `team-${i % 37}`,
    description: 'synthetic',
    tags: ['bench', `shard-${i % 11}`],
    policy: {},
    created_at: iso(400),
  });
  // The registry list is answered by a worker (registryBackend below, served by the bench's own
  // server): a BFF filters and sorts in another process, so its work must not land on the
  // page's main thread, which is what is measured. In flight: calls not answered yet.
  const backend = new Worker(`/bench-registry-backend.js?rows=${rows}`);
  const waiting = new Map<number, (value: unknown) => void>();
  let nextCall = 0;
  backend.onmessage = (event) => {
    // Message -1: the backend has built its data and orders.
    if (event.data.id === -1) Object.defineProperty(window, 'benchRegistryReady', { value: true });
    waiting.get(event.data.id)?.(event.data.value);
    waiting.delete(event.data.id);
  };
  // app:models:list, or app:models:versions when the request names a model.
  const listModels = (request: Record<string, unknown>) =>
    new Promise((resolve) => {
      const id = nextCall++;
      waiting.set(id, resolve);
      backend.postMessage({ id, request });
    });
  const versions = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      model_id: 'bench-versions',
      version: `${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`,
      artifact_uri: `s3://bench/bench-versions/${i}/model.onnx`,
      checksum: hex(i),
      runtime: { device: i % 2 ? 'gpu' : 'cpu', max_batch: 64, max_len: 512 },
      framework: i % 3 ? 'pytorch' : 'lightgbm',
      export_format: 'onnx',
      release_notes: '',
      metadata: {},
      status: i === count - 1 ? 'active' : i % 10 === 0 ? 'deprecated' : 'candidate',
      created_at: iso(count - i),
      created_by: 'ravi',
    }));
  const metricsAt = (i: number) => ({
    'ndcg@10': 0.45 + 0.0001 * i + 0.01 * Math.sin(i / 7),
    'mrr@10': 0.5 + 0.00008 * i,
    'recall@100': 0.9 + 0.00002 * i,
    zero_result_rate: 0.03 - 0.00001 * i,
    latency_proxy: 4 + Math.cos(i / 9),
  });
  const evalRuns = () =>
    Array.from({ length: runs }, (_, i) => {
      const metrics = metricsAt(i + 1);
      const baseline = metricsAt(i);
      const metricNames = Object.keys(metrics) as Array<keyof typeof metrics>;
      const delta = metricNames.map((metric) => {
        const lower = metric === 'zero_result_rate' || metric === 'latency_proxy';
        const abs = metrics[metric] - baseline[metric];
        return { metric, direction: lower ? 'lower_is_better' : 'higher_is_better', baseline: baseline[metric], candidate: metrics[metric], abs, rel: abs / baseline[metric], verdict: abs === 0 ? 'same' : abs > 0 !== lower ? 'better' : 'worse' };
      });
      const passed = i % 5 !== 0;
      return {
        id: `run_${hex(i).slice(0, 16)}`,
        model_id: 'bench-evals',
        version: `1.${Math.floor((i + 1) / 10)}.${(i + 1) % 10}`,
        baseline_version: `1.${Math.floor(i / 10)}.${i % 10}`,
        dataset: { name: 'bench-judgements', hash: hex(7) },
        started_at: iso(runs - i),
        finished_at: iso(runs - i),
        metrics,
        baseline_metrics: baseline,
        reported_by: 'eval-runner',
        reported_at: iso(runs - i),
        delta,
        gate: {
          passed,
          checks: [{ metric: 'ndcg@10', direction: 'higher_is_better', passed, message: passed ? 'ndcg@10 held' : 'ndcg@10 fell by 0.01 (2 %), more than the allowed 1 %', ...(passed ? {} : { reason: 'regression_rel', limit: 0.01, observed: 0.02 }) }],
          failed_metrics: passed ? [] : ['ndcg@10'],
        },
      };
    });
  const deployment = (id: string) => ({ model_id: id, stable_version: '0.0.1', canary_version: null, canary_pct: 0, phase: 'idle', state_version: 1, previous_stable: null, plan: [5, 25, 50, 100], updated_at: iso(1), dispatch: { status: 'none', target_kind: null, attempts: 0 } });
  const okValue = (value: unknown) => Promise.resolve({ ok: true, value });
  const handlers: Record<string, (request: Record<string, unknown>) => Promise<unknown>> = {
    'app:session:state': () => okValue({ status: 'signed_in', user, remembered: false }),
    'app:app:info': () => okValue({ name: 'Model Ops Console', version: 'bench', mode: 'local', bff_origin: null, platform: 'linux', badge_supported: false }),
    'app:settings:get': () => okValue({ settings: { bff_url: null, notifications_enabled: true, theme: 'light', run_in_background: 'approvers', launch_at_login: false }, locked: [], mode: 'local', bff_origin: null, policy: { path: '/etc/model-ops-console/policy.json', state: 'absent' }, restart_required: false }),
    'app:connection:state': () => okValue({ state: 'connected' }),
    'app:models:list': (request) => listModels(request).then(okValue),
    // The registry backend's types: model i has types[i % 5].
    'app:models:versions': (request) => listModels(request).then(okValue),
    'app:models:types': () => okValue({ items: types.map((type, k) => ({ type, count: Math.ceil((rows - k) / types.length) })).sort((a, b) => (a.type < b.type ? -1 : 1)) }),
    'app:models:get': (request) => {
      const id = String(request.model_id);
      return okValue({ model: model(id, 1), versions: versions(id === 'bench-versions' ? rows : 3), deployment: deployment(id) });
    },
    'app:evals:list': (request) => okValue({ items: request.model_id === 'bench-evals' ? evalRuns() : [] }),
    'app:audit:list': () => okValue({ items: [], next_cursor: null }),
    'app:approvals:list': () => okValue({ items: [], next_cursor: null }),
  };
  const camel = (text: string) => text.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const api: Record<string, Record<string, unknown>> = { on: {} };
  for (const channel of invoke) {
    const [, domain, verb] = channel.split(':') as [string, string, string];
    api[domain] ??= {};
    api[domain]![camel(verb)] = (request?: Record<string, unknown>) =>
      (handlers[channel] ?? (() => Promise.resolve({ ok: false, error: { code: 'internal', message: `bench: no ${channel}` } })))(request ?? {});
  }
  for (const channel of push) {
    const [, domain, verb] = channel.split(':') as [string, string, string];
    api.on![camel(`${domain}-${verb}`)] = () => () => {};
  }
  Object.defineProperty(window, 'modelOps', { value: api });
}

/**
 * The BFF's registry list, as a worker script: generates the same `rows` summaries and answers
 * `app:models:list` requests with the query the BFF takes (q, type, status, sort, order, cursor,
 * limit). Serialised like the stand-in, so it too may use nothing from this module's scope.
 * Its sort orders are built when it starts, as a BFF's indexes exist before the first request.
 */
function registryBackend(rows: number): void {
  const iso = (days: number) => new Date(Date.UTC(2026, 10, 20) - days * 86_400_000).toISOString();
  const hex = (n: number) => (n.toString(16) + 'a'.repeat(64)).slice(0, 64);
  const types = ['LTR', 'RERANKER', 'EMBEDDING', 'RAG', 'CLASSIFIER'];
  const phases = ['idle', 'canary', 'rolling', 'complete', 'rolled_back'];
  type Summary = {
    model: { id: string; name: string; type: string; owner: string; tags: string[] };
    active_version: string;
    candidate_versions: string[];
    version_count: number;
    deployment: { phase: string };
    last_gate: { passed: boolean; finished_at: string } | null;
  };
  const all: Summary[] = Array.from({ length: rows }, (_, i) => {
    const id = `bench-${String(i).padStart(6, '0')}`;
    const phase = phases[i % phases.length]!;
    const canary = phase === 'canary' || phase === 'rolling';
    return {
      model: { id, name: `Bench model ${i}`, type: types[i % types.length]!, owner: `team-${i % 37}`, description: 'synthetic', tags: ['bench', `shard-${i % 11}`], policy: {}, created_at: iso(400) },
      active_version: `1.${i % 50}.0`,
      candidate_versions: i % 3 === 0 ? [`1.${(i % 50) + 1}.0`] : [],
      version_count: 1 + (i % 9),
      deployment: { phase, stable_version: `1.${i % 50}.0`, canary_version: canary ? `1.${(i % 50) + 1}.0` : null, canary_pct: canary ? 25 : 0 },
      last_gate: i % 4 === 0 ? null : { run_id: `run_${hex(i).slice(0, 12)}`, version: `1.${i % 50}.0`, passed: i % 7 !== 0, failed_metrics: i % 7 === 0 ? ['ndcg@10'] : [], finished_at: iso(i % 30) },
    };
  });
  const haystacks = all.map((row) =>
    [row.model.id, row.model.name, row.model.type, row.model.owner, row.model.tags.join(' '), row.active_version, row.candidate_versions.join(' '), row.deployment.phase].join(' ').toLowerCase(),
  );
  const keyOf: Record<string, (row: Summary) => string | number> = {
    name: (row) => row.model.name,
    type: (row) => row.model.type,
    last_gate: (row) => (row.last_gate === null ? 2 : row.last_gate.passed ? 1 : 0),
    updated: (row) => row.last_gate?.finished_at ?? '',
  };
  const orders = new Map<string, Uint32Array>();
  for (const [key, of] of Object.entries(keyOf)) {
    const primary = all.map(of);
    const order = Uint32Array.from(all.keys());
    order.sort((a, b) => (primary[a]! < primary[b]! ? -1 : primary[a]! > primary[b]! ? 1 : a - b));
    orders.set(key, order);
  }
  const statusOf = (row: Summary, status: string) =>
    status === 'active' ? true : status === 'candidate' ? row.candidate_versions.length > 0 : row.version_count > 1 + row.candidate_versions.length;
  const scope = self as unknown as { onmessage: (event: { data: { id: number; request: Record<string, string | number | undefined> } }) => void; postMessage: (message: unknown) => void };
  scope.postMessage({ id: -1 });
  // A model's versions (app:models:versions), built on the first request: the stand-in's detail
  // read returns the same ones, `rows` of them, and the BFF answers newest first.
  let versionRows: Array<{ version: string; status: string; haystack: string; value: unknown }> | null = null;
  const versionsPage = (request: Record<string, string | number | undefined>) => {
    versionRows ??= Array.from({ length: rows }, (_, k) => {
      const i = rows - 1 - k;
      const version = `${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`;
      const status = i === rows - 1 ? 'active' : i % 10 === 0 ? 'deprecated' : 'candidate';
      const value = {
        model_id: 'bench-versions',
        version,
        artifact_uri: `s3://bench/bench-versions/${i}/model.onnx`,
        checksum: hex(i),
        runtime: { device: i % 2 ? 'gpu' : 'cpu', max_batch: 64, max_len: 512 },
        framework: i % 3 ? 'pytorch' : 'lightgbm',
        export_format: 'onnx',
        release_notes: '',
        metadata: {},
        status,
        created_at: iso(rows - i),
        created_by: 'ravi',
      };
      return { version, status, haystack: [version, value.artifact_uri, value.framework, value.export_format, value.created_by].join(' ').toLowerCase(), value };
    });
    const text = String(request.q ?? '').toLowerCase();
    const start = request.cursor ? Number(request.cursor) : 0;
    const limit = Number(request.limit ?? 50);
    const items: unknown[] = [];
    let seen = 0;
    let more = false;
    for (const row of versionRows) {
      if (request.status && row.status !== request.status) continue;
      if (text && !row.haystack.includes(text)) continue;
      if (seen++ < start) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(row.value);
    }
    return { items, next_cursor: more ? String(start + limit) : null };
  };
  scope.onmessage = ({ data: { id, request } }) => {
    if (request.model_id !== undefined) {
      scope.postMessage({ id, value: versionsPage(request) });
      return;
    }
    const order = orders.get(String(request.sort ?? 'name'))!;
    const descending = request.order === 'desc';
    const tokens = String(request.q ?? '').toLowerCase().split(/\s+/).filter((token) => token !== '');
    const start = request.cursor ? Number(request.cursor) : 0;
    const limit = Number(request.limit ?? 50);
    // The cursor is the count of matches already sent: skip that many, then take a page.
    const items: Summary[] = [];
    let seen = 0;
    let more = false;
    for (let k = 0; k < order.length; k++) {
      const i = order[descending ? order.length - 1 - k : k]!;
      const row = all[i]!;
      if (request.type && row.model.type !== request.type) continue;
      if (request.status && !statusOf(row, String(request.status))) continue;
      if (tokens.length > 0 && !tokens.every((token) => haystacks[i]!.includes(token))) continue;
      if (seen++ < start) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(row);
    }
    scope.postMessage({ id, value: { items, next_cursor: more ? String(start + limit) : null } });
  };
}

// ---------------------------------------------------------------------------
// Measurements in the page

/** Types each query into `selector` and times input event -> React commit -> style and layout. */
async function timeFiltering(page: Page, selector: string, queries: string[]): Promise<number[]> {
  const { total, commit } = await timeFilteringParts(page, selector, queries);
  lastCommitTimes = commit;
  return total;
}

/** Input event -> React commit, of the last timeFiltering call (the rest of the total is style and layout). */
let lastCommitTimes: number[] = [];

async function timeFilteringParts(page: Page, selector: string, queries: string[]): Promise<{ total: number[]; commit: number[] }> {
  return page.evaluate(
    async ({ selector, queries }) => {
      const input = document.querySelector(selector);
      if (!input) throw new Error(`no ${selector}`);
      const proto = input instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
      const setValue = Object.getOwnPropertyDescriptor(proto, 'value')!.set!;
      const total: number[] = [];
      const commit: number[] = [];
      for (const query of queries) {
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        const started = performance.now();
        setValue.call(input, query);
        input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
        // React flushes a discrete event's update synchronously or in a microtask queued during
        // the dispatch, so it has run by the time this await resumes; no frame is waited for.
        await Promise.resolve();
        commit.push(performance.now() - started);
        // Then force style and layout of the result: the rest of the frame's main-thread work but paint.
        void document.body.offsetHeight;
        total.push(performance.now() - started);
      }
      return { total, commit };
    },
    { selector, queries },
  );
}

/**
 * Keystrokes (or select changes) measured as CPU time of the renderer's main thread (CDP
 * Performance metric ThreadTime) instead of wall time: on a busy machine wall
 * time also counts the moments the thread waited for a core. The window ends
 * after the next CDP round trip, so it usually includes the frame's paint too;
 * the cost of an empty round trip (the same evaluate doing nothing) is subtracted.
 */
async function cpuFiltering(page: Page, selector: string, queries: string[]): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const threadTime = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
    return (metrics.find((metric) => metric.name === 'ThreadTime')?.value ?? Number.NaN) * 1000;
  };
  const settle = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  const step = (query: string | null) =>
    page.evaluate(
      ({ selector, query }) => {
        const input = document.querySelector(selector);
        if (!input || query === null) return Promise.resolve();
        const proto = input instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, query);
        input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
        // A screen that asks the BFF marks itself aria-busy until the answer is on screen: wait for it.
        // Observed, not polled: a polling loop would add its own main-thread time.
        return new Promise<void>((resolve) => {
          void Promise.resolve().then(() => {
            if (!document.querySelector('[aria-busy="true"]')) return resolve();
            const observer = new MutationObserver(() => {
              if (document.querySelector('[aria-busy="true"]')) return;
              observer.disconnect();
              resolve();
            });
            observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['aria-busy'] });
          });
        }).then(() => void document.body.offsetHeight);
      },
      { selector, query },
    );
  const measure = async (query: string | null) => {
    await settle();
    const before = await threadTime();
    await step(query);
    return (await threadTime()) - before;
  };
  const empty: number[] = [];
  for (let i = 0; i < 7; i++) empty.push(await measure(null));
  const overhead = stats(empty).median;
  const times: number[] = [];
  for (const query of queries) times.push(Math.max(0, (await measure(query)) - overhead));
  await cdp.detach();
  return times;
}

/**
 * With BENCH_TRACE=1, prints where the main thread's time went during `work` (trace event totals);
 * with BENCH_PROFILE_DIR=dir too, saves the trace events there (as BENCH_PROFILE saves its profiles).
 */
async function traced<T>(page: Page, label: string, work: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_TRACE) return work();
  const cdp = await page.context().newCDPSession(page);
  const events: Array<{ name: string; ph: string; dur?: number; tdur?: number }> = [];
  cdp.on('Tracing.dataCollected', ({ value }) => {
    for (const event of value) events.push(event as unknown as (typeof events)[number]);
  });
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8', transferMode: 'ReportEvents' });
  const result = await work();
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await done;
  if (process.env.BENCH_PROFILE_DIR) await writeFile(join(process.env.BENCH_PROFILE_DIR, `${label.replace(/[^a-z0-9]+/gi, '-')}.trace.json`), JSON.stringify(events));
  const totals = new Map<string, number>();
  for (const event of events) if (event.ph === 'X' && event.tdur !== undefined) totals.set(event.name, (totals.get(event.name) ?? 0) + event.tdur / 1000);
  console.log(`trace: ${label} (thread time, nested events overlap)`);
  for (const [name, time] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`  ${time.toFixed(1).padStart(8)} ms  ${name}`);
  return result;
}

/** With BENCH_PROFILE=1, prints the functions with the most self time during `work` (CDP CPU profile; saved as .cpuprofile under BENCH_PROFILE_DIR when set). */
async function profiled<T>(page: Page, label: string, work: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_PROFILE) return work();
  console.log(`profile: ${label}`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await work();
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] };
  };
  if (process.env.BENCH_PROFILE_DIR) await writeFile(join(process.env.BENCH_PROFILE_DIR, `${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`), JSON.stringify(profile));
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  for (const [name, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${time.toFixed(1).padStart(8)} ms  ${name}`);
  return result;
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { min: sorted[0]!, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
};

/** "median 9.1 ms, p95 …, max …, best …": the best run is the cost without interference from other processes. */
const spread = (values: number[]) => {
  const s = stats(values);
  return `median ${ms(s.median)}, p95 ${ms(s.p95)}, max ${ms(s.max)}, best ${ms(s.min)}`;
};

type Row = [string, string, string];
/** A figure with its goal: label, value, limit, unit. */
type Goal = [string, number, number, string];
const ms = (value: number) => `${value.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function printTable(rows: string[][]): void {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

async function standInContext(browser: Browser, rows: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  const options: StandInOptions = { invoke: Object.keys(INVOKE_CHANNELS), push: Object.keys(PUSH_CHANNELS), rows, runs: RUNS };
  // tsx (esbuild, keepNames) wraps functions in __name(...): give the page that helper too.
  await context.addInitScript({ content: `var __name = (target) => target;\n(${installStandIn.toString()})(${JSON.stringify(options)});` });
  return context;
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/**
 * The registry screen over `count` models: navigation -> first rows on screen (wall time), the
 * time until it has settled, then keystrokes, type filter changes and sorts as main-thread CPU.
 */
async function measureRegistry(context: BrowserContext, origin: string, count: number, errors: string[]) {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  const size = count.toLocaleString('en');
  const rows: Row[] = [];
  // Start on another screen, so the registry is read when it is opened, as after sign-in.
  await page.goto(`${origin}/#/approvals`);
  await page.waitForSelector('h1');
  // The stand-in BFF has built its data and orders (a real one has them before the console starts).
  await page.waitForFunction(() => (window as unknown as { benchRegistryReady?: boolean }).benchRegistryReady === true, undefined, { timeout: 120_000 });
  // (No named inner functions in page-side code: tsx would wrap them in its __name helper.)
  const firstRows = await page.evaluate(async () => {
    const started = performance.now();
    window.location.hash = '#/models';
    while (!document.querySelector('[role="grid"][aria-label="Models"] [role="row"][aria-rowindex="2"]')) await new Promise((resolve) => setTimeout(resolve, 1));
    return performance.now() - started;
  });
  rows.push([`registry of ${size}: navigation -> first rows on screen`, ms(firstRows), '< 300 ms']);
  const loadStarted = Date.now();
  await page
    .waitForFunction(() => document.querySelector('.page-count') && !document.querySelector('.page-count .spinner') && !document.querySelector('[aria-busy="true"]'), undefined, { timeout: 120_000 })
    .catch(async (error: unknown) => {
      const text = await page.evaluate(() => document.body.innerText.slice(0, 400));
      throw new Error(`the registry did not settle: ${String(error)}\npage: ${text}\nerrors: ${errors.join(' | ')}`);
    });
  const count_ = await page.evaluate(() => document.querySelector('.page-count')?.textContent ?? '');
  rows.push([`registry of ${size}: then settled ("${count_.trim()}")`, ms(firstRows + Date.now() - loadStarted), '—']);
  await screenshot(page, `registry-${count}`);
  const typing = ['b', 'be', 'ben', 'benc', 'bench-0', 'bench-01', 'bench-012', 'bench-0123', 'bench-01234', 'shard-3', 'team-7 shard-3', ''];
  const typed = await profiled(page, `registry of ${size}: keystrokes`, () =>
    traced(page, `registry of ${size}: keystrokes`, () => cpuFiltering(page, 'input[data-search-target]', [...typing, ...typing, ...typing])),
  );
  // With BENCH_VERBOSE=1, each query's three figures: which keystrokes cost the most.
  if (process.env.BENCH_VERBOSE) console.log(typing.map((query, i) => `  ${query || '(empty)'}: ${[0, 1, 2].map((round) => ms(typed[round * typing.length + i]!)).join(', ')}`).join('\n'));
  rows.push([`registry of ${size}: keystroke -> result on screen, main-thread CPU (n=${typed.length})`, spread(typed), `< ${FRAME_MS.toFixed(1)} ms`]);
  const typeSelect = '.toolbar-field:nth-of-type(1) select';
  const typeChange = await traced(page, `registry of ${size}: type filter x8`, () => cpuFiltering(page, typeSelect, ['LTR', 'RAG', '', 'EMBEDDING', '', 'CLASSIFIER', 'LTR', '']));
  rows.push([`registry of ${size}: type filter change, CPU (n=${typeChange.length})`, spread(typeChange), `< ${FRAME_MS.toFixed(1)} ms`]);
  const sortSelect = '.toolbar-field:nth-of-type(3) select';
  const [sortFirst] = await cpuFiltering(page, sortSelect, ['gate']);
  const sortAgain = await cpuFiltering(page, sortSelect, ['name', 'gate', 'name', 'gate', 'name', 'gate']);
  rows.push([`registry of ${size}: first sort by a new key, CPU`, ms(sortFirst!), `< ${FRAME_MS.toFixed(1)} ms`]);
  rows.push([`registry of ${size}: re-sort by a key used before, CPU (n=${sortAgain.length})`, spread(sortAgain), `< ${FRAME_MS.toFixed(1)} ms`]);
  await page.close();
  return { rows, firstRows, typed, typeChange, sortFirst: sortFirst!, sortAgain };
}

export default async function run(): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), 'renderer-bench-'));
  const { server, origin } = await serve(await buildRenderer(outDir));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const browserVersion = browser.version();
  const rows: Row[] = [['measure', 'figure', 'budget']];
  const goals: Goal[] = [];
  try {
    const sizes = await initialJs(join(outDir, 'renderer'));
    const initialGzip = sizes.initial.reduce((sum, [, , gz]) => sum + gz, 0);
    const initialRaw = sizes.initial.reduce((sum, [, raw]) => sum + raw, 0);
    rows.push([`initial renderer JS (${sizes.initial.map(([f]) => f.replace('assets/', '')).join(', ')})`, `${kb(initialGzip)} gzip (${kb(initialRaw)} raw)`, '< 350 kB gzip']);
    for (const [file, raw, gz] of sizes.lazy) rows.push([`  lazy chunk ${file.replace('assets/', '')}`, `${kb(gz)} gzip (${kb(raw)} raw)`, 'loaded on demand']);

    goals.push(['initial renderer JS, gzip', initialGzip / 1024, 175, 'kB']);
    const errors: string[] = [];
    let context: BrowserContext = await standInContext(browser, LOCAL_ROWS);
    const local = await measureRegistry(context, origin, LOCAL_ROWS, errors);
    await context.close();
    context = await standInContext(browser, ROWS);

    // (1a) Registry of ROWS models: the first rows on screen, then typed queries, filter changes
    // and sorts, each as main-thread CPU time until its result is on screen.
    const registry = await measureRegistry(context, origin, ROWS, errors);
    rows.push(...registry.rows);
    goals.push(
      [`registry of ${ROWS.toLocaleString('en')}: navigation -> first rows on screen`, registry.firstRows, 300, 'ms'],
      [`registry of ${ROWS.toLocaleString('en')}: keystroke, main-thread CPU p95`, stats(registry.typed).p95, FRAME_MS, 'ms'],
      [`registry of ${ROWS.toLocaleString('en')}: type filter change, CPU p95`, stats(registry.typeChange).p95, FRAME_MS, 'ms'],
      [`registry of ${ROWS.toLocaleString('en')}: first sort by a new key, CPU`, registry.sortFirst, FRAME_MS, 'ms'],
      [`registry of ${ROWS.toLocaleString('en')}: re-sort, CPU p95`, stats(registry.sortAgain).p95, FRAME_MS, 'ms'],
    );
    // (1a') A registry at the size that is still filtered in memory (all of it read once).
    rows.push(...local.rows);
    goals.push(
      [`registry of ${LOCAL_ROWS.toLocaleString('en')} (in memory): keystroke, CPU p95`, stats(local.typed).p95, FRAME_MS, 'ms'],
      [`registry of ${LOCAL_ROWS.toLocaleString('en')} (in memory): type filter change, CPU p95`, stats(local.typeChange).p95, FRAME_MS, 'ms'],
      [`registry of ${LOCAL_ROWS.toLocaleString('en')} (in memory): first sort by a new key, CPU`, local.sortFirst, FRAME_MS, 'ms'],
      [`registry of ${LOCAL_ROWS.toLocaleString('en')} (in memory): re-sort, CPU p95`, stats(local.sortAgain).p95, FRAME_MS, 'ms'],
    );

    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    // (1b) Versions of one model: 100,000 rows in the model screen's table.
    await page.goto(`${origin}/#/models/bench-versions`);
    await page.waitForSelector('[role="grid"][aria-label="Versions"]', { timeout: 120_000 });
    const versionTyping = ['1', '1.', '12.', '12.3', '12.34', 'gpu', 'gpu 99.', 'lightgbm', ''];
    const versionTimes = await timeFiltering(page, 'input[aria-label="Search versions"]', [...versionTyping, ...versionTyping, ...versionTyping]);
    rows.push([`versions: filter ${ROWS.toLocaleString('en')} versions per keystroke (n=${versionTimes.length})`, spread(versionTimes), `< ${FRAME_MS.toFixed(1)} ms`]);
    rows.push(['  of which input -> React commit', spread(lastCommitTimes), '']);
    const versionCpu = await profiled(page, 'versions: keystrokes', () =>
      traced(page, 'versions: keystrokes', () => cpuFiltering(page, 'input[aria-label="Search versions"]', [...versionTyping, ...versionTyping])),
    );
    rows.push(['  the same as main-thread CPU time, incl. the paint that follows', spread(versionCpu), `< ${FRAME_MS.toFixed(1)} ms`]);
    goals.push([`versions of one model, ${ROWS.toLocaleString('en')}: keystroke, CPU p95`, stats(versionCpu).p95, FRAME_MS, 'ms']);
    await screenshot(page, 'versions');

    // (3) Eval trend chart over 1,000 runs: first mount (includes loading the echarts chunk), then remounts.
    const chartTimes: number[] = [];
    let firstWithLoad = 0;
    for (let i = 0; i < 9; i++) {
      await page.evaluate(() => {
        performance.clearMeasures('eval-chart:trend');
        window.location.hash = '#/models/bench-evals';
      });
      await page.waitForSelector('.overview');
      const started = await page.evaluate(() => {
        window.location.hash = '#/models/bench-evals/evals';
        return performance.now();
      });
      await page.waitForFunction(() => performance.getEntriesByName('eval-chart:trend').length > 0, undefined, { timeout: 60_000 });
      const [duration, end] = await page.evaluate(() => {
        const entry = performance.getEntriesByName('eval-chart:trend')[0]!;
        return [entry.duration, entry.startTime + entry.duration];
      });
      if (i === 0) firstWithLoad = end - started;
      else chartTimes.push(duration);
    }
    rows.push([`eval trend chart, ${RUNS.toLocaleString('en')} runs: init + setOption + first frame (n=${chartTimes.length})`, spread(chartTimes), '< 150 ms']);
    goals.push([`eval trend chart of ${RUNS.toLocaleString('en')} runs, median`, stats(chartTimes).median, 50, 'ms']);
    rows.push(['eval report first open: navigation -> chart drawn (incl. echarts chunk load)', ms(firstWithLoad), '—']);
    if (errors.length > 0) rows.push(['page errors', errors.slice(0, 3).join(' | '), '']);
  } finally {
    await browser.close();
    server.close();
    await rm(outDir, { recursive: true, force: true });
  }
  printTable(rows);
  console.log('\ngoals (issue 12): figure / goal; held when the ratio is at most 1');
  printTable([
    ['goal', 'figure', 'ratio', ''],
    ...goals.map(([label, value, limit, unit]): [string, string, string, string] => [
      label,
      `${value.toFixed(1)} ${unit} / ${limit.toFixed(1)} ${unit}`,
      `${(value / limit).toFixed(2)}x`,
      value <= limit ? 'held' : 'NOT HELD',
    ]),
  ]);
  // Timings on a shared machine move with its load: say what it was.
  console.log(`(load average ${loadavg().map((n) => n.toFixed(2)).join(' / ')} on ${cpus().length} CPUs; Chromium ${browserVersion})`);
}
