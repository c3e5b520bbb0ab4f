// What an operator does on the console, in accessible terms (roles, labels, visible
// text), shared by the journeys. Nothing here talks to the main process or the BFF.
import { expect, type Locator, type Page } from '@playwright/test';
import type { ModelOpsApi } from '../../shared/ipc/api.js';
import type { ConsoleSeat } from './console-seat.js';

const DEMO_USER_NAMES: readonly string[] = ['olivia', 'arjun', 'ada', 'ravi'];

/**
 * The demo users' published `demo-<name>`; users a journey adds (`bff user create`)
 * need the 12 characters asked of any new password.
 */
export const passwordOf = (username: string) => (DEMO_USER_NAMES.includes(username) ? `demo-${username}` : `demo-${username}-e2e-pw`);

/**
 * The page's window.modelOps, for calls "through the API" as the renderer (or a script in it)
 * could make them: `page.evaluate((payload) => (globalThis as ConsoleWindow).modelOps..., payload)`.
 */
export type ConsoleWindow = typeof globalThis & { modelOps: ModelOpsApi };

export function mainNav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main' });
}

export async function signIn(seat: ConsoleSeat, username: string, options: { stay?: boolean; password?: string } = {}): Promise<void> {
  const form = seat.page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('User name').fill(username);
  await form.getByLabel('Password').fill(options.password ?? passwordOf(username));
  const stay = form.getByRole('checkbox', { name: /Stay signed in/ });
  if (options.stay) await stay.check();
  else await stay.uncheck();
  await form.getByRole('button', { name: 'Sign in' }).click();
  if (options.password === undefined) await expect(mainNav(seat.page)).toBeVisible();
}

export async function signOut(seat: ConsoleSeat): Promise<void> {
  await seat.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(seat.page.getByRole('form', { name: 'Sign in' })).toBeVisible();
}

export async function goTo(seat: ConsoleSeat, section: 'Registry' | 'Approvals' | 'Audit log' | 'Settings'): Promise<void> {
  await mainNav(seat.page).getByRole('link', { name: new RegExp(`^${section}`) }).click();
  await expect(seat.page.getByRole('heading', { level: 1, name: section === 'Audit log' ? 'Audit log' : section })).toBeVisible();
}

export async function openModel(seat: ConsoleSeat, name: string): Promise<void> {
  await goTo(seat, 'Registry');
  await seat.page.getByRole('grid', { name: 'Models' }).getByRole('row', { name: new RegExp(name) }).click();
  await expect(seat.page.getByRole('heading', { level: 1, name })).toBeVisible();
}

export async function openModelTab(seat: ConsoleSeat, tab: 'Overview' | 'Eval report' | 'Rollout'): Promise<void> {
  await seat.page.getByRole('navigation', { name: 'Model sections' }).getByRole('link', { name: tab }).click();
  await expect(seat.page.getByRole('navigation', { name: 'Model sections' }).getByRole('link', { name: tab })).toHaveAttribute('aria-current', 'page');
}

/** The traffic bar's words, e.g. "Traffic: stable 2.0.0 95%, canary 2.1.0 5%". */
export function traffic(page: Page, words: string): Locator {
  return page.getByRole('img', { name: `Traffic: ${words}` }).first();
}

export type RolloutActionLabel = 'Start canary' | 'Advance' | 'Promote' | 'Roll back';

/**
 * From the model's Rollout tab: pick the action (and version), give a
 * justification, re-authenticate and send. Leaves the dialog open when the
 * console refuses, so the caller can read why.
 */
export async function requestChange(
  seat: ConsoleSeat,
  options: { model: string; action: RolloutActionLabel; version?: string; justification: string; password: string; override?: boolean },
): Promise<Locator> {
  const page = seat.page;
  if (options.version) await page.getByRole('combobox', { name: 'Version' }).selectOption(options.version);
  await page.getByRole('button', { name: `${options.action}…` }).click();
  const dialog = page.getByRole('alertdialog', { name: `${options.action} ${options.model}` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Justification').fill(options.justification);
  if (options.override) await dialog.getByRole('checkbox', { name: /Override the failed gate/ }).check();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await reauthenticate(dialog, options.password, options.action === 'Roll back' ? 'Roll back now' : `Request ${options.action.toLowerCase()}`);
  return dialog;
}

/** The re-authentication step of a dialog: password, then the confirming button. */
export async function reauthenticate(dialog: Locator, password: string, confirm: string): Promise<void> {
  const form = dialog.getByRole('form', { name: 'Re-authenticate' });
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: confirm }).click();
}

/** On the approvals screen with a request open: approve it with a comment and re-authentication. */
export async function approveOpenRequest(seat: ConsoleSeat, password: string, comment: string): Promise<Locator> {
  const page = seat.page;
  const decide = page.getByRole('region', { name: 'Decision' });
  await decide.getByRole('button', { name: 'Approve' }).click();
  const dialog = page.getByRole('alertdialog', { name: /^Approve the / });
  await dialog.getByLabel('Comment (optional)').fill(comment);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await reauthenticate(dialog, password, 'Approve');
  return dialog;
}
