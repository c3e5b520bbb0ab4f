// `npm run demo:serving`: watch an approved rollout move real traffic on one
// machine. Starts HAProxy (Runtime API on loopback) in front of small HTTP
// model servers that answer their version, a demo BFF whose ltr-ranker and
// bert-sentiment are served by that HAProxy, and a bounded traffic generator
// that prints the split HAProxy actually produces. Approve a canary in the
// console (olivia requests, arjun approves) and the split moves.
// Options: --port N (BFF, default 8787), --db FILE (default: a temporary file),
// --ticks N (stop after N reports; default: until Ctrl-C), --auto-canary (after
// the first report, olivia requests and arjun approves a 5 % canary of
// ltr-ranker 2.1.0 over HTTP, as two people would in their consoles),
// --failing-canary (as --auto-canary, but ltr-ranker 2.1.0 answers 500 for 20 %
// of its requests: its online gate fails and the BFF rolls it back on its own,
// README "Online canary analysis").
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBff } from '../bff/src/server.js';
import { DEMO_USERS, demoPassword } from '../bff/src/seed/demo.js';
import { setServing } from '../bff/src/services/serving/serving-service.js';
import { findDeployment } from '../bff/src/store/deployments.js';
import { haproxyInstalled, HAPROXY_BIN, measureSplit, startHaproxy, startModelServer } from '../bff/src/testing/haproxy.js';
import { startTraffic, type RunningTraffic } from '../bff/src/testing/traffic.js';
import { applyOnlineGate } from '../bff/src/services/policy-changes.js';
import { findCanaryStep } from '../bff/src/store/canary-analysis.js';

const TICK_MS = 2000;
/** Requests per model per report: bounded load, enough for a readable share. */
const REQUESTS_PER_TICK = 400;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    db: { type: 'string' },
    ticks: { type: 'string' },
    'auto-canary': { type: 'boolean', default: false },
    'failing-canary': { type: 'boolean', default: false },
  },
  strict: true,
});

if (!haproxyInstalled()) {
  console.error(`demo:serving needs HAProxy, and ${HAPROXY_BIN} is not there.`);
  console.error('Install it (Debian/Ubuntu: sudo apt-get install haproxy) or point HAPROXY_BIN at it, then run npm run demo:serving again.');
  process.exit(1);
}

const MODELS = [
  { id: 'ltr-ranker', backend: 'ltr', stable: '2.0.0', versions: [['2.0.0'], ['2.0.0', 'b'], ['2.1.0'], ['2.2.0']] },
  { id: 'bert-sentiment', backend: 'bert', stable: '1.0.0', versions: [['1.0.0'], ['1.1.0']] },
] as const;

const dir = await mkdtemp(join(tmpdir(), 'demo-serving-'));
const backends = await Promise.all(
  MODELS.map(async (model) => {
    // --failing-canary: ltr-ranker 2.1.0 answers 500 to every 5th request.
    const failEvery = (version: string) => (values['failing-canary'] && model.id === 'ltr-ranker' && version === '2.1.0' ? { failEvery: 5 } : {});
    const servers = await Promise.all(model.versions.map(([version, suffix]) => startModelServer(version, suffix, failEvery(version))));
    const initialWeights = Object.fromEntries(servers.filter((s) => s.version === model.stable).map((s) => [s.serverName, 100]));
    return { name: model.backend, servers, initialWeights };
  }),
);
const haproxy = await startHaproxy(backends);
const bff = await startBff({ dbFile: values.db ?? join(dir, 'demo.db'), port: Number(values.port), seedDemo: true });

// Set up as an admin would with PUT /admin/models/{id}/serving; the step-up is the demo's own start.
for (const model of MODELS) {
  await setServing(bff.ctx, { username: 'demo-setup' }, model.id, { target: { kind: 'haproxy', runtime_api: haproxy.runtimeApi, backend: model.backend } }, async (_trx, now) => ({
    authTime: now.toISOString(),
  }));
}

const failing = values['failing-canary'];
let ltrTraffic: RunningTraffic | null = null;
if (failing) {
  // A short online gate so the demo shows a rollback within seconds (the defaults judge every minute).
  const gate = { interval_s: 2, min_requests: 10, max_error_rate_increase_pts: 1, max_p95_latency_ratio: 1.2, latency_noise_floor_ms: 50, bake_intervals: 3, fail_intervals: 3 };
  // It loosens LTR's default, which in the console waits for a second admin (two-person rule 10): the demo's setup writes it itself, audited.
  await bff.ctx.db.transaction().execute((trx) =>
    applyOnlineGate(trx, new Date().toISOString(), { username: 'demo-setup' }, { id: 'ltr-ranker', type: 'LTR' }, { before: null, after: gate }, { demo: true }),
  );
  // Steady traffic (the gate needs enough canary requests per interval); answers are counted per version and status.
  ltrTraffic = startTraffic(haproxy.frontendPorts.get('ltr')!, { ratePerSecond: 200, maxRequests: 2_000_000 });
  console.log(`ltr-ranker's online gate: ${JSON.stringify(gate)}`);
}

console.log(`HAProxy ${haproxy.runtimeApi.replace('tcp://', 'Runtime API ')}; frontends ${MODELS.map((m) => `${m.id} http://127.0.0.1:${haproxy.frontendPorts.get(m.backend)}/`).join(', ')}`);
console.log(`BFF ${bff.url}  (users: ${DEMO_USERS.map((u) => `${u.username}/${demoPassword(u.username)}`).join(', ')})`);
console.log('In the console: Settings -> BFF URL = the address above; as olivia request a canary of ltr-ranker 2.1.0, as arjun approve it.');
console.log(`Every ${TICK_MS / 1000} s, ${REQUESTS_PER_TICK} requests per model go through HAProxy; the answers per version:\n`);

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await ltrTraffic?.stop();
  await bff.close();
  await haproxy.stop();
  await rm(dir, { recursive: true, force: true });
  process.exit(code);
};
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

async function call(path: string, token: string | null, body: unknown, stepUp?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${bff.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(stepUp ? { 'x-step-up-token': stepUp } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** What olivia and arjun would do in their consoles: request with step-up, approve with step-up. */
async function autoCanary(): Promise<void> {
  const session = async (username: string) => {
    const { access_token: token } = (await call('/auth/login', null, { username, password: demoPassword(username) })) as { access_token: string };
    const stepUp = async (purpose: string) => ((await call('/auth/step-up', token, { password: demoPassword(username), purpose })) as { step_up_token: string }).step_up_token;
    return { token, stepUp };
  };
  const [olivia, arjun] = [await session('olivia'), await session('arjun')];
  const { request } = (await call('/admin/models/ltr-ranker/rollout', olivia.token, { target_version: '2.1.0', strategy: 'canary', justification: 'demo:serving' }, await olivia.stepUp('rollout'))) as {
    request: { id: string; intent_digest: string };
  };
  await call(`/admin/approvals/${request.id}/approve`, arjun.token, { comment: 'demo', intent_digest: request.intent_digest }, await arjun.stepUp('approve'));
  console.log('          olivia requested a 5 % canary of ltr-ranker 2.1.0; arjun approved it');
}

let lastAnswers = new Map<string, number>();
/** Answers since the last report per `<version> <status>`, then the online analysis of the live step. */
async function ltrLine(traffic: RunningTraffic): Promise<string> {
  const now = new Map(traffic.counts.answers);
  const since = [...now].map(([key, n]) => [key, n - (lastAnswers.get(key) ?? 0)] as const).filter(([, n]) => n > 0);
  lastAnswers = now;
  const deployment = await findDeployment(bff.ctx.db, 'ltr-ranker');
  const step = await findCanaryStep(bff.ctx.db, 'ltr-ranker');
  const analysis = step ? ` online ${step.status} (${step.consecutive_passes} passed, ${step.consecutive_failures} failed in a row)` : '';
  const rolledBack = deployment?.phase === 'rolled_back' ? ' ROLLED BACK by system:canary-analysis' : '';
  return `${since.sort().map(([key, n]) => `${key}×${n}`).join(', ')} [${deployment?.dispatch.status ?? '?'}]${analysis}${rolledBack}`;
}

const ticks = values.ticks === undefined ? Infinity : Number(values.ticks);
for (let tick = 0; tick < ticks && !stopping; tick++) {
  const parts: string[] = [];
  for (const model of MODELS) {
    if (ltrTraffic && model.id === 'ltr-ranker') {
      parts.push(`${model.id}: ${await ltrLine(ltrTraffic)}`);
      continue;
    }
    const counts = await measureSplit(haproxy.frontendPorts.get(model.backend)!, REQUESTS_PER_TICK, 4);
    const split = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([version, n]) => `${version} ${((100 * n) / REQUESTS_PER_TICK).toFixed(1)} %`);
    const dispatch = (await findDeployment(bff.ctx.db, model.id))?.dispatch;
    parts.push(`${model.id}: ${split.join(', ')} [${dispatch?.status ?? '?'}]`);
  }
  console.log(`${new Date().toISOString().slice(11, 19)}  ${parts.join('   ')}`);
  if (tick === 0 && (values['auto-canary'] || failing)) await autoCanary();
  await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
await stop(0);
