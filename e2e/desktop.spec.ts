// Desktop journeys: the register-version form submitted end to end (typed, and
// filled from the ad-platform metadata.json sample in resources/demo), a request
// opened from a modelops://requests/{id} link, and a request arriving while the
// console is hidden to the tray reaching the notification adapter, whose click
// brings the request up. The `electron` project adds the real application menu.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElectronSeat } from './support/electron-seat.js';
import { goTo, openModel, passwordOf, signIn, type ConsoleWindow } from './support/console-steps.js';
import { expect, test } from './support/fixtures.js';
import type { ConsoleSeat } from './support/console-seat.js';

const root = join(import.meta.dirname, '..');
const METADATA_SAMPLE = join(root, 'resources/demo/metadata/bert-sentiment-1.2.0.metadata.json');

async function versionOf(seat: ConsoleSeat, modelId: string, version: string) {
  const answer = await seat.page.evaluate((id) => (globalThis as ConsoleWindow).modelOps.models.get({ model_id: id }), modelId);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value.versions.find((entry) => entry.version === version) ?? null;
}

/** Files a canary request as `seat`'s user through the console API (password re-authentication included). */
async function requestCanary(seat: ConsoleSeat, modelId: string, version: string, password: string): Promise<string> {
  return seat.page.evaluate(
    async ([id, target, secret]) => {
      const api = (globalThis as ConsoleWindow).modelOps;
      const detail = await api.models.get({ model_id: id });
      if (!detail.ok) throw new Error(detail.error.message);
      const answer = await api.rollout.request({
        model_id: id,
        rollout: { target_version: target, strategy: 'canary', canary_pct: 5, justification: 'Desktop journey.', expected_state_version: detail.value.deployment.state_version },
        step_up: { password: secret },
      });
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value.request.id;
    },
    [modelId, version, password] as const,
  );
}

test('12. register a version: typed in, then from a metadata.json sample', async ({ bff, openConsole, capture }) => {
  const seat = await openConsole({ label: 'olivia', bffUrl: bff.url });
  await seat.page.setViewportSize({ width: 1280, height: 800 });
  await signIn(seat, 'olivia');
  const page = seat.page;

  // Typed in, field by field.
  await openModel(seat, 'Card fraud detector');
  await page.getByRole('button', { name: 'Register version' }).click();
  const form = page.getByRole('form', { name: /Register a version of/ });
  await form.getByLabel('Version').fill('1.1.0');
  await form.getByLabel('Artifact URI').fill('s3://acme-ml-models/fraud-detector/1.1.0/model.txt');
  await form.getByLabel('SHA-256 checksum').fill('c'.repeat(64));
  await form.getByLabel('Max batch').fill('4096');
  await form.getByLabel('Framework').fill('lightgbm');
  await form.getByLabel('Export format').fill('lightgbm-text');
  await form.getByLabel('Release notes').fill('Adds 38 merchant-category features; retrained on 20 months.');
  await form.getByLabel('Metadata (JSON object)').fill('{"training_config": {"num_leaves": 255, "feature_count": 450}}');
  await capture(seat, 'register-version-typed');
  await form.getByRole('button', { name: 'Register version' }).click();
  await expect(page.getByRole('article', { name: '1.1.0' })).toBeVisible();
  const typed = await versionOf(seat, 'fraud-detector', '1.1.0');
  expect(typed).toMatchObject({
    status: 'candidate',
    artifact_uri: 's3://acme-ml-models/fraud-detector/1.1.0/model.txt',
    checksum: 'c'.repeat(64),
    runtime: { device: 'cpu', max_batch: 4096 },
    framework: 'lightgbm',
    export_format: 'lightgbm-text',
    created_by: 'olivia',
    metadata: { training_config: { num_leaves: 255, feature_count: 450 } },
  });

  // From the training job's metadata.json: version, framework, format, runtime and metadata filled in.
  const sample = JSON.parse(readFileSync(METADATA_SAMPLE, 'utf8')) as { version: string; framework: string; export_format: string; deployment: { max_batch: number } };
  await openModel(seat, 'BERT sentiment classifier');
  await page.getByRole('button', { name: 'Register version' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import metadata.json…' }).click();
  await (await chooser).setFiles(METADATA_SAMPLE);
  const bertForm = page.getByRole('form', { name: /Register a version of/ });
  await expect(bertForm.getByLabel('Version')).toHaveValue(sample.version);
  await expect(bertForm.getByLabel('Framework')).toHaveValue(sample.framework);
  await expect(bertForm.getByLabel('Export format')).toHaveValue(sample.export_format);
  // What metadata.json does not carry: where the artifact is, and its checksum.
  await bertForm.getByLabel('Artifact URI').fill('hf://acme-ml/bert-sentiment/onnx/1.2.0');
  await bertForm.getByLabel('SHA-256 checksum').fill('d'.repeat(64));
  await capture(seat, 'register-version-from-metadata');
  await bertForm.getByRole('button', { name: 'Register version' }).click();
  await expect(page.getByRole('article', { name: sample.version })).toBeVisible();
  // The demo model's History tells how its deployment got where it is (the seed's audit trail).
  const history = page.getByRole('article', { name: 'History' });
  await expect(history.getByRole('listitem').first()).toBeVisible();
  await expect(history).not.toContainText('No deployment changes recorded yet');
  await capture(seat, 'model-history-after-register');
  const imported = await versionOf(seat, 'bert-sentiment', sample.version);
  expect(imported).toMatchObject({ framework: sample.framework, export_format: sample.export_format, runtime: { max_batch: sample.deployment.max_batch }, created_by: 'olivia' });
  expect(imported?.metadata).toEqual(JSON.parse(readFileSync(METADATA_SAMPLE, 'utf8')));
});

test('13. a modelops://requests/{id} link opens the request', async ({ bff, openConsole, capture }) => {
  const olivia = await openConsole({ label: 'olivia', bffUrl: bff.url });
  await signIn(olivia, 'olivia');
  const requestId = await requestCanary(olivia, 'bert-sentiment', '1.1.0', passwordOf('olivia'));

  const arjun = await openConsole({ label: 'arjun', bffUrl: bff.url });
  await signIn(arjun, 'arjun');
  await expect(arjun.page.getByRole('heading', { level: 1, name: 'Registry' })).toBeVisible();
  // A link that is not a request link is ignored: nothing opens.
  await arjun.openDeepLink('modelops:/../Downloads/evil.modelreport.json');
  await expect(arjun.page.getByRole('heading', { level: 1, name: 'Registry' })).toBeVisible();

  await arjun.openDeepLink(`modelops://requests/${requestId}`);
  const detail = arjun.page.getByRole('article', { name: 'Start canary · bert-sentiment' });
  await expect(detail).toBeVisible();
  await expect(arjun.page).toHaveURL(new RegExp(`#/approvals/${requestId}$`));
  await capture(arjun, 'request-from-link');
});

test('14. closed to the tray, the approver still hears of a request; its click brings it up', async ({ bff, openConsole, capture }) => {
  const arjun = await openConsole({ label: 'arjun', bffUrl: bff.url });
  await signIn(arjun, 'arjun');
  // An approver's close keeps the console running in the background, and says so once.
  expect(await arjun.closeWindow()).toBe('hide');
  expect(await arjun.windowVisible()).toBe(false);
  await expect.poll(async () => (await arjun.notifications()).map((n) => n.title)).toContain('Model Ops Console keeps running');

  const olivia = await openConsole({ label: 'olivia', bffUrl: bff.url });
  await signIn(olivia, 'olivia');
  const requestId = await requestCanary(olivia, 'bert-sentiment', '1.1.0', passwordOf('olivia'));

  await expect.poll(async () => (await arjun.notifications()).map((n) => n.title), { timeout: 15_000 }).toContain('Approval requested: bert-sentiment');
  const notification = (await arjun.notifications()).find((n) => n.title === 'Approval requested: bert-sentiment')!;
  // Model, action, from → to, traffic and the gate.
  expect(notification.body).toBe('Start canary bert-sentiment: 1.0.0 → 1.1.0 at 5 % traffic; gate passed. Requested by olivia.');
  await arjun.clickNotification(/^Approval requested: bert-sentiment$/);
  expect(await arjun.windowVisible()).toBe(true);
  await expect(arjun.page.getByRole('article', { name: 'Start canary · bert-sentiment' })).toBeVisible();
  await expect(arjun.page).toHaveURL(new RegExp(`#/approvals/${requestId}$`));
  await capture(arjun, 'request-from-hidden-notification');

  // A second close is not explained again; an operator's close quits.
  expect(await arjun.closeWindow()).toBe('hide');
  expect((await arjun.notifications()).filter((n) => n.title === 'Model Ops Console keeps running')).toHaveLength(1);
  expect(await olivia.closeWindow()).toBe('quit');
});

test('15. settings: background running and start at login, light and dark', async ({ bff, openConsole, capture }) => {
  const seat = await openConsole({ label: 'arjun', bffUrl: bff.url });
  await seat.page.setViewportSize({ width: 1280, height: 800 });
  await signIn(seat, 'arjun');
  await goTo(seat, 'Settings');
  const group = seat.page.getByRole('group', { name: 'Keep running when the window is closed' });
  await expect(group.getByRole('button', { name: 'For approvers' })).toHaveAttribute('aria-pressed', 'true');
  await group.getByRole('button', { name: 'Never' }).click();
  await expect(group.getByRole('button', { name: 'Never' })).toHaveAttribute('aria-pressed', 'true');
  // Never: closing quits even for an approver.
  const login = seat.page.getByRole('checkbox', { name: /Start at login/ });
  // The box shows the main process's saved setting, so it turns on after the IPC round trip,
  // not on the click itself: click, then wait for it (check() asserts at once and flakes under load).
  await login.click();
  await expect(login).toBeChecked();
  const view = await seat.page.evaluate(() => (globalThis as ConsoleWindow).modelOps.settings.get());
  expect(view.ok && view.value.settings).toMatchObject({ run_in_background: 'never', launch_at_login: true });
  await capture(seat, 'settings-desktop-light');
  await seat.page.emulateMedia({ colorScheme: 'dark' });
  await capture(seat, 'settings-desktop-dark');
  expect(await seat.closeWindow()).toBe('quit');
});

test('16. the application menu: platform menus, Open Report… and the shortcuts (Electron only)', async ({ bff, openConsole }, testInfo) => {
  test.skip(testInfo.project.name !== 'electron', 'The application menu exists only in the real Electron app; its template is tested as data in electron/main/services/desktop-shell.test.ts.');
  const seat = (await openConsole({ label: 'olivia', bffUrl: bff.url })) as ElectronSeat;
  await signIn(seat, 'olivia');
  expect(await seat.menuLabels()).toEqual(process.platform === 'darwin' ? ['Model Ops Console', 'File', 'Edit', 'View', 'Window', 'Help'] : ['File', 'Edit', 'View', 'Window', 'Help']);
  await seat.answerFileDialog('open', METADATA_SAMPLE);
  await seat.clickMenuItem(['File', 'Open Report…']);
  await expect(seat.page.getByRole('heading', { level: 1, name: 'Offline reports' })).toBeVisible();
  expect((await seat.fileDialogRequests()).at(-1)).toMatchObject({ kind: 'open' });
  await seat.clickMenuItem(['Help', 'Keyboard Shortcuts']);
  await expect(seat.page.getByRole('dialog', { name: /Keyboard shortcuts/i })).toBeVisible();
});
