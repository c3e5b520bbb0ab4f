// The main process's side of dispatch against the real BFF (its dispatcher
// running) and a real webhook receiver on loopback: an approved canary the
// receiver refuses raises one "retrying" and one "failed" notification on the
// operator's and the approver's consoles (not one per try), a click opens the
// model, the serving target reads through IPC without its secret, and only an
// operator's "Retry dispatch" re-applies it.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import type { IpcResult, PushChannel } from '../../../shared/ipc/contract.js';
import { intentDigest, intentOf } from '../../../shared/logic/intent.js';
import { startLocalBff, type LocalBff } from '../local-mode/start-local-bff.js';
import { tempDir, waitFor } from '../test-support/harness.js';
import { testPorts } from '../test-support/runtime-ports.js';
import type { NativeNotification } from './approval-notifier.js';
import { createConsoleRuntime, type ConsoleRuntime } from './console-runtime.js';
import { createMemoryLogger } from './logger.js';

const MODEL = 'ltr-ranker';
const SECRET = 'whsec-dispatch-console-test-0123456789';

interface Seat {
  runtime: ConsoleRuntime;
  notifications: NativeNotification[];
  pushes: { channel: PushChannel; payload: unknown }[];
  focused: () => number;
  call<T = unknown>(channel: string, payload?: unknown): Promise<IpcResult<T>>;
}

const cleanups: Array<() => Promise<void> | void> = [];
let bff: LocalBff;
/** What the receiver answers next; every delivery it got. */
let answer = 503;
const deliveries: { status: number; body: string }[] = [];

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function openSeat(username: string): Promise<Seat> {
  const dir = tempDir('moc-dispatch-');
  cleanups.push(() => dir.remove());
  const notifications: NativeNotification[] = [];
  const pushes: Seat['pushes'] = [];
  let focused = 0;
  // Remote mode, as a user who pointed the console at this BFF has it. The native confirmation
  // before a step-up is spent is answered yes (testPorts): this suite is about dispatch.
  const runtime = await createConsoleRuntime(
    testPorts(
      { dataDir: dir.path, bffUrl: bff.url },
      {
        logger: createMemoryLogger(),
        showNotification: (notification) => notifications.push(notification),
        focusWindow: () => void (focused += 1),
        push: (channel, payload) => pushes.push({ channel, payload }),
      },
    ),
  );
  cleanups.push(() => runtime.shutdown());
  const seat: Seat = {
    runtime,
    notifications,
    pushes,
    focused: () => focused,
    call: async (channel, payload = {}) => (await runtime.dispatch(channel, payload)) as IpcResult<never>,
  };
  value(await seat.call('app:session:sign-in', { username, password: `demo-${username}`, stay_signed_in: false }));
  await waitFor(() => pushes.some((p) => p.channel === 'app:connection:changed' && (p.payload as { state: string }).state === 'connected'), `${username} connected`);
  return seat;
}

/** The admin's part, outside the console: PUT /admin/models/{id}/serving with a step-up. */
async function pointModelAtWebhook(url: string): Promise<void> {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${bff.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  };
  const { access_token } = await post('/auth/login', { username: 'ada', password: 'demo-ada' });
  const authorization = `Bearer ${access_token}`;
  const { step_up_token } = await post('/auth/step-up', { password: 'demo-ada', purpose: 'serving.set' }, { authorization });
  const response = await fetch(`${bff.url}/admin/models/${MODEL}/serving`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization, 'x-step-up-token': step_up_token!, 'idempotency-key': `test-${Date.now()}` },
    body: JSON.stringify({ target: { kind: 'webhook', url, secret: SECRET } }),
  });
  if (!response.ok) throw new Error(`PUT serving: ${response.status} ${await response.text()}`);
}

let receiver: Server;
let olivia: Seat;
let arjun: Seat;

beforeAll(async () => {
  const dir = tempDir('moc-dispatch-bff-');
  cleanups.push(() => dir.remove());
  bff = await startLocalBff({
    dbFile: join(dir.path, 'bff.sqlite'),
    seedDemo: true,
    settings: {
      authRateLimitPerMinute: 10_000,
      // Quick retries, so several tries happen within the test; no reconcile needed for a webhook.
      dispatch: { reconcileIntervalMs: 60_000, retryBaseMs: 40, retryMaxMs: 120, leaseMs: 10_000, pollIntervalMs: 200, reapplyOnDrift: false },
    },
  });
  cleanups.push(() => bff.close());
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      deliveries.push({ status: answer, body });
      response.writeHead(answer).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const address = receiver.address() as { port: number };
  await pointModelAtWebhook(`http://127.0.0.1:${address.port}/modelops`);
  olivia = await openSeat('olivia');
  arjun = await openSeat('arjun');
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const titled = (seat: Seat, title: string) => seat.notifications.filter((n) => n.title === title);

describe('dispatch through the main process', () => {
  it('reads the serving target without its secret, for any signed-in role', async () => {
    const { serving } = value(await arjun.call<{ serving: { target: { kind: string; url: string; secret_set: boolean } } }>('app:serving:get', { model_id: MODEL }));
    expect(serving.target).toEqual({ kind: 'webhook', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/modelops$/), secret_set: true });
    expect(JSON.stringify(serving)).not.toContain(SECRET);
  });

  it('a refused canary notifies operator and approver once when it starts retrying and once when it fails; a click opens the model', async () => {
    const detail = value(await olivia.call<{ deployment: Deployment }>('app:models:get', { model_id: MODEL }));
    const { request } = value(
      await olivia.call<{ request: ChangeRequest }>('app:rollout:request', {
        model_id: MODEL,
        rollout: { target_version: '2.1.0', strategy: 'canary', canary_pct: 5, justification: 'canary via webhook', expected_state_version: detail.deployment.state_version },
        step_up: { password: 'demo-olivia' },
      }),
    );
    const shown = value(await arjun.call<{ request: ChangeRequest }>('app:approvals:get', { request_id: request.id })).request;
    value(await arjun.call('app:approvals:approve', { request_id: request.id, intent_digest: await intentDigest(intentOf(shown)), step_up: { password: 'demo-arjun' } }));

    // The receiver answers 503: the BFF retries (with backoff) and keeps the delivery.
    await waitFor(() => deliveries.length >= 4, 'four tries at the receiver', 15_000);
    for (const seat of [olivia, arjun]) await waitFor(() => titled(seat, `Dispatch retrying: ${MODEL}`).length === 1, 'the retrying notification');
    const retrying = titled(olivia, `Dispatch retrying: ${MODEL}`)[0]!;
    expect(retrying.body).toMatch(/^Applying stable 2\.0\.0 95 %, canary 2\.1\.0 5 % to the webhook failed \(\d+(st|nd|rd|th) try\): webhook http:\/\/127\.0\.0\.1:\d+\/modelops answered 503\. The BFF keeps trying\.$/);

    // Then a refusal only a person can fix: failed, told once more.
    answer = 404;
    for (const seat of [olivia, arjun]) await waitFor(() => titled(seat, `Dispatch failed: ${MODEL}`).length === 1, 'the failed notification', 15_000);
    expect(titled(olivia, `Dispatch failed: ${MODEL}`)[0]!.body).toMatch(/to the webhook failed after \d+ tries: webhook http:\/\/127\.0\.0\.1:\d+\/modelops answered 404\. An operator can retry from the rollout tab\.$/);
    const triesSoFar = deliveries.length;
    expect(triesSoFar).toBeGreaterThanOrEqual(5);
    // However many tries it took: one notification of each kind per console.
    for (const seat of [olivia, arjun]) {
      expect(seat.notifications.filter((n) => n.title.startsWith('Dispatch')).map((n) => n.title)).toEqual([`Dispatch retrying: ${MODEL}`, `Dispatch failed: ${MODEL}`]);
    }
    // Every push the renderer got was a valid event: the failure reached it as deployment.dispatch_failed.
    expect(olivia.pushes.some((p) => p.channel === 'app:events:received' && (p.payload as { data: { type: string } }).data.type === 'deployment.dispatch_failed')).toBe(true);

    const focusedBefore = olivia.focused();
    titled(olivia, `Dispatch failed: ${MODEL}`)[0]!.onClick();
    expect(olivia.focused()).toBe(focusedBefore + 1);
    expect(olivia.pushes.at(-1)).toEqual({ channel: 'app:navigation:open-model', payload: { model_id: MODEL } });
  }, 60_000);

  it('Retry dispatch: refused for an approver, applied for an operator once the receiver accepts', async () => {
    const refused = await arjun.call('app:serving:retry-dispatch', { model_id: MODEL });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    answer = 200;
    const { deployment } = value(await olivia.call<{ deployment: Deployment }>('app:serving:retry-dispatch', { model_id: MODEL }));
    expect(deployment.dispatch).toMatchObject({ status: 'applied', target_kind: 'webhook' });
    expect(deliveries.at(-1)).toMatchObject({ status: 200 });
    expect(JSON.parse(deliveries.at(-1)!.body)).toMatchObject({ model_id: MODEL, stable_version: '2.0.0', canary_version: '2.1.0', canary_pct: 5 });
    // Applied is good news: no notification for it.
    await waitFor(() => olivia.pushes.some((p) => p.channel === 'app:events:received' && (p.payload as { data: { type: string } }).data.type === 'deployment.applied'), 'the applied event');
    expect(olivia.notifications.filter((n) => n.title.startsWith('Dispatch'))).toHaveLength(2);
  }, 30_000);
});
