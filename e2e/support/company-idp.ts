// Company sign-in in the e2e harness: the test IdP (bff/src/testing/oidc-idp.ts, a real
// oidc-provider) on an ephemeral loopback port, a BFF configured as its resource server,
// and Playwright's Chromium as the SYSTEM BROWSER: the main process's system-browser
// port (adapters/system-browser.ts calls shell.openExternal) opens the authorization URL
// in a new page of a browser context of its own — the user's browser, apart from the
// console's window — where the journey fills and submits the IdP's real login form.
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { OidcSettings } from '../../bff/src/services/oidc/settings.js';
import { TEST_IDP_AUDIENCE, TEST_IDP_CLIENT_ID, startTestIdp, type IdpUser, type TestIdp } from '../../bff/src/testing/oidc-idp.js';
import { browserUrlAllowed, type BrowserOpener } from '../../electron/main/services/oidc-sign-in.js';
import { startTestBff, type TestBff } from './test-bff.js';

export const PROVIDER_NAME = 'Acme SSO';

/** Groups at the IdP and the roles the BFF maps them to (BFF_OIDC_ROLE_MAP). */
export const ROLE_MAP = { 'ml-ops-staff': ['viewer'], 'ml-ops-operators': ['operator'], 'ml-ops-approvers': ['approver'] } as const;

/** The company's people: an operator and an approver (both staff, so removing a group leaves a viewer). */
export const COMPANY_USERS: Array<Omit<IdpUser, 'sub'>> = [
  { username: 'oscar', password: 'idp-oscar-password', displayName: 'Oscar Operator', groups: ['ml-ops-staff', 'ml-ops-operators'] },
  { username: 'amira', password: 'idp-amira-password', displayName: 'Amira Approver', groups: ['ml-ops-staff', 'ml-ops-approvers'] },
];

export interface CompanyIdp {
  idp: TestIdp;
  bff: TestBff;
  dispose(): Promise<void>;
}

/** The IdP and a BFF (fresh SQLite, demo data) that accepts only its people (no password sign-in). */
export async function startCompanyIdp(): Promise<CompanyIdp> {
  const idp = await startTestIdp({ users: COMPANY_USERS });
  try {
    const bff = await startTestBff({
      settings: {
        oidc: OidcSettings.parse({
          issuer: idp.issuer,
          clientId: TEST_IDP_CLIENT_ID,
          audience: TEST_IDP_AUDIENCE,
          resource: TEST_IDP_AUDIENCE,
          roleMap: Object.fromEntries(Object.entries(ROLE_MAP).map(([group, roles]) => [group, [...roles]])),
          providerName: PROVIDER_NAME,
        }),
      },
    });
    return {
      idp,
      bff,
      dispose: async () => {
        await bff.dispose();
        await idp.stop();
      },
    };
  } catch (error) {
    await idp.stop();
    throw error;
  }
}

/**
 * The system-browser port played by Chromium: each URL the main process opens becomes a
 * new page (a tab of the user's browser). The URL rule is the real adapter's.
 */
export class PlaywrightSystemBrowser implements BrowserOpener {
  readonly opened: string[] = [];
  readonly pages: Page[] = [];

  private constructor(readonly context: BrowserContext) {}

  static async launch(browser: Browser): Promise<PlaywrightSystemBrowser> {
    return new PlaywrightSystemBrowser(await browser.newContext({ viewport: { width: 900, height: 700 } }));
  }

  open = async (url: string): Promise<void> => {
    const allowed = browserUrlAllowed(url);
    this.opened.push(allowed.href);
    const page = await this.context.newPage();
    this.pages.push(page);
    // Like shell.openExternal: resolved once the browser shows the page, not when the person is done.
    await page.goto(allowed.href);
  };

  /** The tab opened after the first `seen` ones. */
  async tab(seen: number): Promise<Page> {
    await expect.poll(() => this.pages.length, { message: 'the console opens the system browser at the IdP' }).toBeGreaterThan(seen);
    return this.pages[seen]!;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}

/**
 * What the person does in the browser tab: the IdP's login form (user name, password),
 * then the IdP sends the browser to the console's loopback callback, which says so.
 */
export async function signInAtIdpPage(tab: Page, user: { username: string; password: string }): Promise<void> {
  await expect(tab.getByRole('heading', { name: 'Company sign-in' })).toBeVisible();
  await tab.getByLabel('User name').fill(user.username);
  await tab.getByLabel('Password').fill(user.password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByText('Signed in. You can close this tab and return to Model Ops Console.')).toBeVisible();
  expect(new URL(tab.url()).origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await tab.close();
}
