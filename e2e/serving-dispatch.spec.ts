// Journey 12: an approved rollout reaches a real HAProxy. HAProxy (/usr/sbin/haproxy, started
// here) balances a backend of two small HTTP servers that answer their version; an admin points
// the demo model ltr-ranker at it. The operator asks for a canary, the approver approves it from
// the notification, and the operator's console shows "applied" with the split HAProxy reports —
// which the traffic through HAProxy confirms. Then someone changes a weight by hand: the console
// shows the drift, the operator is notified (the click opens the model), and "Retry dispatch"
// puts the approved split back.
import { randomUUID } from 'node:crypto';
import { haproxyInstalled, HAPROXY_BIN, measureSplit, startHaproxy, startModelServer, type ModelServer, type RunningHaproxy } from '../bff/src/testing/haproxy.js';
import { DEFAULT_DISPATCH_SETTINGS } from '../bff/src/context.js';
import { runtimeApi } from '../bff/src/services/serving/haproxy-runtime-api.js';
import type { ConsoleSeat } from './support/console-seat.js';
import { ChromiumSeat } from './support/console-seat.js';
import { approveOpenRequest, openModel, openModelTab, passwordOf, requestChange, signIn, type ConsoleWindow } from './support/console-steps.js';
import { electronSkipReason, expect, test, type OpenConsole } from './support/fixtures.js';
import { startTestBff, type TestBff } from './support/test-bff.js';

const MODEL = 'ltr-ranker';
const BACKEND = 'ltr';
/** How often the BFF reads HAProxy's weights back (default 15 s): short, so a drift shows within the journey. */
const RECONCILE_INTERVAL_MS = 1000;

let haproxy: RunningHaproxy | null = null;
let servers: ModelServer[] = [];
let bff: TestBff | null = null;

test.beforeAll(async ({}, testInfo) => {
  const reason = electronSkipReason(testInfo);
  testInfo.skip(reason !== null, reason ?? '');
  // A real part, as in the BFF's dispatch tests: without it this journey fails with the fix, never skips.
  if (!haproxyInstalled()) throw new Error(`HAProxy is not installed at ${HAPROXY_BIN}: apt-get install haproxy (.ci/run does)`);
  servers = [await startModelServer('2.0.0'), await startModelServer('2.1.0')];
  // As HAProxy runs before any rollout: everything on the stable version.
  haproxy = await startHaproxy([{ name: BACKEND, servers, initialWeights: { [servers[0]!.serverName]: 100 } }]);
  bff = await startTestBff({ settings: { dispatch: { ...DEFAULT_DISPATCH_SETTINGS, reconcileIntervalMs: RECONCILE_INTERVAL_MS } } });
  await setServingTarget(bff, { kind: 'haproxy', runtime_api: haproxy.runtimeApi, backend: BACKEND });
});

test.afterAll(async () => {
  await bff?.dispose();
  await haproxy?.stop();
});

/** What the model's admin does once, outside the console: PUT /admin/models/{id}/serving with a step-up. */
async function setServingTarget(testBff: TestBff, target: unknown): Promise<void> {
  const json = async (response: Response) => {
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${response.url}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${testBff.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(json);
  const login = await post('/auth/login', { username: 'ada', password: passwordOf('ada') });
  const authorization = `Bearer ${login.access_token as string}`;
  const stepUp = await post('/auth/step-up', { password: passwordOf('ada'), purpose: 'serving.set' }, { authorization });
  await fetch(`${testBff.url}/admin/models/${MODEL}/serving`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      authorization,
      'x-step-up-token': stepUp.step_up_token as string,
      'idempotency-key': `e2e-${randomUUID()}`,
    },
    body: JSON.stringify({ target }),
  }).then(json);
}

async function seat(openConsole: OpenConsole, username: string): Promise<ConsoleSeat> {
  const console = await openConsole({ label: username, bffUrl: bff!.url });
  await signIn(console, username);
  return console;
}

async function deploymentOf(console: ConsoleSeat) {
  const answer = await console.page.evaluate((id) => (globalThis as ConsoleWindow).modelOps.models.get({ model_id: id }), MODEL);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value.deployment;
}

/** Share of `count` requests through HAProxy's frontend that `version` answered, in percent. */
async function measuredShare(version: string, count: number): Promise<number> {
  const counts = await measureSplit(haproxy!.frontendPorts.get(BACKEND)!, count);
  return ((counts.get(version) ?? 0) / count) * 100;
}

test('12. a canary reaches a real HAProxy: the operator sees it applied with the split HAProxy reports; a drift by hand notifies and Retry dispatch re-applies', async ({
  openConsole,
  capture,
}) => {
  test.setTimeout(120_000);
  const olivia = await seat(openConsole, 'olivia');
  const arjun = await seat(openConsole, 'arjun');

  // Before any rollout: where the traffic goes, and nothing to retry.
  await openModel(olivia, 'Search learning-to-rank');
  await openModelTab(olivia, 'Rollout');
  const serving = olivia.page.getByRole('region', { name: 'Serving' });
  await expect(serving.getByText(`HAProxy backend ${BACKEND} at ${haproxy!.runtimeApi}`)).toBeVisible();

  // The two-person rule, as in journey 4: operator asks, approver approves from the notification.
  const seen = (await arjun.notifications()).filter((n) => n.title === `Approval requested: ${MODEL}`).length;
  const dialog = await requestChange(olivia, {
    model: MODEL,
    action: 'Start canary',
    version: '2.1.0',
    justification: 'Offline gate passed; HAProxy canary at 5 %.',
    password: passwordOf('olivia'),
  });
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await arjun.notifications()).filter((n) => n.title === `Approval requested: ${MODEL}`).length).toBeGreaterThan(seen);
  await arjun.clickNotification(new RegExp(`^Approval requested: ${MODEL}$`));
  const detail = arjun.page.getByRole('article', { name: `Start canary · ${MODEL}` });
  await expect(detail).toBeVisible();
  await expect(await approveOpenRequest(arjun, passwordOf('arjun'), 'Canary at 5 % on HAProxy.')).toBeHidden();
  await expect(detail.getByText('dispatched', { exact: true })).toBeVisible();

  // The operator's console, live from the event stream: applied, and HAProxy's split beside the approved one.
  await expect(serving.getByText(new RegExp(`^applied to HAProxy backend ${BACKEND} (less than 1 s|[\\d,]+ (s|min)) after approval$`))).toBeVisible();
  const split = serving.getByRole('table', { name: /approved and observed/ });
  // Rows read "version, approved, observed, difference".
  await expect(split.getByRole('row', { name: /^2\.0\.0 95 % 95 % 2\.0\.0: as approved$/ })).toBeVisible();
  await expect(split.getByRole('row', { name: /^2\.1\.0 5 % 5 % 2\.1\.0: as approved$/ })).toBeVisible();
  const applied = await deploymentOf(olivia);
  expect(applied.dispatch).toMatchObject({ status: 'applied', target_kind: 'haproxy', observed: { '2.0.0': 95, '2.1.0': 5 } });
  // What the console shows is what HAProxy does: 2,000 requests through its frontend.
  const canaryShare = await measuredShare('2.1.0', 2000);
  expect(canaryShare).toBeGreaterThanOrEqual(3.5);
  expect(canaryShare).toBeLessThanOrEqual(6.5);
  await capture(olivia, 'serving-applied');
  await olivia.page.emulateMedia({ colorScheme: 'dark' });
  await capture(olivia, 'serving-applied-dark');
  await olivia.page.emulateMedia({ colorScheme: 'light' });
  await openModelTab(olivia, 'Overview');
  await expect(olivia.page.getByRole('article', { name: 'Deployment' }).getByText(/^applied to HAProxy backend ltr/)).toBeVisible();
  await capture(olivia, 'overview-serving-applied');
  await olivia.page.emulateMedia({ colorScheme: 'dark' });
  await capture(olivia, 'overview-serving-applied-dark');
  await olivia.page.emulateMedia({ colorScheme: 'light' });

  // Someone changes a weight by hand on HAProxy's Runtime API: the canary gets far more than approved.
  const stable = servers[0]!.serverName;
  const canary = servers[1]!.serverName;
  const weights = await Promise.all([stable, canary].map((name) => runtimeApi(haproxy!.runtimeApi).command(`get weight ${BACKEND}/${name}`)));
  const stableWeight = Number(weights[0]!.split(' ')[0]);
  await runtimeApi(haproxy!.runtimeApi).command(`set server ${BACKEND}/${canary} weight ${stableWeight}`);
  const driftNotice = /^Drift: ltr-ranker$/;
  await expect.poll(async () => (await olivia.notifications()).filter((n) => driftNotice.test(n.title)).length, { timeout: 15_000 }).toBe(1);
  const notice = (await olivia.notifications()).find((n) => driftNotice.test(n.title))!;
  expect(notice.body).toMatch(/^HAProxy sends 50 % to 2\.1\.0, approved 5 %\./);
  // The approver is told as well; and a click on the operator's notification opens the model's rollout tab.
  await expect.poll(async () => (await arjun.notifications()).filter((n) => driftNotice.test(n.title)).length).toBe(1);
  await olivia.clickNotification(driftNotice);
  await expect(olivia.page.getByRole('navigation', { name: 'Model sections' }).getByRole('link', { name: 'Rollout' })).toHaveAttribute('aria-current', 'page');
  if (olivia instanceof ChromiumSeat) expect(olivia.window.focusCount).toBeGreaterThan(0);
  await expect(serving.getByText('drift: HAProxy sends 50 % to 2.1.0, approved 5 %')).toBeVisible();
  await expect(split.getByLabel('2.1.0: 45 pts more than approved')).toBeVisible();
  await capture(olivia, 'serving-drift');
  await olivia.page.emulateMedia({ colorScheme: 'dark' });
  await capture(olivia, 'serving-drift-dark');
  await olivia.page.emulateMedia({ colorScheme: 'light' });

  // Retry dispatch: the approved split goes back onto HAProxy.
  await serving.getByRole('button', { name: 'Retry dispatch' }).click();
  await expect(serving.getByRole('status').filter({ hasText: 'Dispatch sent again' })).toBeVisible();
  await expect(serving.getByText(new RegExp(`^applied to HAProxy backend ${BACKEND}`))).toBeVisible();
  await expect(split.getByRole('row', { name: /^2\.1\.0 5 % 5 % 2\.1\.0: as approved$/ })).toBeVisible();
  const restored = await measuredShare('2.1.0', 1000);
  expect(restored).toBeGreaterThanOrEqual(2.5);
  expect(restored).toBeLessThanOrEqual(7.5);
  // One drift, one notification each: the reconcile loop seeing the same drift again said nothing more.
  expect((await olivia.notifications()).filter((n) => driftNotice.test(n.title))).toHaveLength(1);
});
