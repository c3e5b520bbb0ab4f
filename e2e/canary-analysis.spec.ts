// Journey 17: online canary analysis with a real HAProxy. The canary of ltr-ranker answers 500
// for 20 % of its requests while a bounded traffic generator runs through HAProxy. The operator's
// rollout tab shows the live panel (canary and stable series, each interval's verdict, why it
// failed), then the BFF rolls the canary back on its own and both consoles are told natively.
import { randomUUID } from 'node:crypto';
import { DEFAULT_DISPATCH_SETTINGS } from '../bff/src/context.js';
import { haproxyInstalled, HAPROXY_BIN, startHaproxy, startModelServer, type RunningHaproxy } from '../bff/src/testing/haproxy.js';
import { startTraffic, type RunningTraffic } from '../bff/src/testing/traffic.js';
import type { ConsoleSeat } from './support/console-seat.js';
import { approveOpenRequest, openModel, openModelTab, passwordOf, requestChange, signIn } from './support/console-steps.js';
import { electronSkipReason, expect, test, type OpenConsole } from './support/fixtures.js';
import { startTestBff, type TestBff } from './support/test-bff.js';

const MODEL = 'ltr-ranker';
const BACKEND = 'ltr';
/** A short online gate so the journey sees verdicts and the rollback within seconds. */
const GATE = { interval_s: 1, min_requests: 5, max_error_rate_increase_pts: 1, max_p95_latency_ratio: 1.2, latency_noise_floor_ms: 50, bake_intervals: 3, fail_intervals: 3 };

let haproxy: RunningHaproxy | null = null;
let bff: TestBff | null = null;
let traffic: RunningTraffic | null = null;

test.beforeAll(async ({}, testInfo) => {
  const reason = electronSkipReason(testInfo);
  testInfo.skip(reason !== null, reason ?? '');
  if (!haproxyInstalled()) throw new Error(`HAProxy is not installed at ${HAPROXY_BIN}: apt-get install haproxy (.ci/run does)`);
  const servers = [await startModelServer('2.0.0'), await startModelServer('2.1.0', undefined, { failEvery: 5 })];
  haproxy = await startHaproxy([{ name: BACKEND, servers, initialWeights: { [servers[0]!.serverName]: 100 } }]);
  bff = await startTestBff({ settings: { dispatch: { ...DEFAULT_DISPATCH_SETTINGS }, canaryAnalysis: { tickMs: 100, leaseMs: 5000, keepSamplesPerModel: 500, keepEvaluationsPerModel: 500 } } });
  await asAdmin(bff, 'serving.set', 'PUT', `/admin/models/${MODEL}/serving`, { target: { kind: 'haproxy', runtime_api: haproxy.runtimeApi, backend: BACKEND } });
  // The short gate loosens the default: it waits for a second admin (two-person rule 10).
  const proposed = await asAdmin(bff, 'policy', 'PUT', `/admin/models/${MODEL}/online-gate`, { policy: GATE });
  await bff.addUser('adele', 'Adele Admin', ['admin']);
  await asAdmin(bff, 'policy', 'POST', `/admin/policy-changes/${(proposed.policy_change as { id: string }).id}/approve`, {}, 'adele');
});

test.afterAll(async () => {
  await traffic?.stop();
  await bff?.dispose();
  await haproxy?.stop();
});

/** What the model's admin does once, outside the console, with a step-up. */
async function asAdmin(testBff: TestBff, purpose: string, method: string, path: string, body: unknown, admin = 'ada'): Promise<Record<string, unknown>> {
  const post = async (url: string, payload: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${testBff.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
    const answer = (await response.json()) as Record<string, string>;
    if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const login = await post('/auth/login', { username: admin, password: passwordOf(admin) });
  const authorization = `Bearer ${login.access_token!}`;
  const stepUp = await post('/auth/step-up', { password: passwordOf(admin), purpose }, { authorization });
  const response = await fetch(`${testBff.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization, 'x-step-up-token': stepUp.step_up_token!, 'idempotency-key': `e2e-${randomUUID()}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function seat(openConsole: OpenConsole, username: string): Promise<ConsoleSeat> {
  const console = await openConsole({ label: username, bffUrl: bff!.url });
  await signIn(console, username);
  return console;
}

test('17. a canary answering 500 for 20 % of requests: the live panel shows both series and the failing verdicts, the BFF rolls it back on its own and both consoles are told', async ({
  openConsole,
  capture,
}) => {
  test.setTimeout(120_000);
  const olivia = await seat(openConsole, 'olivia');
  const arjun = await seat(openConsole, 'arjun');
  await openModel(olivia, 'Search learning-to-rank');
  await openModelTab(olivia, 'Rollout');

  traffic = startTraffic(haproxy!.frontendPorts.get(BACKEND)!, { ratePerSecond: 150, maxRequests: 20_000 });
  const dialog = await requestChange(olivia, { model: MODEL, action: 'Start canary', version: '2.1.0', justification: 'Offline gate passed; canary at 5 %.', password: passwordOf('olivia') });
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await arjun.notifications()).filter((n) => n.title === `Approval requested: ${MODEL}`).length).toBeGreaterThan(0);
  await arjun.clickNotification(new RegExp(`^Approval requested: ${MODEL}$`));
  await expect(await approveOpenRequest(arjun, passwordOf('arjun'), 'Canary at 5 %.')).toBeHidden();

  // The live panel, from the event stream: both series per interval and each verdict.
  const panel = olivia.page.getByTestId('live-canary');
  await expect(panel).toBeVisible({ timeout: 15_000 });
  await expect(panel.getByRole('img', { name: /^Error rate of canary 2\.1\.0 and stable 2\.0\.0 per interval$/ })).toBeVisible();
  await expect(panel.getByRole('img', { name: /^Latency of canary 2\.1\.0 and stable 2\.0\.0 per interval$/ })).toBeVisible();
  await expect(panel.getByTestId('interval-verdicts').getByText('failing').first()).toBeVisible({ timeout: 15_000 });
  const failingRow = panel.getByTestId('live-canary-series').locator('tr').filter({ hasText: 'failing' }).first();
  // Canary errors (about 20 %) and stable errors (0.0 %), in the same row.
  await expect(failingRow).toContainText(/failing\d+\.\d %0\.0 %/);

  // The BFF rolls back on its own: both consoles are told natively, with the reason.
  const notice = /^Canary rolled back automatically: ltr-ranker$/;
  await expect.poll(async () => (await olivia.notifications()).filter((n) => notice.test(n.title)).length, { timeout: 30_000 }).toBe(1);
  await expect.poll(async () => (await arjun.notifications()).filter((n) => notice.test(n.title)).length, { timeout: 10_000 }).toBe(1);
  const told = (await olivia.notifications()).find((n) => notice.test(n.title))!;
  expect(told.body).toMatch(/^2\.1\.0 at 5 % failed its online gate 3 intervals in a row; traffic is back on 2\.0\.0\. Last interval: canary \d+\.\d % errors vs stable 0\.0 %/);
  await expect(panel.getByText('Rolled back automatically')).toBeVisible();
  await expect(panel.getByTestId('last-failure')).toContainText('errors vs stable 0.0 %');
  await capture(olivia, 'canary-rolled-back');
});
