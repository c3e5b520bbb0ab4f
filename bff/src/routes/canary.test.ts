// Online canary analysis routes against a real, demo-seeded BFF: live metrics
// only from a metrics_reporter (people, operators included, get 403),
// malformed windows are 400, the online gate is the type's default until an
// admin sets one (step-up, audited), reported windows drive verdicts, and
// samples and verdicts are pruned to their retention limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { OnlineGatePolicy } from '../../../shared/domain/online-gate.js';
import { defaultOnlineGatePolicy } from '../../../shared/logic/online-gate.js';
import { startHarness, type Client, type Harness, type ServiceClient } from '../testing/demo-harness.js';

const KEEP = 12;
let h: Harness;
let vera: Client;
let olivia: Client;
let arjun: Client;
let ada: Client;
let adele: Client;
let reporter: ServiceClient;
let runner: ServiceClient;

beforeAll(async () => {
  h = await startHarness({
    // The event stream is read over a real socket.
    socket: true,
    extraUsers: [{ username: 'vera', roles: ['viewer'] }, { username: 'adele', roles: ['admin'] }],
    settings: { canaryAnalysis: { tickMs: 50, leaseMs: 5000, keepSamplesPerModel: KEEP, keepEvaluationsPerModel: KEEP } },
  });
  [vera, olivia, arjun, ada, adele, reporter, runner] = await Promise.all([
    h.as('vera'),
    h.as('olivia'),
    h.as('arjun'),
    h.as('ada'),
    h.as('adele'),
    h.service('metrics-reporter', ['metrics_reporter']),
    h.service('eval-runner', ['eval_runner']),
  ]);
});
afterAll(async () => h?.close());

/** Ada sets the gate; a loosening waits for a second admin (two-person rule 10), so Adele approves it. */
async function setGate(gate: OnlineGatePolicy): Promise<void> {
  const set = await ada.call('PUT', '/admin/models/ltr-ranker/online-gate', { body: { policy: gate }, stepUp: 'policy' });
  if (set.status === 202) {
    const approved = await adele.post(`/admin/policy-changes/${set.body.policy_change.id}/approve`, {}, { stepUp: 'policy' });
    expect(approved.status, approved.text).toBe(200);
  } else expect(set.status, set.text).toBe(200);
  expect((await vera.get('/admin/models/ltr-ranker/online-gate')).body).toEqual({ policy: gate, is_default: false });
}

const windowOf = (versions: Record<string, unknown>, endOffsetMs = 0) => {
  const end = h.clock.now().getTime() + endOffsetMs;
  return { window_start: new Date(end - 10_000).toISOString(), window_end: new Date(end).toISOString(), versions };
};

describe('POST /admin/models/{id}/live-metrics', () => {
  it('accepts a window from a metrics_reporter; with no canary live every version is ignored', async () => {
    const answer = await reporter.post('/admin/models/ltr-ranker/live-metrics', windowOf({ '2.0.0': { requests: 10, errors: 0 } }));
    expect(answer.status, answer.text).toBe(202);
    expect(answer.body).toEqual({ accepted_versions: [], ignored_versions: ['2.0.0'] });
  });

  it('refuses every person, operators and admins included, and other service roles', async () => {
    for (const person of [vera, olivia, arjun, ada]) {
      const answer = await person.post('/admin/models/ltr-ranker/live-metrics', windowOf({ '2.0.0': { requests: 10, errors: 0 } }));
      expect(answer.status, person.username).toBe(403);
    }
    expect((await runner.post('/admin/models/ltr-ranker/live-metrics', windowOf({ '2.0.0': { requests: 10, errors: 0 } }))).status).toBe(403);
    expect((await h.anonymous('POST', '/admin/models/ltr-ranker/live-metrics', windowOf({ '2.0.0': { requests: 1, errors: 0 } }))).status).toBe(401);
  });

  it('answers 400 for an end before the start, negative counts, more errors than requests and a window in the future', async () => {
    const now = h.clock.now().getTime();
    const cases = [
      { window_start: new Date(now - 1000).toISOString(), window_end: new Date(now - 2000).toISOString(), versions: { '2.0.0': { requests: 1, errors: 0 } } },
      windowOf({ '2.0.0': { requests: -1, errors: 0 } }),
      windowOf({ '2.0.0': { requests: 5, errors: -2 } }),
      windowOf({ '2.0.0': { requests: 5, errors: 6 } }),
      windowOf({ '2.0.0': { requests: 5, errors: 0 } }, 60_000),
      windowOf({ 'not-a-version': { requests: 5, errors: 0 } }),
      windowOf({}),
    ];
    for (const body of cases) {
      const answer = await reporter.post('/admin/models/ltr-ranker/live-metrics', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_request');
    }
    expect((await reporter.post('/admin/models/no-such-model/live-metrics', windowOf({ '2.0.0': { requests: 1, errors: 0 } }))).status).toBe(404);
  });
});

describe('online gate policy', () => {
  it('is the type default until an admin sets one with step-up, audited; any role reads it', async () => {
    const read = await vera.get('/admin/models/ltr-ranker/online-gate');
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ policy: defaultOnlineGatePolicy('LTR'), is_default: true });

    const gate: OnlineGatePolicy = { ...defaultOnlineGatePolicy('LTR'), interval_s: 90, business_metric: { metric: 'click_through', max_drop_pct: 3 } };
    expect((await ada.put('/admin/models/ltr-ranker/online-gate', { policy: gate })).status).toBe(428);
    for (const person of [olivia, arjun]) {
      expect((await person.call('PUT', '/admin/models/ltr-ranker/online-gate', { body: { policy: gate }, stepUp: 'policy' })).status).toBe(403);
    }
    expect((await ada.call('PUT', '/admin/models/ltr-ranker/online-gate', { body: { policy: { ...gate, interval_s: 0.01 } }, stepUp: 'policy' })).status).toBe(400);
    const set = await ada.call('PUT', '/admin/models/ltr-ranker/online-gate', { body: { policy: gate }, stepUp: 'policy' });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ policy: gate, is_default: false });
    expect((await olivia.get('/admin/models/ltr-ranker/online-gate')).body).toEqual({ policy: gate, is_default: false });
    const audit = await ada.get('/admin/audit?action=online_gate.set');
    expect(audit.body.items[0]).toMatchObject({ actor: 'ada', target: 'model:ltr-ranker', details: { before: defaultOnlineGatePolicy('LTR'), after: gate, is_default: false } });

    // Back to the default drops the business metric: a loosening, so it waits for a second admin.
    const reset = await ada.call('PUT', '/admin/models/ltr-ranker/online-gate', { body: { policy: null }, stepUp: 'policy' });
    expect(reset.status, reset.text).toBe(202);
    expect((await adele.post(`/admin/policy-changes/${reset.body.policy_change.id}/approve`, {}, { stepUp: 'policy' })).status).toBe(200);
    expect((await vera.get('/admin/models/ltr-ranker/online-gate')).body).toEqual({ policy: defaultOnlineGatePolicy('LTR'), is_default: true });
  });
});

describe('analysis from reported windows', () => {
  it('judges each interval from the reporter, fails a canary with 20 % errors and rolls it back as system:canary-analysis; samples and verdicts stay within the retention limit', { timeout: 60_000 }, async () => {
    const gate: OnlineGatePolicy = { ...defaultOnlineGatePolicy('LTR'), interval_s: 0.3, min_requests: 100, bake_intervals: 2, fail_intervals: 2 };
    await setGate(gate);
    const requested = await olivia.post('/admin/models/ltr-ranker/rollout', { target_version: '2.1.0', strategy: 'canary', justification: 'reported metrics' }, { stepUp: 'rollout' });
    expect(requested.status, requested.text).toBe(202);
    const request = requested.body.request as ChangeRequest;
    // A first step has no live step before it to show.
    expect(request.online_analysis).toBeUndefined();
    const stream = await arjun.subscribe();
    const approved = await arjun.post(`/admin/approvals/${request.id}/approve`, { intent_digest: request.intent_digest }, { stepUp: 'approve' });
    expect(approved.status, approved.text).toBe(200);

    // Healthy windows pass; the reporter keeps posting (more windows than the retention keeps).
    const healthy = { '2.0.0': { requests: 1000, errors: 2, latency_p95_ms: 40 }, '2.1.0': { requests: 200, errors: 0, latency_p95_ms: 41 }, '1.0.0': { requests: 1, errors: 0 } };
    let posts = 0;
    const post = async (versions: Record<string, unknown>) => {
      const answer = await reporter.post('/admin/models/ltr-ranker/live-metrics', windowOf(versions));
      expect(answer.status, answer.text).toBe(202);
      posts += 1;
      return answer.body;
    };
    expect(await post(healthy)).toEqual({ accepted_versions: ['2.0.0', '2.1.0'], ignored_versions: ['1.0.0'] });
    const baked = async () => {
      for (;;) {
        await post(healthy);
        const analysis = (await olivia.get('/admin/models/ltr-ranker/canary-analysis')).body.analysis;
        if (analysis?.status === 'baked') return analysis;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const bakedStep = await baked();
    expect(bakedStep).toMatchObject({ canary_version: '2.1.0', stable_version: '2.0.0', canary_pct: 5, consecutive_failures: 0 });
    expect(bakedStep.consecutive_passes).toBeGreaterThanOrEqual(2);
    while (posts < KEEP * 2) await post(healthy);

    // Then the canary answers 20 % errors: two failing intervals in a row roll it back.
    const failing = { '2.0.0': { requests: 1000, errors: 2, latency_p95_ms: 40 }, '2.1.0': { requests: 200, errors: 40, latency_p95_ms: 41 } };
    const pump = setInterval(() => void reporter.post('/admin/models/ltr-ranker/live-metrics', windowOf(failing)), 100);
    let event;
    try {
      event = await stream.waitFor((e) => e.data.type === 'canary.rolled_back' && e.data.model_id === 'ltr-ranker', 20_000);
    } finally {
      clearInterval(pump);
    }
    expect(event.data).toMatchObject({ by: 'system:canary-analysis', notify: expect.arrayContaining(['olivia', 'arjun']), deployment: { canary_version: null } });
    if (event.data.type !== 'canary.rolled_back') throw new Error('unreachable');
    expect(event.data.reason).toContain('canary 20.0 % errors vs stable 0.2 % (limit +1 pt: 1.2 %)');
    stream.close();

    const audit = await ada.get('/admin/audit?action=rollback.executed');
    expect(audit.body.items[0]).toMatchObject({ actor: 'system:canary-analysis', target: 'model:ltr-ranker', details: { consecutive_failures: 2, evaluation: { canary: { requests: expect.any(Number), error_rate: 0.2 } } } });
    const db = h.bff.ctx.db;
    const samples = await db.selectFrom('canary_samples').select(db.fn.countAll<number>().as('n')).where('model_id', '=', 'ltr-ranker').executeTakeFirstOrThrow();
    const verdicts = await db.selectFrom('canary_evaluations').select(db.fn.countAll<number>().as('n')).where('model_id', '=', 'ltr-ranker').executeTakeFirstOrThrow();
    expect(Number(samples.n)).toBeLessThanOrEqual(KEEP);
    expect(Number(verdicts.n)).toBeLessThanOrEqual(KEEP);
    expect(posts * 2).toBeGreaterThan(KEEP);
  });
});
