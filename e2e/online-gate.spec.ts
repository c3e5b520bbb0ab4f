// Journey 23: an admin reads and edits a model's online gate in the console. The card shows
// the LTR default with units; a value outside the shared schema is refused in the form before
// any password; a stricter gate is saved with a step-up (re-authentication) and applies at
// once; a looser one comes back "waiting for a second admin" (two-person rule 10) and the
// values in force stay. Keyboard only inside the dialog: type, Enter.
import { openModel, passwordOf, reauthenticate, signIn } from './support/console-steps.js';
import { electronSkipReason, expect, test } from './support/fixtures.js';
import { startTestBff, type TestBff } from './support/test-bff.js';

let bff: TestBff | null = null;

test.beforeAll(async ({}, testInfo) => {
  const reason = electronSkipReason(testInfo);
  testInfo.skip(reason !== null, reason ?? '');
  bff = await startTestBff();
});
test.afterAll(async () => {
  await bff?.dispose();
});

test('23. an admin edits the online gate with a step-up: a schema error in the form, a tightening saved, a loosening waiting for a second admin', async ({ openConsole, capture }) => {
  test.setTimeout(90_000);
  const ada = await openConsole({ label: 'ada', bffUrl: bff!.url });
  await signIn(ada, 'ada');
  await openModel(ada, 'Search learning-to-rank');
  const card = ada.page.getByRole('article', { name: 'Online gate' });
  await expect(card.getByText('LTR default')).toBeVisible();
  await expect(card.getByText('500 requests')).toBeVisible();
  await expect(card.getByText('+1 pts')).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await capture(ada, 'online-gate-view');

  await card.getByRole('button', { name: 'Edit online gate' }).click();
  const dialog = ada.page.getByRole('alertdialog', { name: 'Online gate of ltr-ranker' });
  const interval = dialog.getByLabel('Interval (s)');
  await interval.fill('0.1');
  await interval.press('Enter');
  await expect(dialog.getByText('Must be at least 0.2.')).toBeVisible();
  await expect(interval).toHaveAttribute('aria-invalid', 'true');
  await capture(ada, 'online-gate-edit-error');

  // Stricter: a longer interval and a lower error-rate limit apply at once.
  await interval.fill('90');
  const errors = dialog.getByLabel('Max error-rate increase (pts)');
  await errors.fill('0.5');
  await errors.press('Enter');
  await reauthenticate(dialog, passwordOf('ada'), 'Save online gate');
  await expect(dialog).toBeHidden();
  await expect(card.getByText(/^Saved: the online gate above is in force/)).toBeVisible();
  await expect(card.getByText('Model’s own')).toBeVisible();
  await expect(card.getByText('+0.5 pts')).toBeVisible();
  await capture(ada, 'online-gate-saved');

  // Looser: more fail intervals waits for a second admin; the values in force stay.
  await card.getByRole('button', { name: 'Edit online gate' }).click();
  const fails = dialog.getByLabel('Fail intervals (intervals)');
  await fails.fill('6');
  await fails.press('Enter');
  await reauthenticate(dialog, passwordOf('ada'), 'Save online gate');
  await expect(dialog).toBeHidden();
  await expect(card.getByText('Waiting for a second admin.')).toBeVisible();
  await expect(card.getByText('online gate: fail_intervals 3 → 6')).toBeVisible();
  await expect(card.getByText('3 in a row')).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await capture(ada, 'online-gate-pending');
});
