// Approved rollouts reach a real HAProxy: the approval commits desired state
// and an outbox row, the dispatcher sets the weights, and 4,000 real requests
// through HAProxy land on the versions in the approved shares. Then HAProxy
// stops while an approval lands (retrying, then applied when it is back, with
// no one acting) and a weight changed by hand is reported as drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../../shared/domain/change-request.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import { DEFAULT_DISPATCH_SETTINGS } from '../../context.js';
import { startHarness, type Client, type Harness } from '../../testing/demo-harness.js';
import { measureSplit, startHaproxy, startModelServer, type RunningHaproxy } from '../../testing/haproxy.js';
import { runtimeApi, setServerWeight } from './haproxy-runtime-api.js';

const RECONCILE_MS = 300;
const REQUESTS = 4000;

let h: Harness;
let haproxy: RunningHaproxy;
let olivia: Client;
let arjun: Client;
let ada: Client;

beforeAll(async () => {
  const bert = await Promise.all([startModelServer('1.0.0'), startModelServer('1.0.0', 'b'), startModelServer('1.0.0', 'c'), startModelServer('1.1.0')]);
  const ltr = await Promise.all([startModelServer('2.0.0'), startModelServer('2.1.0')]);
  haproxy = await startHaproxy([
    { name: 'bert', servers: bert, initialWeights: { v1_0_0: 1, 'v1_0_0-b': 1, 'v1_0_0-c': 1 } },
    { name: 'ltr', servers: ltr, initialWeights: { v2_0_0: 100 } },
  ]);
  h = await startHarness({
    socket: true,
    settings: {
      dispatch: { ...DEFAULT_DISPATCH_SETTINGS, reconcileIntervalMs: RECONCILE_MS, retryBaseMs: 100, retryMaxMs: 400, pollIntervalMs: 200 },
    },
  });
  [olivia, arjun, ada] = await Promise.all([h.as('olivia'), h.as('arjun'), h.as('ada')]);
});
afterAll(async () => {
  await h?.close();
  await haproxy?.stop();
});

async function deploymentOf(modelId: string): Promise<Deployment> {
  return (await olivia.get(`/admin/models/${modelId}`)).body.deployment as Deployment;
}

/** Waits (bounded) until the model's deployment satisfies `predicate`; the last one seen is in the failure message. */
async function waitForDeployment(modelId: string, predicate: (d: Deployment) => boolean, timeoutMs = 20_000): Promise<Deployment> {
  const deadline = Date.now() + timeoutMs;
  let last = await deploymentOf(modelId);
  while (!predicate(last)) {
    if (Date.now() > deadline) throw new Error(`deployment of ${modelId} never matched: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await deploymentOf(modelId);
  }
  return last;
}

const appliedAt = (stateVersion: number) => (d: Deployment) => d.state_version === stateVersion && d.dispatch.status === 'applied';

async function setTarget(modelId: string, backend: string): Promise<void> {
  const answer = await ada.call('PUT', `/admin/models/${modelId}/serving`, {
    body: { target: { kind: 'haproxy', runtime_api: haproxy.runtimeApi, backend } },
    stepUp: 'serving.set',
  });
  expect(answer.status, answer.text).toBe(200);
}

async function approveStep(modelId: string, step: { target_version: string; strategy: 'canary' | 'advance' | 'promote'; canary_pct?: number }): Promise<Deployment> {
  const requested = await olivia.post(`/admin/models/${modelId}/rollout`, { justification: 'dispatch test', ...step }, { stepUp: 'rollout' });
  expect(requested.status, requested.text).toBe(202);
  const request = requested.body.request as ChangeRequest;
  const approved = await arjun.post(`/admin/approvals/${request.id}/approve`, { comment: 'ok', intent_digest: request.intent_digest }, { stepUp: 'approve' });
  expect(approved.status, approved.text).toBe(200);
  return approved.body.deployment as Deployment;
}

async function shareOf(backend: string, version: string, requests = REQUESTS): Promise<number> {
  const counts = await measureSplit(haproxy.frontendPorts.get(backend)!, requests);
  return (100 * (counts.get(version) ?? 0)) / requests;
}

describe('dispatch to a real HAProxy', () => {
  // Generous limits: the machine may be shared; these bound a hang, they are not timings under test.
  it('moves real traffic through canary 5 -> 25 -> 50 %, promote and rollback', { timeout: 120_000 }, async () => {
    await setTarget('bert-sentiment', 'bert');
    let deployment = await waitForDeployment('bert-sentiment', (d) => d.dispatch.status === 'applied');
    expect(deployment.dispatch).toMatchObject({ target_kind: 'haproxy', observed: { '1.0.0': 100 } });

    for (const [step, pct] of [
      [{ target_version: '1.1.0', strategy: 'canary' }, 5],
      [{ target_version: '1.1.0', strategy: 'advance', canary_pct: 25 }, 25],
      [{ target_version: '1.1.0', strategy: 'advance', canary_pct: 50 }, 50],
    ] as const) {
      const approved = await approveStep('bert-sentiment', step);
      // The approval answers at once; the outbox row committed with it.
      expect(['pending', 'applied']).toContain(approved.dispatch.status);
      deployment = await waitForDeployment('bert-sentiment', appliedAt(approved.state_version));
      expect(deployment.dispatch.observed).toEqual({ '1.0.0': 100 - pct, '1.1.0': pct });
      const share = await shareOf('bert', '1.1.0');
      expect(share).toBeGreaterThanOrEqual(pct - 1.5);
      expect(share).toBeLessThanOrEqual(pct + 1.5);
    }

    const promoted = await approveStep('bert-sentiment', { target_version: '1.1.0', strategy: 'promote' });
    await waitForDeployment('bert-sentiment', appliedAt(promoted.state_version));
    expect(await shareOf('bert', '1.1.0', 1000)).toBe(100);

    const rolledBack = await olivia.post('/admin/models/bert-sentiment/rollback', { justification: 'dispatch test' }, { stepUp: 'rollback' });
    expect(rolledBack.status, rolledBack.text).toBe(200);
    await waitForDeployment('bert-sentiment', appliedAt((rolledBack.body.deployment as Deployment).state_version));
    expect(await shareOf('bert', '1.1.0', 1000)).toBe(0);

    const audit = await ada.get('/admin/audit?action=dispatch.applied&limit=50');
    expect(audit.body.items.filter((e: { target: string }) => e.target === 'model:bert-sentiment')).toHaveLength(6);
  });

  it('reports a weight changed by hand as drift within one reconcile interval, audited, and re-applies on request', { timeout: 60_000 }, async () => {
    const stream = await olivia.subscribe();
    try {
      await setServerWeight(runtimeApi(haproxy.runtimeApi), 'bert', 'v1_1_0', 7);
      const drifted = await waitForDeployment('bert-sentiment', (d) => d.dispatch.status === 'drift', 2 * RECONCILE_MS + 5000);
      expect(drifted.dispatch.last_error).toMatch(/HAProxy sends 70 % to 1\.1\.0, approved 0 %/);
      expect(drifted.dispatch.observed).toEqual({ '1.0.0': 30, '1.1.0': 70 });
      await stream.waitFor((event) => event.data.type === 'deployment.drift');
      const audit = await ada.get('/admin/audit?action=dispatch.drift');
      expect(audit.body.items[0]).toMatchObject({ actor: 'system:dispatcher', target: 'model:bert-sentiment', details: { differences: [{ server: 'v1_1_0', expected: 0, actual: 7 }] } });

      const retried = await olivia.post('/admin/models/bert-sentiment/dispatch/retry', undefined);
      expect(retried.status, retried.text).toBe(200);
      expect(retried.body.deployment.dispatch).toMatchObject({ status: 'applied', observed: { '1.0.0': 100, '1.1.0': 0 } });
      expect(await shareOf('bert', '1.1.0', 1000)).toBe(0);
    } finally {
      stream.close();
    }
  });

  it('keeps retrying while HAProxy is down and applies the approval once it is back, with no one acting', { timeout: 60_000 }, async () => {
    await setTarget('ltr-ranker', 'ltr');
    await waitForDeployment('ltr-ranker', (d) => d.dispatch.status === 'applied');
    const stream = await arjun.subscribe();
    await haproxy.stopProcess();
    try {
      const approved = await approveStep('ltr-ranker', { target_version: '2.1.0', strategy: 'canary' });
      const retrying = await waitForDeployment('ltr-ranker', (d) => d.dispatch.status === 'retrying' && d.dispatch.attempts >= 2);
      expect(retrying.state_version).toBe(approved.state_version);
      expect(retrying.dispatch.last_error).toContain('ECONNREFUSED');
      expect(retrying.dispatch.next_attempt_at).toEqual(expect.any(String));
      const failed = await stream.waitFor((event) => event.data.type === 'deployment.dispatch_failed' && event.data.deployment.model_id === 'ltr-ranker');
      expect(failed.data).toMatchObject({ deployment: { model_id: 'ltr-ranker', dispatch: { status: 'retrying', last_error: expect.stringContaining('ECONNREFUSED') } } });
    } finally {
      await haproxy.restart();
    }
    const applied = await waitForDeployment('ltr-ranker', (d) => d.dispatch.status === 'applied');
    const told = await stream.waitFor((event) => event.data.type === 'deployment.applied' && event.data.deployment.model_id === 'ltr-ranker' && event.data.deployment.canary_pct === 5);
    expect(told.data).toMatchObject({ deployment: { dispatch: { status: 'applied', observed: { '2.0.0': 95, '2.1.0': 5 } } } });
    stream.close();
    const list = await olivia.get('/admin/models?limit=100');
    const summary = list.body.items.find((item: { model: { id: string } }) => item.model.id === 'ltr-ranker');
    expect(summary.deployment.dispatch).toMatchObject({ status: 'applied', target_kind: 'haproxy' });
    expect(applied.dispatch.observed).toEqual({ '2.0.0': 95, '2.1.0': 5 });
    const share = await shareOf('ltr', '2.1.0');
    expect(share).toBeGreaterThanOrEqual(3.5);
    expect(share).toBeLessThanOrEqual(6.5);
  });

  it('lets a rollback supersede a forward step still queued: the step is never applied', { timeout: 60_000 }, async () => {
    await haproxy.stopProcess();
    let rolledBackState: number;
    try {
      const advanced = await approveStep('ltr-ranker', { target_version: '2.1.0', strategy: 'advance', canary_pct: 25 });
      await waitForDeployment('ltr-ranker', (d) => d.state_version === advanced.state_version && d.dispatch.status === 'retrying');
      const rolledBack = await olivia.post('/admin/models/ltr-ranker/rollback', { justification: 'superseded' }, { stepUp: 'rollback' });
      expect(rolledBack.status, rolledBack.text).toBe(200);
      rolledBackState = (rolledBack.body.deployment as Deployment).state_version;
      // The queued step is replaced at once, not waited for.
      expect(rolledBack.body.deployment.dispatch).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      await haproxy.restart();
    }
    const applied = await waitForDeployment('ltr-ranker', appliedAt(rolledBackState));
    expect(applied.dispatch.observed).toEqual({ '2.0.0': 100, '2.1.0': 0 });
    expect(await shareOf('ltr', '2.1.0', 1000)).toBe(0);
    const audit = await ada.get('/admin/audit?action=dispatch.applied&limit=100');
    const ltrApplied = audit.body.items.filter((e: { target: string }) => e.target === 'model:ltr-ranker');
    expect(ltrApplied.map((e: { details: { canary_pct: number } }) => e.details.canary_pct)).not.toContain(25);
  });
});
