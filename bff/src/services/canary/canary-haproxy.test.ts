// Online canary analysis against a real HAProxy: small model servers behind
// it, a bounded traffic generator in front. A canary answering 500 for 20 %
// of its requests fails the online gate and is rolled back by the BFF on its
// own (audited as system:canary-analysis with the numbers, HAProxy then sends
// it nothing); a healthy canary stays inconclusive on a trickle of traffic,
// passes after the bake time with enough, and the next step still waits for
// a second person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../../shared/api/events.js';
import type { ChangeRequest } from '../../../../shared/domain/change-request.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { OnlineGatePolicy } from '../../../../shared/domain/online-gate.js';
import { DEFAULT_DISPATCH_SETTINGS } from '../../context.js';
import { startHarness, type Client, type EventSubscription, type Harness } from '../../testing/demo-harness.js';
import { haproxyInstalled, measureSplit, startHaproxy, startModelServer, type RunningHaproxy } from '../../testing/haproxy.js';
import { startTraffic } from '../../testing/traffic.js';

const GATE: OnlineGatePolicy = {
  interval_s: 0.4,
  // The failing canary answers 500 to every 5th request it gets: any interval with at least 5 of
  // them holds a failure, so none can pass (with 4, a slow machine's interval could hold none).
  min_requests: 5,
  max_error_rate_increase_pts: 1,
  max_p95_latency_ratio: 1.2,
  // Loopback latencies are a millisecond or two: only a large difference is a finding here.
  latency_noise_floor_ms: 50,
  bake_intervals: 3,
  fail_intervals: 3,
};

let h: Harness;
let haproxy: RunningHaproxy;
let olivia: Client;
let arjun: Client;
let ada: Client;
let adele: Client;

beforeAll(async () => {
  const reranker = await Promise.all([startModelServer('1.0.0'), startModelServer('1.1.0', undefined, { failEvery: 5 })]);
  const bert = await Promise.all([startModelServer('1.0.0'), startModelServer('1.1.0')]);
  haproxy = await startHaproxy([
    { name: 'reranker', servers: reranker, initialWeights: { v1_0_0: 1 } },
    { name: 'bert', servers: bert, initialWeights: { v1_0_0: 1 } },
  ]);
  h = await startHarness({
    // The event stream is read over a real socket.
    socket: true,
    // A second admin approves the short gates below (loosenings, two-person rule 10).
    extraUsers: [{ username: 'adele', roles: ['admin'] }],
    settings: {
      dispatch: { ...DEFAULT_DISPATCH_SETTINGS, reconcileIntervalMs: 5000, retryBaseMs: 100, retryMaxMs: 400, pollIntervalMs: 200 },
      canaryAnalysis: { tickMs: 50, leaseMs: 5000, keepSamplesPerModel: 40, keepEvaluationsPerModel: 40 },
    },
  });
  [olivia, arjun, ada, adele] = await Promise.all([h.as('olivia'), h.as('arjun'), h.as('ada'), h.as('adele')]);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await haproxy?.stop();
});

async function deploymentOf(modelId: string): Promise<Deployment> {
  return (await olivia.get(`/admin/models/${modelId}`)).body.deployment as Deployment;
}

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

async function serveThrough(modelId: string, backend: string, gate: OnlineGatePolicy): Promise<void> {
  const target = await ada.call('PUT', `/admin/models/${modelId}/serving`, {
    body: { target: { kind: 'haproxy', runtime_api: haproxy.runtimeApi, backend } },
    stepUp: 'serving.set',
  });
  expect(target.status, target.text).toBe(200);
  const set = await ada.call('PUT', `/admin/models/${modelId}/online-gate`, { body: { policy: gate }, stepUp: 'policy' });
  expect(set.status, set.text).toBe(202);
  const approved = await adele.post(`/admin/policy-changes/${set.body.policy_change.id}/approve`, {}, { stepUp: 'policy' });
  expect(approved.status, approved.text).toBe(200);
  expect((await ada.get(`/admin/models/${modelId}/online-gate`)).body).toEqual({ policy: gate, is_default: false });
  await waitForDeployment(modelId, (d) => d.dispatch.status === 'applied');
}

async function requestStep(modelId: string, step: { target_version: string; strategy: 'canary' | 'advance'; canary_pct?: number }): Promise<ChangeRequest> {
  const requested = await olivia.post(`/admin/models/${modelId}/rollout`, { justification: 'canary analysis test', ...step }, { stepUp: 'rollout' });
  expect(requested.status, requested.text).toBe(202);
  return requested.body.request as ChangeRequest;
}

async function approve(request: ChangeRequest): Promise<Deployment> {
  const approved = await arjun.post(`/admin/approvals/${request.id}/approve`, { comment: 'ok', intent_digest: request.intent_digest }, { stepUp: 'approve' });
  expect(approved.status, approved.text).toBe(200);
  return approved.body.deployment as Deployment;
}

type Evaluated = Extract<ServerEvent['data'], { type: 'canary.evaluated' }>;

/** The interval verdicts announced for one step, in order. */
async function verdictsOf(stream: EventSubscription, modelId: string, stateVersion: number, count: number, timeoutMs = 15_000): Promise<Evaluated[]> {
  const seen: Evaluated[] = [];
  const matches = (event: ServerEvent) =>
    event.data.type === 'canary.evaluated' && event.data.model_id === modelId && event.data.analysis.state_version === stateVersion && event.data.analysis.last !== null;
  await stream.waitFor((event) => {
    if (matches(event) && !seen.includes(event.data as Evaluated)) seen.push(event.data as Evaluated);
    return seen.length >= count;
  }, timeoutMs);
  return seen;
}

describe.skipIf(!haproxyInstalled())('online canary analysis with a real HAProxy', () => {
  it('rolls a canary answering 500 for 20 % of requests back on its own within K intervals; HAProxy then sends it nothing', { timeout: 90_000 }, async () => {
    await serveThrough('cross-encoder-reranker', 'reranker', GATE);
    const stream = await arjun.subscribe();
    const traffic = startTraffic(haproxy.frontendPorts.get('reranker')!, { ratePerSecond: 150, maxRequests: 15_000 });
    try {
      const started = await approve(await requestStep('cross-encoder-reranker', { target_version: '1.1.0', strategy: 'canary' }));
      expect(started).toMatchObject({ canary_version: '1.1.0', canary_pct: 10 });

      const rolledBack = (await stream.waitFor((event) => event.data.type === 'canary.rolled_back', 30_000)).data;
      if (rolledBack.type !== 'canary.rolled_back') throw new Error('unreachable');
      expect(rolledBack).toMatchObject({ model_id: 'cross-encoder-reranker', by: 'system:canary-analysis', deployment: { canary_version: null, canary_pct: 0 } });
      expect(rolledBack.analysis).toMatchObject({ status: 'rolled_back', consecutive_failures: 3, consecutive_passes: 0, state_version: started.state_version });
      expect(rolledBack.reason).toMatch(/^online gate failed 3 intervals in a row at 10 %: canary \d+\.\d % errors vs stable 0\.0 %/);
      // The requester and the approver of the step are told, by name.
      expect(rolledBack.notify.sort()).toEqual(['arjun', 'olivia']);

      // Within K intervals: every conclusive verdict of the step failed, and there were exactly K of them.
      const analysis = await olivia.get('/admin/models/cross-encoder-reranker/canary-analysis');
      expect(analysis.status).toBe(200);
      const verdicts = analysis.body.intervals.map((interval: { verdict: string }) => interval.verdict);
      expect(verdicts.filter((verdict: string) => verdict === 'failing')).toHaveLength(3);
      expect(verdicts).not.toContain('passing');
      const failing = analysis.body.intervals.filter((interval: { verdict: string }) => interval.verdict === 'failing');
      for (const interval of failing) {
        expect(interval.canary.requests).toBeGreaterThanOrEqual(GATE.min_requests);
        expect(interval.canary.error_rate).toBeGreaterThan(0.1);
        expect(interval.stable.error_rate).toBe(0);
      }

      // Dispatched through the same path: HAProxy is told and sends the canary nothing afterwards.
      const applied = await waitForDeployment('cross-encoder-reranker', (d) => d.state_version === rolledBack.deployment.state_version && d.dispatch.status === 'applied');
      expect(applied.dispatch.observed).toEqual({ '1.0.0': 100, '1.1.0': 0 });
      const canaryAnswers = traffic.answersOf('1.1.0');
      expect(canaryAnswers).toBeGreaterThan(0);
      const split = await measureSplit(haproxy.frontendPorts.get('reranker')!, 300);
      expect(split.get('1.1.0') ?? 0).toBe(0);
      expect(traffic.answersOf('1.1.0')).toBe(canaryAnswers);

      // Audited as the system, with the numbers that triggered it.
      const audit = await ada.get('/admin/audit?action=rollback.executed');
      expect(audit.body.items[0]).toMatchObject({
        actor: 'system:canary-analysis',
        target: 'model:cross-encoder-reranker',
        details: {
          from_version: '1.1.0',
          to_version: '1.0.0',
          canary_pct: 10,
          consecutive_failures: 3,
          justification: rolledBack.reason,
          online_gate: GATE,
          evaluation: { verdict: 'failing', canary: { version: '1.1.0' }, stable: { version: '1.0.0', errors: 0 } },
        },
      });
      expect(audit.body.items[0].details.evaluation.canary.error_rate).toBeGreaterThan(0.1);
      const verify = await ada.get('/admin/audit/verify');
      expect(verify.body.ok).toBe(true);
    } finally {
      await traffic.stop();
      stream.close();
    }
  });

  it('keeps a healthy canary inconclusive on a trickle, passes it after the bake time with enough traffic, and never advances it alone', { timeout: 90_000 }, async () => {
    await serveThrough('bert-sentiment', 'bert', GATE);
    const stream = await olivia.subscribe();
    const port = haproxy.frontendPorts.get('bert')!;
    const started = await approve(await requestStep('bert-sentiment', { target_version: '1.1.0', strategy: 'canary' }));
    expect(started.canary_pct).toBe(5);
    await waitForDeployment('bert-sentiment', (d) => d.state_version === started.state_version && d.dispatch.status === 'applied');

    // 20 requests a second: about one every 2.5 intervals reaches a 5 % canary, far below min_requests.
    const trickle = startTraffic(port, { ratePerSecond: 20, maxRequests: 2000 });
    let trickled: Evaluated[];
    try {
      trickled = await verdictsOf(stream, 'bert-sentiment', started.state_version, 4);
    } finally {
      await trickle.stop();
    }
    for (const event of trickled) {
      expect(event.analysis.last!.verdict).toBe('inconclusive');
      expect(event.analysis.last!.reason).toMatch(/^too little traffic: canary \d+, stable \d+ requests \(at least 5 each\)$/);
      expect(event.analysis.status).not.toBe('baked');
    }

    const busy = startTraffic(port, { ratePerSecond: 300, maxRequests: 15_000 });
    try {
      const baked = await stream.waitFor((event) => event.data.type === 'canary.evaluated' && event.data.model_id === 'bert-sentiment' && event.data.analysis.status === 'baked', 30_000);
      if (baked.data.type !== 'canary.evaluated') throw new Error('unreachable');
      expect(baked.data.analysis).toMatchObject({ consecutive_passes: 3, consecutive_failures: 0, canary_pct: 5 });
      expect(baked.data.analysis.last).toMatchObject({ verdict: 'passing', canary: { version: '1.1.0', errors: 0 }, stable: { version: '1.0.0', errors: 0 } });
      expect(baked.data.analysis.last!.canary.requests).toBeGreaterThanOrEqual(GATE.min_requests);

      // Baked is an offer, not a move: the deployment stays at 5 % until a second person approves the next step.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await deploymentOf('bert-sentiment')).toMatchObject({ state_version: started.state_version, canary_pct: 5 });
      const next = await requestStep('bert-sentiment', { target_version: '1.1.0', strategy: 'advance', canary_pct: 25 });
      expect(next.status).toBe('pending');
      expect(next.online_analysis).toMatchObject({ state_version: started.state_version, canary_version: '1.1.0', canary_pct: 5 });
      expect(next.online_analysis!.consecutive_passes).toBeGreaterThanOrEqual(3);
      expect(['baked']).toContain(next.online_analysis!.status);
      const listed = await arjun.get('/admin/approvals?status=pending&model_id=bert-sentiment');
      expect(listed.body.items[0].online_analysis.status).toBe('baked');
      expect(await deploymentOf('bert-sentiment')).toMatchObject({ state_version: started.state_version, canary_pct: 5 });
      const advanced = await approve(next);
      expect(advanced).toMatchObject({ canary_pct: 25 });
    } finally {
      await busy.stop();
      stream.close();
    }
  });
});
