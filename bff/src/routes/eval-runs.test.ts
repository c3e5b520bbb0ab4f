// Eval-run routes against a real, demo-seeded BFF: ingest computes delta and
// gate with the model's policy (directions included), lists come newest first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter } from '../store/event-log.js';
import { revokeServiceAccount } from '../services/service-accounts.js';
import { startHarness, type Client, type Harness, type ServiceClient } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;
let arjun: Client;
let ada: Client;
let runner: ServiceClient;

beforeAll(async () => {
  h = await startHarness();
  [olivia, arjun, ada, runner] = await Promise.all([h.as('olivia'), h.as('arjun'), h.as('ada'), h.service('eval-runner', ['eval_runner'])]);
});
afterAll(async () => h?.close());

const report = (overrides: Record<string, unknown> = {}) => ({
  version: '1.1.0',
  baseline_version: '1.0.0',
  dataset: { name: 'sentiment-holdout-2024q4', hash: 'c0ffee'.repeat(10) + 'c0ff' },
  started_at: '2026-11-20T08:00:00+02:00',
  finished_at: '2026-11-20T09:30:00+02:00',
  metrics: { accuracy: 0.957, f1: 0.95, auc_roc: 0.986, latency_p99_ms: 60 },
  baseline_metrics: { accuracy: 0.945, f1: 0.938, auc_roc: 0.981, latency_p99_ms: 45 },
  ...overrides,
});

describe('POST /admin/models/{id}/eval-runs', () => {
  it('stores the run and answers it with delta and gate; a slower p99 fails the lower-is-better gate', async () => {
    const { status, body } = await runner.post('/admin/models/bert-sentiment/eval-runs', report());
    expect(status).toBe(201);
    const run = body.run;
    expect(run).toMatchObject({
      id: expect.stringMatching(/^run_/),
      model_id: 'bert-sentiment',
      version: '1.1.0',
      reported_by: 'svc:eval-runner',
      // Stored in UTC whatever offset the runner sent.
      started_at: '2026-11-20T06:00:00.000Z',
      finished_at: '2026-11-20T07:30:00.000Z',
    });
    const latency = run.delta.find((d: { metric: string }) => d.metric === 'latency_p99_ms');
    expect(latency).toMatchObject({ direction: 'lower_is_better', baseline: 45, candidate: 60, abs: 15, verdict: 'worse' });
    expect(latency.rel).toBeCloseTo(1 / 3, 10);
    expect(run.delta.find((d: { metric: string }) => d.metric === 'accuracy')).toMatchObject({ direction: 'higher_is_better', verdict: 'better' });
    expect(run.gate.passed).toBe(false);
    expect(run.gate.failed_metrics).toEqual(['latency_p99_ms']);

    const events = await eventsAfter(h.bff.ctx.db, 0, 1000);
    expect(events.map((e) => e.data)).toContainEqual({
      type: 'eval_run.reported',
      model_id: 'bert-sentiment',
      version: '1.1.0',
      run_id: run.id,
      passed: false,
    });
    const audit = await olivia.get('/admin/audit?action=eval_run.reported');
    expect(audit.body.items[0]).toMatchObject({ actor: 'svc:eval-runner', details: { run_id: run.id, passed: false } });
  });

  it('passes a faster candidate: lower latency is an improvement', async () => {
    const { status, body } = await runner.post(
      '/admin/models/bert-sentiment/eval-runs',
      report({ finished_at: '2026-11-21T09:30:00Z', started_at: '2026-11-21T09:00:00Z', metrics: { accuracy: 0.958, f1: 0.951, auc_roc: 0.987, latency_p99_ms: 40 } }),
    );
    expect(status).toBe(201);
    expect(body.run.gate).toMatchObject({ passed: true, failed_metrics: [] });
    expect(body.run.delta.find((d: { metric: string }) => d.metric === 'latency_p99_ms')).toMatchObject({ abs: -5, verdict: 'better' });
  });

  it('answers 404 for an unknown model, version or baseline version', async () => {
    expect((await runner.post('/admin/models/nope/eval-runs', report())).status).toBe(404);
    const unknownVersion = await runner.post('/admin/models/bert-sentiment/eval-runs', report({ version: '9.9.9' }));
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.body.error).toMatchObject({ code: 'not_found', message: expect.stringContaining('9.9.9') });
    const unknownBaseline = await runner.post('/admin/models/bert-sentiment/eval-runs', report({ baseline_version: '0.1.0' }));
    expect(unknownBaseline.body.error).toMatchObject({ code: 'not_found', message: expect.stringContaining('0.1.0') });
  });

  it('answers 400 for a run that ends before it starts, a malformed metric name or an empty metric map', async () => {
    const backwards = await runner.post('/admin/models/bert-sentiment/eval-runs', report({ finished_at: '2026-11-20T05:00:00Z' }));
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('invalid_request');
    expect((await runner.post('/admin/models/bert-sentiment/eval-runs', report({ metrics: { 'NDCG@10': 0.5 } }))).status).toBe(400);
    expect((await runner.post('/admin/models/bert-sentiment/eval-runs', report({ metrics: {} }))).status).toBe(400);
  });

  it('refuses a run that finishes in the future (an hour ahead: 400), allowing two minutes of clock skew', async () => {
    const now = h.clock.now().getTime();
    const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
    const ahead = await runner.post('/admin/models/bert-sentiment/eval-runs', report({ started_at: at(-3600_000), finished_at: at(3600_000) }));
    expect(ahead.status).toBe(400);
    expect(ahead.body.error).toMatchObject({ code: 'invalid_request', details: { field: 'finished_at' } });
    const listed = await arjun.get('/admin/models/bert-sentiment/eval-runs?version=1.1.0');
    expect(listed.body.items.some((run: { finished_at: string }) => run.finished_at > new Date(now).toISOString())).toBe(false);
    const skewed = await runner.post('/admin/models/bert-sentiment/eval-runs', report({ started_at: at(-60_000), finished_at: at(60_000) }));
    expect(skewed.status).toBe(201);
  });

  it('refuses every person, even an admin: 403 (an operator who could post metrics could pass their own gate)', async () => {
    for (const person of [olivia, arjun, ada]) {
      const answer = await person.post('/admin/models/bert-sentiment/eval-runs', report());
      expect(answer.status, person.username).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    }
  });

  it('refuses service accounts without the eval_runner role: 403', async () => {
    const router = await h.service('edge-router', ['router']);
    const reporter = await h.service('live-metrics', ['metrics_reporter']);
    for (const machine of [router, reporter]) {
      const answer = await machine.post('/admin/models/bert-sentiment/eval-runs', report());
      expect(answer.status, machine.name).toBe(403);
    }
  });

  it('answers 401 to a revoked token and to an expired one', async () => {
    const revoked = await h.service('old-runner', ['eval_runner']);
    expect((await revoked.post('/admin/models/bert-sentiment/eval-runs', report())).status).toBe(201);
    await revokeServiceAccount(h.bff.ctx.db, { name: 'old-runner', actor: 'test', now: h.clock.now() });
    const afterRevoke = await revoked.post('/admin/models/bert-sentiment/eval-runs', report());
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error.code).toBe('unauthenticated');

    const token = await h.bff.serviceToken('short-lived-runner', ['eval_runner'], 60);
    const post = () => h.bff.call('POST', '/admin/models/bert-sentiment/eval-runs', { token, body: report() });
    expect((await post()).status).toBe(201);
    h.clock.advance(61_000);
    expect((await post()).status).toBe(401);
    // A made-up token of the service shape is nobody, too.
    expect((await h.bff.call('POST', '/admin/models/bert-sentiment/eval-runs', { token: `mosa_${'A'.repeat(43)}`, body: report() })).status).toBe(401);
  });
});

describe('GET /admin/models/{id}/eval-runs', () => {
  it('lists runs newest first, each with delta and gate, optionally for one version', async () => {
    const all = await arjun.get('/admin/models/cross-encoder-reranker/eval-runs');
    expect(all.status).toBe(200);
    const finished = all.body.items.map((run: { finished_at: string }) => run.finished_at);
    expect(finished).toEqual([...finished].sort().reverse());
    expect(all.body.items).toHaveLength(3);
    for (const run of all.body.items) {
      expect(run.delta.length).toBeGreaterThan(0);
      expect(typeof run.gate.passed).toBe('boolean');
    }
    expect(all.body.items[0]).toMatchObject({ version: '1.2.0-rc.1', gate: { passed: false } });

    const one = await arjun.get('/admin/models/cross-encoder-reranker/eval-runs?version=1.1.0');
    expect(one.body.items.map((run: { version: string }) => run.version)).toEqual(['1.1.0', '1.1.0']);
    expect(one.body.items.every((run: { gate: { passed: boolean } }) => run.gate.passed)).toBe(true);
  });

  it('shows the ltr-ranker 2.2.0 run failing on a 3 % ndcg@10 loss', async () => {
    const { body } = await arjun.get('/admin/models/ltr-ranker/eval-runs?version=2.2.0');
    const ndcg = body.items[0].gate.checks.find((check: { metric: string }) => check.metric === 'ndcg@10');
    expect(ndcg).toMatchObject({ passed: false, reason: 'regression_rel', limit: 0.01 });
    expect(ndcg.observed).toBeCloseTo(0.03, 6);
  });

  it('answers 404 for an unknown model and 400 for a malformed version filter', async () => {
    expect((await arjun.get('/admin/models/nope/eval-runs')).status).toBe(404);
    expect((await arjun.get('/admin/models/ltr-ranker/eval-runs?version=latest')).status).toBe(400);
  });
});
