// Webhook dispatch end to end: the README's receiver, run as its own process,
// verifies the signature and timestamp window of what an approval sends; 500s
// are retried with the same delivery id; a redirect is not followed; and no
// read, audit entry or event ever carries the secret.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../../shared/domain/change-request.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { DEFAULT_DISPATCH_SETTINGS } from '../../context.js';
import { eventsAfter } from '../../store/event-log.js';
import { startHarness, type Client, type Harness } from '../../testing/demo-harness.js';
import { startReadmeReceiver, startScriptedReceiver, type ReadmeReceiver } from '../../testing/webhook-receivers.js';
import { webhookSignature } from './webhook-target.js';

const SECRET = 'webhook-secret-never-shown-0123456789';
const MODEL = 'bert-sentiment';

let h: Harness;
let dir: string;
let receiver: ReadmeReceiver;
let olivia: Client;
let arjun: Client;
let ada: Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webhook-'));
  receiver = await startReadmeReceiver(dir, SECRET);
  h = await startHarness({ settings: { dispatch: { ...DEFAULT_DISPATCH_SETTINGS, retryBaseMs: 50, retryMaxMs: 200, pollIntervalMs: 100 } } });
  [olivia, arjun, ada] = await Promise.all([h.as('olivia'), h.as('arjun'), h.as('ada')]);
});
afterAll(async () => {
  await h?.close();
  await receiver?.stop();
  await rm(dir, { recursive: true, force: true });
});

const deploymentOf = async (): Promise<Deployment> => (await olivia.get(`/admin/models/${MODEL}`)).body.deployment as Deployment;

async function waitForDeployment(predicate: (d: Deployment) => boolean, timeoutMs = 20_000): Promise<Deployment> {
  const deadline = Date.now() + timeoutMs;
  let last = await deploymentOf();
  while (!predicate(last)) {
    if (Date.now() > deadline) throw new Error(`deployment never matched: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await deploymentOf();
  }
  return last;
}

async function setWebhook(url: string, secret = SECRET) {
  const answer = await ada.call('PUT', `/admin/models/${MODEL}/serving`, { body: { target: { kind: 'webhook', url, secret } }, stepUp: 'serving.set' });
  expect(answer.status, answer.text).toBe(200);
  return answer;
}

// Limits bound a hang on a shared machine; no timing is under test.
describe('webhook dispatch', { timeout: 60_000 }, () => {
  it('needs an admin with a step-up for serving.set, and validates the target', async () => {
    const body = { target: { kind: 'webhook', url: receiver.url, secret: SECRET } };
    expect((await ada.call('PUT', `/admin/models/${MODEL}/serving`, { body })).status).toBe(428);
    expect((await ada.call('PUT', `/admin/models/${MODEL}/serving`, { body, stepUp: 'rollout' })).body.error.code).toBe('step_up_invalid');
    expect((await olivia.call('PUT', `/admin/models/${MODEL}/serving`, { body, stepUp: 'rollout' })).status).toBe(403);
    const short = await ada.call('PUT', `/admin/models/${MODEL}/serving`, { body: { target: { ...body.target, secret: 'short' } }, stepUp: 'serving.set' });
    expect(short.status).toBe(400);
    expect((await olivia.post(`/admin/models/${MODEL}/dispatch/retry`, undefined)).body.error.code).toBe('conflict');
  });

  it('delivers approvals to the README receiver, which verifies the signature; the secret never comes back', async () => {
    const set = await setWebhook(receiver.url);
    expect(set.body).toEqual({ serving: { target: { kind: 'webhook', url: receiver.url, secret_set: true }, updated_at: expect.any(String), updated_by: 'ada' } });
    await waitForDeployment((d) => d.dispatch.status === 'applied');

    const requested = await olivia.post(`/admin/models/${MODEL}/rollout`, { target_version: '1.1.0', strategy: 'canary', justification: 'webhook' }, { stepUp: 'rollout' });
    const request = requested.body.request as ChangeRequest;
    const approved = await arjun.post(`/admin/approvals/${request.id}/approve`, { comment: 'ok', intent_digest: request.intent_digest }, { stepUp: 'approve' });
    expect(approved.status, approved.text).toBe(200);
    const applied = await waitForDeployment((d) => d.dispatch.status === 'applied' && d.state_version === approved.body.deployment.state_version);
    expect(applied.dispatch).toMatchObject({ target_kind: 'webhook', attempts: 1, applied_at: expect.any(String) });
    expect(receiver.applied.at(-1)).toEqual({
      delivery_id: expect.stringMatching(/^dlv_/),
      model_id: MODEL,
      stable_version: '1.0.0',
      canary_version: '1.1.0',
      canary_pct: 5,
      state_version: applied.state_version,
      salt: expect.any(String),
      at: applied.updated_at,
    });

    const texts = [
      (await ada.get(`/admin/models/${MODEL}/serving`)).text,
      (await olivia.get(`/admin/models/${MODEL}/serving`)).text,
      (await olivia.get(`/admin/models/${MODEL}`)).text,
      (await olivia.get('/admin/models?limit=100')).text,
      (await ada.get('/admin/audit?limit=500')).text,
      JSON.stringify(await eventsAfter(h.bff.ctx.db, 0, 100_000)),
    ];
    for (const text of texts) expect(text).not.toContain(SECRET);
    expect(texts[1]).toContain('"secret_set":true');
  });

  it('fails (for a person to fix) when the receiver refuses the signature: wrong secret, or a clock outside its window', async () => {
    await setWebhook(receiver.url, 'another-secret-the-receiver-does-not-know');
    const refused = await waitForDeployment((d) => d.dispatch.status === 'failed');
    expect(refused.dispatch.last_error).toContain('answered 401');

    await setWebhook(receiver.url);
    await waitForDeployment((d) => d.dispatch.status === 'applied');
    h.clock.advance(3600_000);
    try {
      const retried = await olivia.post(`/admin/models/${MODEL}/dispatch/retry`, undefined);
      expect(retried.status, retried.text).toBe(200);
      expect(retried.body.deployment.dispatch).toMatchObject({ status: 'failed', last_error: expect.stringContaining('401') });
    } finally {
      h.clock.advance(-3600_000);
    }
    const retried = await olivia.post(`/admin/models/${MODEL}/dispatch/retry`, undefined);
    expect(retried.body.deployment.dispatch.status).toBe('applied');
    const audit = await ada.get('/admin/audit?action=dispatch.retry_requested');
    expect(audit.body.items[0]).toMatchObject({ actor: 'olivia', target: `model:${MODEL}` });
  });

  it('retries 500s with backoff and the same delivery id and body, and never follows a redirect', async () => {
    const flaky = await startScriptedReceiver();
    try {
      flaky.answer = 500;
      await setWebhook(flaky.url);
      const retrying = await waitForDeployment((d) => d.dispatch.status === 'retrying' && d.dispatch.attempts >= 2);
      expect(retrying.dispatch.last_error).toContain('answered 500');
      flaky.answer = 204;
      const applied = await waitForDeployment((d) => d.dispatch.status === 'applied');
      expect(applied.dispatch.attempts).toBe(flaky.deliveries.length);
      const ids = new Set(flaky.deliveries.map((d) => JSON.parse(d.body).delivery_id as string));
      expect(ids.size).toBe(1);
      expect(new Set(flaky.deliveries.map((d) => d.body)).size).toBe(1);
      for (const delivery of flaky.deliveries) {
        const header = String(delivery.headers['x-modelops-signature']);
        const t = Number(/^t=(\d+),/.exec(header)?.[1]);
        expect(header).toBe(webhookSignature(SECRET, delivery.body, t));
      }

      // Followed, the redirect would reach a closed port and read as retrying; not followed, it fails.
      flaky.answer = 307;
      await olivia.post(`/admin/models/${MODEL}/dispatch/retry`, undefined);
      const redirected = await waitForDeployment((d) => d.dispatch.status === 'failed');
      expect(redirected.dispatch.last_error).toMatch(/307.*redirects are not followed/);
    } finally {
      await flaky.stop();
    }
  });
});
