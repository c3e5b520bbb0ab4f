// Journeys 4-9 on one BFF, in order: canary 5 % through the two-person rule (notification
// click to approval), 25 -> 50 -> promote, no self-approval, immediate rollback, a stale
// request, and the audit log that records (and verifies) all of it.
import type { TestBff } from './support/test-bff.js';
import { ChromiumSeat, type ConsoleSeat } from './support/console-seat.js';
import {
  approveOpenRequest,
  goTo,
  openModel,
  openModelTab,
  passwordOf,
  requestChange,
  signIn,
  traffic,
  type ConsoleWindow,
  type RolloutActionLabel,
} from './support/console-steps.js';
import { electronSkipReason, expect, test, type OpenConsole } from './support/fixtures.js';
import { startTestBff } from './support/test-bff.js';

test.describe.configure({ mode: 'serial' });

let bff: TestBff;
/** What the journeys did, in order, for the audit journey to find. */
const journal: { model: string; action: string; actor: string; requestId?: string; pct?: number }[] = [];

test.beforeAll(async ({}, testInfo) => {
  const reason = electronSkipReason(testInfo);
  testInfo.skip(reason !== null, reason ?? '');
  bff = await startTestBff();
  // Someone who is both operator and approver, so that only the two-person rule (not a missing role) stops them.
  await bff.addUser('priya', 'Priya Both-Roles', ['operator', 'approver']);
});
test.afterAll(async () => {
  await bff?.dispose();
});

async function seat(openConsole: OpenConsole, username: string): Promise<ConsoleSeat> {
  const console = await openConsole({ label: username, bffUrl: bff.url });
  await signIn(console, username);
  return console;
}

/** Waits for a new native notification whose title matches, beyond the `seen` ones. */
async function nextNotification(console: ConsoleSeat, title: RegExp, seen: number): Promise<{ title: string; body: string }> {
  await expect.poll(async () => (await console.notifications()).filter((n) => title.test(n.title)).length, { message: `${console.label}: notification ${title}` }).toBeGreaterThan(seen);
  return (await console.notifications()).filter((n) => title.test(n.title)).at(-1)!;
}

const countOf = async (console: ConsoleSeat, title: RegExp) => (await console.notifications()).filter((n) => title.test(n.title)).length;

async function deploymentOf(console: ConsoleSeat, modelId: string) {
  const answer = await console.page.evaluate((id) => (globalThis as ConsoleWindow).modelOps.models.get({ model_id: id }), modelId);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value.deployment;
}

/** The approver's side of one step: notification -> click -> request open -> approve -> dispatched. Returns the request id. */
async function approveFromNotification(approver: ConsoleSeat, modelId: string, heading: string, seen: number, comment: string): Promise<string> {
  const notification = await nextNotification(approver, new RegExp(`^Approval requested: ${modelId}$`), seen);
  expect(notification.body).toContain('Requested by olivia');
  const focusedBefore = approver instanceof ChromiumSeat ? approver.window.focusCount : 0;
  await approver.clickNotification(new RegExp(`^Approval requested: ${modelId}$`));
  // The click focuses the window and the renderer opens the request.
  await expect(approver.page.getByRole('heading', { level: 1, name: 'Approvals' })).toBeVisible();
  const detail = approver.page.getByRole('article', { name: heading });
  await expect(detail).toBeVisible();
  if (approver instanceof ChromiumSeat) expect(approver.window.focusCount).toBe(focusedBefore + 1);
  const requestId = (await detail.innerText()).match(/\breq_[A-Za-z0-9_-]+/)?.[0];
  expect(requestId).toBeTruthy();
  const dialog = await approveOpenRequest(approver, passwordOf(approver.label), comment);
  await expect(dialog).toBeHidden();
  await expect(detail.getByText('dispatched', { exact: true })).toBeVisible();
  // Before the step-up was spent, the main process showed its own confirmation, built from the BFF's copy of the request.
  expect((await approver.confirmations()).at(-1)).toMatchObject({
    title: 'Approve a change request',
    message: expect.stringMatching(new RegExp(`^Approve: .+ of ${modelId}, \\S+ → \\S+ at \\d+ %\\?$`)),
    detail: expect.stringContaining('Requested by olivia'),
  });
  return requestId!;
}

test('4. canary 5 %: operator re-authenticates, approver is notified, opens it from the notification, approves; both consoles show it', async ({
  openConsole,
  capture,
}) => {
  const olivia = await seat(openConsole, 'olivia');
  const arjun = await seat(openConsole, 'arjun');
  const seen = await countOf(arjun, /^Approval requested/);

  await openModel(olivia, 'Search learning-to-rank');
  await openModelTab(olivia, 'Rollout');
  await expect(traffic(olivia.page, 'stable 2.0.0 100%')).toBeVisible();
  const dialog = await requestChange(olivia, {
    model: 'ltr-ranker',
    action: 'Start canary',
    version: '2.1.0',
    justification: 'Offline gate passed against 2.0.0; canary dashboards ready.',
    password: passwordOf('olivia'),
  });
  await expect(dialog).toBeHidden();
  await expect(olivia.page.getByRole('heading', { name: 'Waiting for an approver' })).toBeVisible();
  await capture(olivia, 'rollout-pending');
  // Requested, not dispatched: traffic has not moved.
  expect((await deploymentOf(olivia, 'ltr-ranker')).canary_version).toBeNull();
  await expect(traffic(olivia.page, 'stable 2.0.0 100%')).toBeVisible();

  // The approver's main process raised a native notification; the app shows the count too.
  await expect(arjun.page.getByRole('navigation', { name: 'Main' }).getByLabel('1 pending')).toBeVisible();
  if (arjun instanceof ChromiumSeat) expect(arjun.badge.current).toBe(1);
  const requestId = await approveFromNotification(arjun, 'ltr-ranker', 'Start canary · ltr-ranker', seen, 'Canary looks safe.');
  journal.push({ model: 'ltr-ranker', action: 'start_canary', actor: 'olivia', requestId, pct: 5 });
  await capture(arjun, 'approvals-inbox');

  // Both consoles show canary 5 %.
  await expect(traffic(olivia.page, 'stable 2.0.0 95%, canary 2.1.0 5%')).toBeVisible();
  await arjun.page.getByRole('article', { name: 'Start canary · ltr-ranker' }).getByRole('link', { name: 'ltr-ranker' }).click();
  await expect(traffic(arjun.page, 'stable 2.0.0 95%, canary 2.1.0 5%')).toBeVisible();
  const deployment = await deploymentOf(arjun, 'ltr-ranker');
  expect([deployment.canary_version, deployment.canary_pct, deployment.phase]).toEqual(['2.1.0', 5, 'canary']);
  // And the requester is told.
  await nextNotification(olivia, /^Your request was approved$/, 0);
});

test('5. advance to 25 and 50, promote to 100, each approved; the old stable becomes the rollback target', async ({ openConsole, capture }) => {
  const olivia = await seat(openConsole, 'olivia');
  const arjun = await seat(openConsole, 'arjun');
  await openModel(olivia, 'Search learning-to-rank');
  await openModelTab(olivia, 'Rollout');
  await expect(traffic(olivia.page, 'stable 2.0.0 95%, canary 2.1.0 5%')).toBeVisible();

  const steps: { action: RolloutActionLabel; heading: string; traffic: string; pct: number }[] = [
    { action: 'Advance', heading: 'Advance · ltr-ranker', traffic: 'stable 2.0.0 75%, canary 2.1.0 25%', pct: 25 },
    { action: 'Advance', heading: 'Advance · ltr-ranker', traffic: 'stable 2.0.0 50%, canary 2.1.0 50%', pct: 50 },
    { action: 'Promote', heading: 'Promote · ltr-ranker', traffic: 'stable 2.1.0 100%', pct: 100 },
  ];
  for (const step of steps) {
    const seen = await countOf(arjun, /^Approval requested/);
    const dialog = await requestChange(olivia, { model: 'ltr-ranker', action: step.action, justification: `${step.action}: canary metrics hold.`, password: passwordOf('olivia') });
    await expect(dialog).toBeHidden();
    await expect(olivia.page.getByRole('heading', { name: 'Waiting for an approver' })).toBeVisible();
    const requestId = await approveFromNotification(arjun, 'ltr-ranker', step.heading, seen, 'Approved.');
    journal.push({ model: 'ltr-ranker', action: step.action === 'Promote' ? 'promote' : 'advance', actor: 'olivia', requestId, pct: step.pct });
    await expect(traffic(olivia.page, step.traffic)).toBeVisible();
    await expect(olivia.page.getByRole('heading', { name: 'Waiting for an approver' })).toBeHidden();
  }

  const deployment = await deploymentOf(olivia, 'ltr-ranker');
  expect([deployment.stable_version, deployment.previous_stable, deployment.phase]).toEqual(['2.1.0', '2.0.0', 'complete']);
  // The rollback action names the old stable as what it restores…
  await expect(olivia.page.getByText('All traffic goes back to 2.0.0 at once.')).toBeVisible();
  // …and so does the deployment card of the overview; the versions changed status.
  await openModelTab(olivia, 'Overview');
  const card = olivia.page.getByRole('article', { name: 'Deployment' });
  await expect(card.getByRole('definition').nth(2)).toHaveText('2.0.0');
  await expect(card.getByText('complete')).toBeVisible();
  await expect(olivia.page.getByRole('grid', { name: 'Versions' }).getByRole('row', { name: /^2\.1\.0\b/ })).toContainText('active');
  await capture(olivia, 'model-detail-promoted');
});

test('6. the requester cannot approve their own request: the UI blocks it and the BFF refuses a direct call', async ({ openConsole }) => {
  const priya = await seat(openConsole, 'priya');
  await openModel(priya, 'E5 base v2 embeddings');
  await openModelTab(priya, 'Rollout');
  const dialog = await requestChange(priya, {
    model: 'e5-base-v2',
    action: 'Start canary',
    version: '1.1.0',
    justification: 'Fine-tuned embeddings pass the gate.',
    password: passwordOf('priya'),
  });
  await expect(dialog).toBeHidden();

  // The UI: her own request is shown with the reason she cannot decide it.
  await goTo(priya, 'Approvals');
  await priya.page.getByRole('grid', { name: 'Change requests' }).getByRole('row', { name: /Start canary · e5-base-v2/ }).click();
  const decide = priya.page.getByRole('region', { name: 'Decision' });
  await expect(decide.getByText(/You requested this change, so you cannot approve or reject it/)).toBeVisible();
  await expect(decide.getByRole('button', { name: 'Approve' })).toBeDisabled();
  await expect(decide.getByRole('button', { name: 'Reject' })).toBeDisabled();

  // The API: the same call the Approve button would make, straight through window.modelOps.
  const refused = await priya.page.evaluate(async (password) => {
    const api = (globalThis as ConsoleWindow).modelOps;
    const pending = await api.approvals.list({ model_id: 'e5-base-v2', status: 'pending' });
    if (!pending.ok || !pending.value.items[0]) return { listed: false as const };
    const request = pending.value.items[0];
    const answer = await api.approvals.approve({ request_id: request.id, intent_digest: request.intent_digest, comment: 'mine', step_up: { password } });
    return { listed: true as const, requestId: request.id, answer };
  }, passwordOf('priya'));
  expect(refused.listed).toBe(true);
  if (!refused.listed) return;
  expect(refused.answer.ok).toBe(false);
  expect(!refused.answer.ok && refused.answer.error.code).toBe('self_approval');
  // Nothing dispatched: still pending, no canary.
  expect((await deploymentOf(priya, 'e5-base-v2')).canary_version).toBeNull();
  const still = await priya.page.evaluate((id) => (globalThis as ConsoleWindow).modelOps.approvals.get({ request_id: id }), refused.requestId);
  expect(still.ok && still.value.request.status).toBe('pending');

  // A different approver may; the canary then runs (journey 8 builds on it).
  const arjun = await seat(openConsole, 'arjun');
  await goTo(arjun, 'Approvals');
  await arjun.page.getByRole('grid', { name: 'Change requests' }).getByRole('row', { name: /Start canary · e5-base-v2/ }).click();
  const approved = await approveOpenRequest(arjun, passwordOf('arjun'), 'Second pair of eyes: fine.');
  await expect(approved).toBeHidden();
  journal.push({ model: 'e5-base-v2', action: 'start_canary', actor: 'priya', requestId: refused.requestId, pct: 5 });
  expect((await deploymentOf(arjun, 'e5-base-v2')).canary_pct).toBe(5);
});

test('7. rollback is immediate (no approver) and notifies approvers', async ({ openConsole, capture }) => {
  const olivia = await seat(openConsole, 'olivia');
  const arjun = await seat(openConsole, 'arjun');
  const seen = await countOf(arjun, /^Rollback executed/);
  await openModel(olivia, 'Search learning-to-rank');
  await openModelTab(olivia, 'Rollout');
  const dialog = await requestChange(olivia, {
    model: 'ltr-ranker',
    action: 'Roll back',
    justification: 'Click-through dropped 4 % since the promotion.',
    password: passwordOf('olivia'),
  });
  await expect(dialog).toBeHidden();
  // At once: no pending request, traffic back on the old stable.
  await expect(traffic(olivia.page, 'stable 2.0.0 100%')).toBeVisible();
  await expect(olivia.page.getByRole('heading', { name: 'Waiting for an approver' })).toBeHidden();
  const deployment = await deploymentOf(olivia, 'ltr-ranker');
  expect([deployment.stable_version, deployment.phase]).toEqual(['2.0.0', 'rolled_back']);
  journal.push({ model: 'ltr-ranker', action: 'rollback', actor: 'olivia' });
  await capture(olivia, 'rollout-rolled-back');

  const notification = await nextNotification(arjun, /^Rollback executed: ltr-ranker$/, seen);
  expect(notification.body).toContain('olivia rolled ltr-ranker back to 2.0.0');
  expect(notification.body).toContain('Click-through dropped 4 %');
  // The approver's console says so on screen as well.
  await expect(arjun.page.getByRole('status').getByText('ltr-ranker rolled back by olivia')).toBeVisible();
});

test('8. a request made stale by another change shows as stale and dispatches nothing', async ({ openConsole, capture }) => {
  const olivia = await seat(openConsole, 'olivia');
  const arjun = await seat(openConsole, 'arjun');
  const ravi = await seat(openConsole, 'ravi');
  const seen = await countOf(arjun, /^Approval requested/);

  // Olivia asks to advance the e5-base-v2 canary (journey 6 started it).
  await openModel(olivia, 'E5 base v2 embeddings');
  await openModelTab(olivia, 'Rollout');
  await expect(traffic(olivia.page, 'stable 1.0.0 95%, canary 1.1.0 5%')).toBeVisible();
  const dialog = await requestChange(olivia, { model: 'e5-base-v2', action: 'Advance', justification: 'Canary holds at 5 %.', password: passwordOf('olivia') });
  await expect(dialog).toBeHidden();

  // Arjun opens it from the notification, and is looking at it…
  await nextNotification(arjun, /^Approval requested: e5-base-v2$/, seen);
  await arjun.clickNotification(/^Approval requested: e5-base-v2$/);
  const detail = arjun.page.getByRole('article', { name: 'Advance · e5-base-v2' });
  await expect(detail.getByText('pending', { exact: true })).toBeVisible();
  const requestId = (await detail.innerText()).match(/\breq_[A-Za-z0-9_-]+/)![0];

  // …when Ravi rolls the canary back: the deployment the request was made against is gone.
  await openModel(ravi, 'E5 base v2 embeddings');
  await openModelTab(ravi, 'Rollout');
  const rollback = await requestChange(ravi, { model: 'e5-base-v2', action: 'Roll back', justification: 'Embedding drift alarm.', password: passwordOf('ravi') });
  await expect(rollback).toBeHidden();
  journal.push({ model: 'e5-base-v2', action: 'rollback', actor: 'ravi' });
  journal.push({ model: 'e5-base-v2', action: 'stale', actor: 'olivia', requestId, pct: 25 });

  // Arjun's open request turns stale by itself (event stream), and cannot be approved.
  await expect(detail.getByText('stale', { exact: true })).toBeVisible();
  const decide = arjun.page.getByRole('region', { name: 'Decision' });
  await expect(decide.getByText('This request is stale; there is nothing left to decide.')).toBeVisible();
  // Nothing left to decide: the buttons are gone, not merely disabled.
  await expect(decide.getByRole('button')).toHaveCount(0);
  await capture(arjun, 'approvals-stale');
  await arjun.page.emulateMedia({ colorScheme: 'dark' });
  await capture(arjun, 'approvals-stale-dark');
  await arjun.page.emulateMedia({ colorScheme: 'light' });

  // A direct approval is refused as well, and nothing moves.
  const forced = await arjun.page.evaluate(
    async ([id, password]) => {
      const api = (globalThis as ConsoleWindow).modelOps;
      const got = await api.approvals.get({ request_id: id });
      if (!got.ok) return got;
      return api.approvals.approve({ request_id: id, intent_digest: got.value.request.intent_digest, step_up: { password } });
    },
    [requestId, passwordOf('arjun')] as const,
  );
  expect(forced.ok).toBe(false);
  expect(!forced.ok && forced.error.code).toBe('request_not_pending');
  const deployment = await deploymentOf(arjun, 'e5-base-v2');
  expect([deployment.canary_version, deployment.stable_version, deployment.phase]).toEqual([null, '1.0.0', 'rolled_back']);
  await expect(traffic(olivia.page, 'stable 1.0.0 100%')).toBeVisible();
  await nextNotification(olivia, /^Your request is stale$/, 0);
});

test('9. the audit log shows every step above and its chain verifies', async ({ openConsole, capture }) => {
  expect(journal.length, 'journeys 4-8 ran first').toBeGreaterThanOrEqual(8);
  const arjun = await seat(openConsole, 'arjun');
  await goTo(arjun, 'Audit log');
  const page = arjun.page;

  const verified = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.audit.verify());
  expect(verified.ok && verified.value.ok).toBe(true);
  const entries = verified.ok ? verified.value.entries : 0;
  await expect(page.getByText('Chain verified')).toBeVisible();
  await expect(page.getByText(`${entries} entries, first to last`)).toBeVisible();

  const grid = page.getByRole('grid', { name: 'Audit entries' });
  const filter = async (fields: { actor?: string; action?: string; model?: string }) => {
    const form = page.getByRole('search');
    await form.getByLabel('Actor', { exact: true }).fill(fields.actor ?? '');
    await form.getByLabel('Action', { exact: true }).fill(fields.action ?? '');
    await form.getByLabel('Model', { exact: true }).fill(fields.model ?? '');
    await page.getByRole('button', { name: 'Apply' }).click();
  };
  const rowsNamed = (text: string) => grid.getByRole('rowgroup').getByRole('row').filter({ hasText: text });
  // The demo seed left the history of how each deployment got where it is (before its seed.demo entry): counted apart.
  const seeded = (model: string, action: string) =>
    page.evaluate(
      async ([modelId, name]) => {
        const api = (globalThis as ConsoleWindow).modelOps;
        const marker = await api.audit.list({ action: 'seed.demo', limit: 1 });
        const entries = await api.audit.list({ model_id: modelId, action: name, limit: 200 });
        if (!marker.ok || !entries.ok) throw new Error('audit list failed');
        const seedSeq = marker.value.items[0]?.seq ?? 0;
        return entries.value.items.filter((entry) => entry.seq < seedSeq).length;
      },
      [model, action] as const,
    );

  for (const model of ['ltr-ranker', 'e5-base-v2']) {
    const steps = journal.filter((step) => step.model === model);
    const requests = steps.filter((step) => step.requestId && step.action !== 'stale');
    // Every request, the stale one included, by whom and to what share of traffic.
    await filter({ model, action: 'rollout.requested' });
    const asked = steps.filter((s) => s.requestId);
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(asked.length + (await seeded(model, 'rollout.requested')));
    for (const step of asked) await expect(rowsNamed(`${step.actor} requested a`).filter({ hasText: `at ${step.pct}%` }).first()).toBeVisible();

    await filter({ model, action: 'request.approved' });
    const seededApprovals = await seeded(model, 'request.approved');
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(requests.length + seededApprovals);
    await expect(rowsNamed('arjun')).toHaveCount(requests.length + seededApprovals);

    await filter({ model, action: 'rollout.dispatched' });
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(requests.length + (await seeded(model, 'rollout.dispatched')));

    await filter({ model, action: 'rollback.executed' });
    const rollbacks = steps.filter((s) => s.action === 'rollback');
    await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(rollbacks.length);
    for (const step of rollbacks) await expect(rowsNamed(step.actor)).toHaveCount(1);
  }
  await filter({ model: 'e5-base-v2', action: 'request.stale' });
  await expect(grid.getByRole('rowgroup').getByRole('row')).toHaveCount(1);

  // One entry in full: who, what, and the hashes that chain it.
  await filter({ model: 'ltr-ranker', action: 'rollback.executed' });
  await grid.getByRole('rowgroup').getByRole('row').first().click();
  const entry = page.getByRole('article').filter({ has: page.getByRole('heading', { level: 2 }) });
  await expect(entry).toContainText('olivia');
  await expect(entry).toContainText('Click-through dropped 4 %');
  await capture(arjun, 'audit-log');

  // Verified again after reading, from the screen's own button.
  await page.getByRole('button', { name: 'Verify again' }).click();
  await expect(page.getByText('Chain verified')).toBeVisible();
});
