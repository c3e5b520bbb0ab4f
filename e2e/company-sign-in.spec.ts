// Journeys 18-20: company sign-in (OIDC) end to end. A real OpenID provider (oidc-provider,
// bff/src/testing/oidc-idp.ts) runs in the suite, the BFF is its resource server, and
// Playwright's Chromium plays the system browser: the main process opens the IdP's
// authorization URL in a new tab (support/company-idp.ts), the journey submits the IdP's
// login form there, and the IdP sends the browser to the console's loopback callback.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { keychainEntry } from '../electron/main/services/credential-vault.js';
import { COMPANY_USERS, PROVIDER_NAME, PlaywrightSystemBrowser, signInAtIdpPage, startCompanyIdp, type CompanyIdp } from './support/company-idp.js';
import { ChromiumSeat, type ConsoleSeat } from './support/console-seat.js';
import { goTo, mainNav, openModel, openModelTab, traffic, type ConsoleWindow } from './support/console-steps.js';
import { electronSkipReason, expect, test, type OpenConsole } from './support/fixtures.js';

// Two consoles, a browser context each and three or four IdP logins per journey: about 25 s
// on 2 quiet cores, more than the default 60 s cap when the machine is shared (as canary-analysis).
test.describe.configure({ mode: 'serial', timeout: 120_000 });

let company: CompanyIdp;
const person = (username: string) => {
  const user = COMPANY_USERS.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`no company user ${username}`);
  return user;
};

test.beforeAll(async ({}, testInfo) => {
  const reason = electronSkipReason(testInfo);
  testInfo.skip(reason !== null, reason ?? '');
  // The real app opens the OS's browser (shell.openExternal): only the Chromium harness can play it.
  testInfo.skip(testInfo.project.name === 'electron', 'company sign-in journeys drive the system browser, which only the Chromium harness can stand in for');
  company = await startCompanyIdp();
});
test.afterAll(async () => {
  await company?.dispose();
});

interface CompanySeat {
  console: ConsoleSeat;
  systemBrowser: PlaywrightSystemBrowser;
}

const browsers: PlaywrightSystemBrowser[] = [];
test.afterEach(async () => {
  for (const systemBrowser of browsers.splice(0)) await systemBrowser.close();
});

async function openCompanyConsole(openConsole: OpenConsole, browser: Parameters<typeof PlaywrightSystemBrowser.launch>[0], label: string): Promise<CompanySeat> {
  const systemBrowser = await PlaywrightSystemBrowser.launch(browser);
  browsers.push(systemBrowser);
  const console = await openConsole({ label, bffUrl: company.bff.url, systemBrowser });
  return { console, systemBrowser };
}

/** "Sign in with …" on the console, the IdP's form in the browser tab, back signed in. */
async function signInWithCompany(seat: CompanySeat, username: string, options: { stay?: boolean } = {}): Promise<Page> {
  const page = seat.console.page;
  const company = page.getByRole('group', { name: 'Company sign-in' });
  const stay = company.getByRole('checkbox', { name: /Stay signed in/ });
  if (options.stay) await stay.check();
  else await stay.uncheck();
  const seen = seat.systemBrowser.pages.length;
  await company.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
  const tab = await seat.systemBrowser.tab(seen);
  await signInAtIdpPage(tab, person(username));
  await expect(mainNav(page)).toBeVisible();
  return tab;
}

/** The re-authentication step of a dialog in IdP mode: confirm, then a fresh login (max_age=0) in a new tab. */
async function stepUpAtIdp(seat: CompanySeat, dialog: ReturnType<Page['getByRole']>, confirm: string, username: string): Promise<string> {
  const seen = seat.systemBrowser.pages.length;
  await dialog.getByRole('form', { name: 'Re-authenticate' }).getByRole('button', { name: confirm }).click();
  const tab = await seat.systemBrowser.tab(seen);
  const authorization = new URL(seat.systemBrowser.opened[seen]!);
  // A step-up is a new authentication at the IdP, whatever session the browser holds there.
  expect(authorization.searchParams.get('max_age')).toBe('0');
  expect(authorization.searchParams.get('login_hint')).toBe(username);
  await signInAtIdpPage(tab, person(username));
  return authorization.href;
}

async function deploymentOf(seat: ConsoleSeat, modelId: string) {
  const answer = await seat.page.evaluate((id) => (globalThis as ConsoleWindow).modelOps.models.get({ model_id: id }), modelId);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value.deployment;
}

/** Every file under a folder, read as text (the console's logs). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

test('18. "Sign in with Acme SSO" through the system browser: roles from the IdP groups; the refresh token in the keychain only', async ({ openConsole, browser, capture, keychain }) => {
  if (!keychain.vault) {
    test.skip(process.env.MODELOPS_REQUIRE_KEYCHAIN !== '1', keychain.reason);
    throw new Error(keychain.reason);
  }
  const vault = keychain.vault;
  const oscar = await openCompanyConsole(openConsole, browser, 'oscar');
  const page = oscar.console.page;
  const companyGroup = page.getByRole('group', { name: 'Company sign-in' });
  await expect(companyGroup.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` })).toBeVisible();
  // The BFF takes no passwords: no password form.
  await expect(page.getByRole('form', { name: 'Sign in' })).toHaveCount(0);
  await capture(oscar.console, 'company-sign-in');

  await companyGroup.getByRole('checkbox', { name: /Stay signed in/ }).check();
  await companyGroup.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
  const tab = await oscar.systemBrowser.tab(0);
  // The console waits for the browser, and says so.
  await expect(page.getByRole('status').filter({ hasText: `Waiting for you to sign in at ${PROVIDER_NAME}` })).toBeVisible();
  await capture(oscar.console, 'company-sign-in-waiting');

  const authorization = new URL(oscar.systemBrowser.opened[0]!);
  expect(authorization.origin).toBe(company.idp.issuer);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorization.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  expect(authorization.searchParams.get('state')).toMatch(/\S{20,}/);
  expect(authorization.searchParams.get('nonce')).toMatch(/\S{20,}/);
  await signInAtIdpPage(tab, person('oscar'));

  await expect(mainNav(page)).toBeVisible();
  // Roles are the union of what the groups map to: ml-ops-staff -> viewer, ml-ops-operators -> operator.
  const user = page.locator('.user');
  await expect(user.getByText('Oscar Operator')).toBeVisible();
  await expect(user.locator('.user-roles')).toHaveText(/^(viewer, operator|operator, viewer)$/);

  const { service, account } = keychainEntry(company.bff.origin, 'oscar');
  const saved = await vault.get(service, account);
  expect(saved, 'the IdP refresh token is in the keychain').toMatch(/^oidc:\S{20,}$/);
  const refreshToken = saved!.slice('oidc:'.length);
  const settings = readFileSync(join(oscar.console.dataDir, 'settings.json'), 'utf8');
  expect(settings).toContain('oscar');
  expect(settings, 'not in the settings file').not.toContain(refreshToken);
  const logs = filesUnder(join(oscar.console.dataDir, 'logs'));
  expect(logs.join('\n')).toContain('signed in at the identity provider');
  for (const log of logs) expect(log, 'not in the logs').not.toContain(refreshToken);
});

test('19. two-person rollout with two IdP people: each step-up is a fresh IdP login; the audit names issuer and subject', async ({ openConsole, browser, capture }) => {
  const oscar = await openCompanyConsole(openConsole, browser, 'oscar');
  const amira = await openCompanyConsole(openConsole, browser, 'amira');
  await signInWithCompany(oscar, 'oscar');
  await signInWithCompany(amira, 'amira');

  await openModel(oscar.console, 'Search learning-to-rank');
  await openModelTab(oscar.console, 'Rollout');
  const page = oscar.console.page;
  await expect(traffic(page, 'stable 2.0.0 100%')).toBeVisible();
  await page.getByRole('combobox', { name: 'Version' }).selectOption('2.1.0');
  await page.getByRole('button', { name: 'Start canary…' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Start canary ltr-ranker' });
  await dialog.getByLabel('Justification').fill('Offline gate passed against 2.0.0; canary dashboards ready.');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog.getByRole('form', { name: 'Re-authenticate' })).toContainText(`sign in again as oscar at ${PROVIDER_NAME}`);
  await capture(oscar.console, 'company-step-up');
  await stepUpAtIdp(oscar, dialog, 'Request start canary', 'oscar');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Waiting for an approver' })).toBeVisible();
  expect((await deploymentOf(oscar.console, 'ltr-ranker')).canary_version).toBeNull();

  // The approver is notified, opens the request and approves with a fresh IdP login of her own.
  await expect.poll(async () => (await amira.console.notifications()).some((n) => n.title === 'Approval requested: ltr-ranker')).toBe(true);
  await amira.console.clickNotification(/^Approval requested: ltr-ranker$/);
  const detail = amira.console.page.getByRole('article', { name: 'Start canary · ltr-ranker' });
  await expect(detail).toBeVisible();
  await amira.console.page.getByRole('region', { name: 'Decision' }).getByRole('button', { name: 'Approve' }).click();
  const approve = amira.console.page.getByRole('alertdialog', { name: /^Approve the / });
  await approve.getByLabel('Comment (optional)').fill('Canary looks safe.');
  await approve.getByRole('button', { name: 'Continue' }).click();
  await stepUpAtIdp(amira, approve, 'Approve', 'amira');
  await expect(approve).toBeHidden();
  await expect(detail.getByText('dispatched', { exact: true })).toBeVisible();

  // The deployment moved, both consoles show it.
  const deployment = await deploymentOf(amira.console, 'ltr-ranker');
  expect([deployment.canary_version, deployment.canary_pct, deployment.phase]).toEqual(['2.1.0', 5, 'canary']);
  await expect(traffic(page, 'stable 2.0.0 95%, canary 2.1.0 5%')).toBeVisible();

  // The audit log names each IdP identity: issuer and subject, at the link and at every step-up.
  const subjects = { oscar: company.idp.users.get('oscar')!.sub, amira: company.idp.users.get('amira')!.sub };
  await goTo(amira.console, 'Audit log');
  const log = amira.console.page.getByRole('main');
  /** Selects the newest entry whose row says `title`; its detail panel must say `detail`. */
  const entry = async (title: string, detail: string | RegExp) => {
    await log.getByRole('row').filter({ hasText: title }).first().click();
    await expect(typeof detail === 'string' ? log.getByText(detail, { exact: true }) : log.getByText(detail)).toBeVisible();
  };
  for (const username of ['oscar', 'amira'] as const) {
    await entry(`${username} signed in for the first time at ${company.idp.issuer}`, new RegExp(`^subject ${subjects[username]}; roles .*${username === 'oscar' ? 'operator' : 'approver'}`));
  }
  await entry('oscar re-authenticated at the company IdP', `rollout · ${company.idp.issuer}, subject ${subjects.oscar}`);
  await entry('amira re-authenticated at the company IdP', `approve · ${company.idp.issuer}, subject ${subjects.amira}`);
  await capture(amira.console, 'company-audit');
});

test('20. an approver removed from the approvers group at the IdP loses approve at the next request', async ({ openConsole, browser, capture }) => {
  const oscar = await openCompanyConsole(openConsole, browser, 'oscar');
  const amira = await openCompanyConsole(openConsole, browser, 'amira');
  await signInWithCompany(oscar, 'oscar');
  await signInWithCompany(amira, 'amira');
  await expect(amira.console.page.locator('.user-roles')).toContainText('approver');

  // Oscar asks to advance the canary (journey 19 left it at 5 %).
  await openModel(oscar.console, 'Search learning-to-rank');
  await openModelTab(oscar.console, 'Rollout');
  await oscar.console.page.getByRole('button', { name: 'Advance…' }).click();
  const request = oscar.console.page.getByRole('alertdialog', { name: 'Advance ltr-ranker' });
  await request.getByLabel('Justification').fill('Canary metrics hold.');
  await request.getByRole('button', { name: 'Continue' }).click();
  await stepUpAtIdp(oscar, request, 'Request advance', 'oscar');
  await expect(request).toBeHidden();

  const apage = amira.console.page;
  await expect.poll(async () => (await amira.console.notifications()).some((n) => n.title === 'Approval requested: ltr-ranker')).toBe(true);
  await amira.console.clickNotification(/^Approval requested: ltr-ranker$/);
  const detail = apage.getByRole('article', { name: 'Advance · ltr-ranker' });
  await expect(detail).toBeVisible();

  // Meanwhile IT removes her from ml-ops-approvers at the IdP; her console still shows Approve.
  company.idp.setGroups('amira', ['ml-ops-staff']);
  await apage.getByRole('region', { name: 'Decision' }).getByRole('button', { name: 'Approve' }).click();
  const approve = apage.getByRole('alertdialog', { name: /^Approve the / });
  await approve.getByRole('button', { name: 'Continue' }).click();
  await stepUpAtIdp(amira, approve, 'Approve', 'amira');

  // The fresh sign-in carries the IdP's word: no approver role. The BFF refuses the approval, the
  // console says why, shows her new roles, and its Approve action is gone (disabled, with the reason).
  await expect(approve.getByText('Your role does not allow this.')).toBeVisible();
  await expect(apage.locator('.user-roles')).toHaveText('viewer');
  // Asking again cannot help: the dialog offers no Continue, only Cancel.
  await expect(approve.getByRole('button', { name: 'Continue' })).toBeDisabled();
  await capture(amira.console, 'company-approver-removed');
  await approve.getByRole('button', { name: 'Cancel' }).click();
  await expect(approve).toBeHidden();
  await expect(apage.getByText('Deciding requests needs the approver role, which your account does not have.')).toBeVisible();
  await expect(apage.getByRole('region', { name: 'Decision' }).getByRole('button', { name: 'Approve' })).toBeDisabled();
  // Nothing waits for her any more: no pending count on the Approvals link (nor on the app badge).
  await expect(mainNav(apage).getByLabel('1 pending')).toHaveCount(0);
  expect(amira.console instanceof ChromiumSeat ? amira.console.badge.current : 0).toBe(0);
  // Nothing dispatched: still 5 %, the request still pending.
  expect((await deploymentOf(oscar.console, 'ltr-ranker')).canary_pct).toBe(5);
  await expect(detail.getByText('pending', { exact: true })).toBeVisible();
});

test('21. a sign-in or step-up waiting on the browser is cancelled from the console (Cancel, Escape); a late IdP redirect finds nobody', async ({ openConsole, browser, capture }) => {
  const oscar = await openCompanyConsole(openConsole, browser, 'oscar');
  const page = oscar.console.page;
  const companyGroup = page.getByRole('group', { name: 'Company sign-in' });
  const signInButton = companyGroup.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` });

  // Sign-in: the browser tab opens, the person changes their mind and presses Cancel in the console.
  await signInButton.click();
  const abandoned = await oscar.systemBrowser.tab(0);
  const waiting = page.getByRole('status').filter({ hasText: `Waiting for you to sign in at ${PROVIDER_NAME}` });
  await waiting.getByRole('button', { name: 'Cancel' }).click();
  await expect(waiting).toBeHidden();
  await expect(signInButton).toBeEnabled();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Finishing at the IdP afterwards leads nowhere: the console's loopback listener is closed.
  await abandoned.getByLabel('User name').fill('oscar');
  await abandoned.getByLabel('Password').fill(person('oscar').password);
  const redirect = abandoned.waitForEvent('requestfailed', { predicate: (request) => /^http:\/\/127\.0\.0\.1:\d+\/callback\?/.test(request.url()) });
  await abandoned.getByRole('button', { name: 'Sign in' }).click();
  await redirect;
  await abandoned.close();
  await expect(mainNav(page)).toHaveCount(0);

  // The browser kept its session at the IdP: signing in now is single sign-on, no form to fill.
  const tabsBefore = oscar.systemBrowser.pages.length;
  await signInButton.click();
  const sso = await oscar.systemBrowser.tab(tabsBefore);
  await expect(sso.getByText('Signed in. You can close this tab and return to Model Ops Console.')).toBeVisible();
  await sso.close();
  await expect(mainNav(page)).toBeVisible();

  // A rollback's step-up (max_age=0: the IdP asks again despite its session) waits on the browser; Escape stops it.
  await openModel(oscar.console, 'Search learning-to-rank');
  await openModelTab(oscar.console, 'Rollout');
  await page.getByRole('button', { name: 'Roll back…' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Roll back ltr-ranker' });
  await dialog.getByLabel('Justification').fill('Checking the cancel path.');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  const seen = oscar.systemBrowser.pages.length;
  await dialog.getByRole('form', { name: 'Re-authenticate' }).getByRole('button', { name: 'Roll back now' }).click();
  const stepUpTab = await oscar.systemBrowser.tab(seen);
  await expect(stepUpTab.getByRole('heading', { name: 'Company sign-in' })).toBeVisible();
  const stepUpWaiting = dialog.getByRole('status').filter({ hasText: `Waiting for you to sign in again at ${PROVIDER_NAME}` });
  await expect(stepUpWaiting).toBeVisible();
  await capture(oscar.console, 'company-step-up-waiting');
  await page.keyboard.press('Escape');
  await expect(stepUpWaiting).toBeHidden();
  // The dialog stays, says what happened, and can be continued again (a new sign-in) or left.
  await expect(dialog.getByRole('alert')).toContainText('Cancelled: nothing was sent.Sign-in at the identity provider cancelled.');
  await expect(dialog.getByRole('button', { name: 'Continue' })).toBeEnabled();
  // Nothing rolled back.
  expect((await deploymentOf(oscar.console, 'ltr-ranker')).canary_pct).toBe(5);
});
