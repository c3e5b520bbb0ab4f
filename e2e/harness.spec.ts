// The harness itself: the page runs under the app's Content-Security-Policy (a violation is
// seen), window.modelOps is the preload's frozen contract API, and payloads are validated.
import { INVOKE_CHANNELS } from '../shared/ipc/contract.js';
import type { ConsoleWindow } from './support/console-steps.js';
import { expect, test } from './support/fixtures.js';

test('harness: the app CSP applies, window.modelOps is the contract API and nothing else', async ({ bff, openConsole }) => {
  const seat = await openConsole({ label: 'harness', bffUrl: bff.url, allowProblems: /inline script violates the following Content Security Policy directive 'script-src 'self''/ });
  const page = seat.page;
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();

  const api = await page.evaluate(() => {
    const modelOps = (globalThis as ConsoleWindow).modelOps as unknown as Record<string, Record<string, unknown>>;
    return {
      domains: Object.keys(modelOps).sort(),
      frozen: Object.isFrozen(modelOps) && Object.values(modelOps).every((methods) => Object.isFrozen(methods)),
      methods: Object.values(modelOps).reduce((count, methods) => count + Object.keys(methods).length, 0),
    };
  });
  const domains = [...new Set(Object.keys(INVOKE_CHANNELS).map((channel) => channel.split(':')[1]!)), 'on'].sort();
  expect(api.domains).toEqual(domains);
  expect(api.frozen).toBe(true);
  expect(api.methods).toBeGreaterThanOrEqual(Object.keys(INVOKE_CHANNELS).length);

  // The main process validates what the renderer sends: an error value, never a throw.
  const invalid = await page.evaluate(() => (globalThis as ConsoleWindow).modelOps.models.get({ model_id: 'Not A Slug!' }));
  expect(invalid.ok).toBe(false);
  expect(!invalid.ok && invalid.error.code).toBe('invalid_ipc_payload');

  // script-src 'self': an injected inline script is refused, and the harness notices.
  await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { createElement(tag: string): { textContent: string }; head: { append(node: unknown): void } } }).document;
    const script = doc.createElement('script');
    script.textContent = 'globalThis.__inline = true';
    doc.head.append(script);
  });
  await expect.poll(() => seat.problems().some((problem) => /inline script violates the following Content Security Policy directive/.test(problem))).toBe(true);
  expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__inline === undefined)).toBe(true);
});
