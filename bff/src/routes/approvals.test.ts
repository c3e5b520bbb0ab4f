// The two-person rule end to end against a real, demo-seeded BFF: who may
// decide, what an approval is bound to, stale and expired requests, retries,
// races, the whole rollout plan and the audit chain after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { EvalRun } from '../../../shared/domain/eval-run.js';
import { insertEvalRun } from '../store/eval-runs.js';
import { eventsAfter } from '../store/event-log.js';
import { idempotencyKey, startHarness, type Answer, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;
let ravi: Client;
let arjun: Client;
let ada: Client;
/** A second approver, for N-of-M approvals and races. */
let bea: Client;
/** Operator and approver at once: may request and register, never decide their own. */
let rhea: Client;

beforeAll(async () => {
  h = await startHarness({
    socket: true,
    extraUsers: [
      { username: 'bea', roles: ['approver'] },
      { username: 'rhea', roles: ['operator', 'approver'] },
    ],
  });
  [olivia, ravi, arjun, ada, bea, rhea] = await Promise.all([h.as('olivia'), h.as('ravi'), h.as('arjun'), h.as('ada'), h.as('bea'), h.as('rhea')]);
});
afterAll(async () => h?.close());

function expectError(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

interface Step {
  target_version: string;
  strategy: 'canary' | 'advance' | 'promote';
  canary_pct?: number;
  gate_override?: boolean;
}

async function requestStep(modelId: string, step: Step, requester: Client = olivia): Promise<ChangeRequest> {
  const answer = await requester.post(`/admin/models/${modelId}/rollout`, { justification: 'test rollout', ...step }, { stepUp: 'rollout' });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body.request as ChangeRequest;
}

function approve(approver: Client, request: ChangeRequest, options: { digest?: string; stepUp?: string; idempotencyKey?: string } = {}) {
  return approver.post(
    `/admin/approvals/${request.id}/approve`,
    { comment: 'looks good', intent_digest: options.digest ?? request.intent_digest },
    { stepUp: options.stepUp ?? 'approve', ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}) },
  );
}

const detailOf = async (modelId: string) => (await olivia.get(`/admin/models/${modelId}`)).body;

async function storedEvents() {
  return (await eventsAfter(h.bff.ctx.db, 0, 100_000)).map((event) => event.data);
}

async function dispatchAuditsOf(requestId: string) {
  const audit = await olivia.get('/admin/audit?action=rollout.dispatched&limit=500');
  return audit.body.items.filter((entry: { details: { request_id: string } }) => entry.details.request_id === requestId);
}

describe('the whole plan', () => {
  it('goes 5 -> 25 -> 50 -> 100 % with one approval per step, then rolls back at once', async () => {
    const approverConsole = await arjun.subscribe();
    try {
      const canary = await requestStep('bert-sentiment', { target_version: '1.1.0', strategy: 'canary' });
      // The approver's console hears of the request over the event stream.
      const heard = await approverConsole.waitFor((event) => event.data.type === 'approval.requested');
      expect(heard.data).toMatchObject({ type: 'approval.requested', request: { id: canary.id, status: 'pending' } });

      const first = await approve(arjun, canary);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.request).toMatchObject({
        status: 'dispatched',
        resolved_at: expect.any(String),
        decisions: [{ by: 'arjun', decision: 'approve', comment: 'looks good', auth_time: expect.any(String) }],
      });
      expect(first.body.deployment).toMatchObject({ stable_version: '1.0.0', canary_version: '1.1.0', canary_pct: 5, phase: 'canary', state_version: 2 });
      await approverConsole.waitFor((event) => event.data.type === 'deployment.changed');

      const to25 = await approve(arjun, await requestStep('bert-sentiment', { target_version: '1.1.0', strategy: 'advance', canary_pct: 25 }));
      expect(to25.body.deployment).toMatchObject({ canary_pct: 25, phase: 'rolling', state_version: 3 });
      const to50 = await approve(arjun, await requestStep('bert-sentiment', { target_version: '1.1.0', strategy: 'advance' }));
      expect(to50.body.deployment).toMatchObject({ canary_pct: 50, phase: 'rolling', state_version: 4 });
      const promoteRequest = await requestStep('bert-sentiment', { target_version: '1.1.0', strategy: 'promote' });
      expect(promoteRequest).toMatchObject({ action: 'promote', target_pct: 100, from_version: '1.0.0' });
      const promoted = await approve(arjun, promoteRequest);
      expect(promoted.body.deployment).toMatchObject({
        stable_version: '1.1.0',
        previous_stable: '1.0.0',
        canary_version: null,
        canary_pct: 0,
        phase: 'complete',
        state_version: 5,
      });
      let versions = (await detailOf('bert-sentiment')).versions;
      expect(versions.map((v: { version: string; status: string }) => [v.version, v.status])).toEqual([
        ['1.1.0', 'active'],
        ['1.0.0', 'candidate'],
      ]);
      const summary = (await olivia.get('/admin/models?q=bert-sentiment')).body.items[0];
      expect(summary).toMatchObject({ active_version: '1.1.0', candidate_versions: ['1.0.0'], deployment: { phase: 'complete', stable_version: '1.1.0' } });

      const dispatched = (await olivia.get('/admin/audit?action=rollout.dispatched&model_id=bert-sentiment')).body.items;
      // Newest first: this plan's four steps, then the demo seed's history of how 1.0.0 went live.
      expect(dispatched.slice(0, 4).map((entry: { details: { pct: number } }) => entry.details.pct)).toEqual([100, 50, 25, 5]);
      expect(dispatched[0]).toMatchObject({ actor: 'arjun', details: { from: '1.0.0', to: '1.1.0', approved_by: ['arjun'], requested_by: 'olivia' } });

      const rolledBack = await olivia.post('/admin/models/bert-sentiment/rollback', { justification: 'complaints about neutral reviews' }, { stepUp: 'rollback' });
      expect(rolledBack.status).toBe(200);
      expect(rolledBack.body.deployment).toMatchObject({ stable_version: '1.0.0', previous_stable: null, phase: 'rolled_back', state_version: 6 });
      versions = (await detailOf('bert-sentiment')).versions;
      expect(versions.filter((v: { status: string }) => v.status === 'active').map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
      // Every approver is told of the rollback.
      const told = await approverConsole.waitFor((event) => event.data.type === 'rollback.executed');
      expect(told.data).toMatchObject({ model_id: 'bert-sentiment', by: 'olivia', deployment: { stable_version: '1.0.0' } });
    } finally {
      approverConsole.close();
    }
  });
});

describe('who may decide', () => {
  it('refuses an operator without the approver role, and an admin (admin is not approver)', async () => {
    const request = await requestStep('e5-base-v2', { target_version: '1.1.0', strategy: 'canary' });
    expectError(await approve(olivia, request), 403, 'forbidden');
    expectError(await approve(ada, request), 403, 'forbidden');
    expect((await olivia.post(`/admin/approvals/${request.id}/cancel`, {})).status).toBe(200);
  });

  it('refuses the requester: 403 self_approval, for approve and reject alike', async () => {
    const request = await requestStep('e5-base-v2', { target_version: '1.1.0', strategy: 'canary' }, rhea);
    expectError(await approve(rhea, request), 403, 'self_approval');
    expectError(await rhea.post(`/admin/approvals/${request.id}/reject`, { comment: 'mine' }, { stepUp: 'reject' }), 403, 'self_approval');
    expect((await rhea.post(`/admin/approvals/${request.id}/cancel`, {})).status).toBe(200);
  });

  it('refuses the registrant of the target version: 403 registrant_approval', async () => {
    const registered = await rhea.post('/admin/models/e5-large-v2/versions', {
      version: '1.2.0',
      artifact_uri: 's3://acme-ml-models/e5-large-v2/1.2.0/model.onnx',
      checksum: '12'.repeat(32),
      runtime: { device: 'gpu', max_batch: 128, max_len: 512 },
      framework: 'onnxruntime',
      export_format: 'onnx',
    });
    expect(registered.status).toBe(201);
    const metrics = { 'ndcg@10': 0.446, 'mrr@10': 0.404, 'recall@100': 0.895, zero_result_rate: 0.016, latency_proxy: 28.1 };
    const runner = await h.service('eval-runner', ['eval_runner']);
    const run = await runner.post('/admin/models/e5-large-v2/eval-runs', {
      version: '1.2.0',
      baseline_version: '1.0.0',
      dataset: { name: 'catalogue-queries-2024q4', hash: 'ab'.repeat(32) },
      started_at: '2026-11-01T10:00:00Z',
      finished_at: '2026-11-01T11:00:00Z',
      metrics,
      baseline_metrics: { 'ndcg@10': 0.436, 'mrr@10': 0.394, 'recall@100': 0.889, zero_result_rate: 0.017, latency_proxy: 27.4 },
    });
    expect(run.body.run.gate.passed).toBe(true);
    const request = await requestStep('e5-large-v2', { target_version: '1.2.0', strategy: 'canary' });
    // The request names the run behind its gate and who reported it: the eval runner, no conflict.
    expect(request.gate_run).toEqual({
      run_id: run.body.run.id,
      reported_by: 'svc:eval-runner',
      finished_at: '2026-11-01T11:00:00.000Z',
      reporter_conflict: null,
    });
    expectError(await approve(rhea, request), 403, 'registrant_approval');
    expect((await olivia.post(`/admin/approvals/${request.id}/cancel`, {})).status).toBe(200);

    // A run a person reported (before service accounts existed) is flagged to the approver
    // when that person is the requester, or registered the target.
    const reported = run.body.run as EvalRun;
    await insertEvalRun(h.bff.ctx.db, {
      id: 'run_byrheaherself01',
      model_id: reported.model_id,
      version: reported.version,
      baseline_version: reported.baseline_version,
      dataset: reported.dataset,
      started_at: '2026-11-02T10:00:00.000Z',
      finished_at: '2026-11-02T11:00:00.000Z',
      metrics: reported.metrics,
      baseline_metrics: reported.baseline_metrics,
      reported_by: 'rhea',
      reported_at: '2026-11-02T11:00:00.000Z',
    });
    const byRegistrant = await requestStep('e5-large-v2', { target_version: '1.2.0', strategy: 'canary' });
    expect(byRegistrant.gate_run).toMatchObject({ run_id: 'run_byrheaherself01', reported_by: 'rhea', reporter_conflict: 'registrant' });
    expect((await olivia.post(`/admin/approvals/${byRegistrant.id}/cancel`, {})).status).toBe(200);
    const byRequester = await requestStep('e5-large-v2', { target_version: '1.2.0', strategy: 'canary' }, rhea);
    expect(byRequester.gate_run?.reporter_conflict).toBe('requester');
    expect((await arjun.get(`/admin/approvals/${byRequester.id}`)).body.request.gate_run).toEqual(byRequester.gate_run);
    expect((await rhea.post(`/admin/approvals/${byRequester.id}/cancel`, {})).status).toBe(200);
  });
});

describe('what an approval is bound to', () => {
  it('answers 409 intent_changed for another digest and dispatches nothing; the step-up stays unspent', async () => {
    const request = await requestStep('rag-retriever', { target_version: '0.4.0', strategy: 'canary' });
    const before = (await detailOf('rag-retriever')).deployment;
    const token = await arjun.stepUp('approve');
    expectError(await approve(arjun, request, { digest: 'f'.repeat(64), stepUp: token }), 409, 'intent_changed');
    expect((await detailOf('rag-retriever')).deployment).toEqual(before);
    expect((await arjun.get(`/admin/approvals/${request.id}`)).body.request).toMatchObject({ status: 'pending', decisions: [] });

    const approved = await approve(arjun, request, { stepUp: token });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.deployment).toMatchObject({ canary_version: '0.4.0', canary_pct: 5, state_version: before.state_version + 1 });
  });

  it('marks the request stale when the deployment moved (409 stale_state) and leaves the deployment alone', async () => {
    const request = await requestStep('e5-base-v2', { target_version: '1.1.0', strategy: 'canary' });
    // Another writer (a second replica, an operator's CLI) moves the state under the request.
    await h.bff.ctx.db.updateTable('deployments').set({ state_version: 7 }).where('model_id', '=', 'e5-base-v2').execute();
    const before = (await detailOf('e5-base-v2')).deployment;

    const answer = await approve(arjun, request);
    expectError(answer, 409, 'stale_state');
    expect(answer.body.error.details).toEqual({ expected_state_version: 1, state_version: 7 });
    expect((await detailOf('e5-base-v2')).deployment).toEqual(before);
    expect((await arjun.get(`/admin/approvals/${request.id}`)).body.request).toMatchObject({ status: 'stale', decisions: [] });
    expect(await storedEvents()).toContainEqual(expect.objectContaining({ type: 'request.stale', request: expect.objectContaining({ id: request.id }) }));
    expect(await dispatchAuditsOf(request.id)).toHaveLength(0);
    expectError(await approve(bea, request), 409, 'request_not_pending');
  });
});

describe('expiry', () => {
  it('expires a pending request after its TTL, lazily on listing, audited and announced', async () => {
    const request = await requestStep('cross-encoder-reranker', { target_version: '1.1.0', strategy: 'canary' });
    expect(request.target_pct).toBe(10);
    h.clock.advance(3600_000 + 1000);
    const pending = await arjun.get('/admin/approvals?status=pending&model_id=cross-encoder-reranker');
    expect(pending.body.items).toEqual([]);
    const expired = (await arjun.get(`/admin/approvals/${request.id}`)).body.request;
    expect(expired).toMatchObject({ status: 'expired', resolved_at: request.expires_at });
    expectError(await approve(arjun, request), 409, 'request_expired');
    const audit = await olivia.get('/admin/audit?action=request.expired');
    expect(audit.body.items[0]).toMatchObject({ actor: 'system', target: `request:${request.id}` });
    expect(await storedEvents()).toContainEqual(expect.objectContaining({ type: 'request.expired', request: expect.objectContaining({ id: request.id }) }));
  });

  it('expires a request that is decided after its TTL without being listed first', async () => {
    const request = await requestStep('cross-encoder-reranker', { target_version: '1.1.0', strategy: 'canary' });
    h.clock.advance(3600_000 + 1000);
    expectError(await approve(arjun, request), 409, 'request_expired');
    expect((await detailOf('cross-encoder-reranker')).deployment).toMatchObject({ canary_version: null, state_version: 1 });
  });
});

describe('retries and races', () => {
  it('answers an approval retried with the same Idempotency-Key with the first answer, dispatching once', async () => {
    const request = await requestStep('cross-encoder-reranker', { target_version: '1.1.0', strategy: 'canary' });
    const key = idempotencyKey();
    const token = await arjun.stepUp('approve');
    const first = await approve(arjun, request, { idempotencyKey: key, stepUp: token });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const retry = await approve(arjun, request, { idempotencyKey: key, stepUp: token });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await dispatchAuditsOf(request.id)).toHaveLength(1);
    const dispatchedEvents = (await storedEvents()).filter(
      (event) => event.type === 'request.dispatched' && event.request.id === request.id,
    );
    expect(dispatchedEvents).toHaveLength(1);
    expect((await detailOf('cross-encoder-reranker')).deployment).toMatchObject({ canary_pct: 10, state_version: 2 });
  });

  it('dispatches exactly once when two approvers approve at the same moment', async () => {
    const request = await requestStep('rag-retriever', { target_version: '0.4.0', strategy: 'advance' });
    const before = (await detailOf('rag-retriever')).deployment;
    const [tokenA, tokenB] = await Promise.all([arjun.stepUp('approve'), bea.stepUp('approve')]);
    const answers = await Promise.all([approve(arjun, request, { stepUp: tokenA }), approve(bea, request, { stepUp: tokenB })]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.error.code).toBe('request_not_pending');
    const after = (await detailOf('rag-retriever')).deployment;
    expect(after).toMatchObject({ canary_pct: 25, state_version: before.state_version + 1 });
    expect(await dispatchAuditsOf(request.id)).toHaveLength(1);
    expect((await arjun.get(`/admin/approvals/${request.id}`)).body.request.decisions).toHaveLength(1);
  });
});

describe('N approvals', () => {
  it('stays pending until the policy’s number of distinct approvers have approved', async () => {
    const policy = await ada.call('PUT', '/admin/models/ltr-ranker/policy', { body: { policy: { required_approvals: 2 } }, stepUp: 'policy' });
    expect(policy.status).toBe(200);
    const request = await requestStep('ltr-ranker', { target_version: '2.1.0', strategy: 'canary' });
    expect(request.required_approvals).toBe(2);

    const firstApproval = await approve(arjun, request);
    expect(firstApproval.status).toBe(200);
    expect(firstApproval.body.request).toMatchObject({ status: 'pending', decisions: [{ by: 'arjun' }] });
    expect(firstApproval.body.deployment).toMatchObject({ canary_version: null, state_version: 1 });
    expect(await storedEvents()).toContainEqual(expect.objectContaining({ type: 'approval.decided', request: expect.objectContaining({ id: request.id }) }));
    expectError(await approve(arjun, request), 409, 'already_decided');

    const second = await approve(bea, request);
    expect(second.body.request).toMatchObject({ status: 'dispatched', decisions: [{ by: 'arjun' }, { by: 'bea' }] });
    expect(second.body.deployment).toMatchObject({ canary_version: '2.1.0', canary_pct: 5, state_version: 2 });
    expect((await dispatchAuditsOf(request.id))[0].details.approved_by).toEqual(['arjun', 'bea']);
  });
});

describe('reject and cancel', () => {
  it('rejects with a comment; the request can then not be approved', async () => {
    const request = await requestStep('e5-large-v2', { target_version: '1.1.0', strategy: 'canary', gate_override: true });
    expect(request.gate_override).toBe(true);
    expectError(await arjun.post(`/admin/approvals/${request.id}/reject`, { comment: '' }, { stepUp: 'reject' }), 400, 'invalid_request');
    expectError(await arjun.post(`/admin/approvals/${request.id}/reject`, { comment: 'no' }), 428, 'step_up_required');
    const rejected = await arjun.post(`/admin/approvals/${request.id}/reject`, { comment: 'latency +35 % is too much' }, { stepUp: 'reject' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.request).toMatchObject({
      status: 'rejected',
      decisions: [{ by: 'arjun', decision: 'reject', comment: 'latency +35 % is too much' }],
    });
    expectError(await approve(bea, request), 409, 'request_not_pending');
    const audit = await olivia.get('/admin/audit?action=request.rejected');
    expect(audit.body.items[0]).toMatchObject({ actor: 'arjun', target: `request:${request.id}` });
  });

  it('lets only the requester cancel a pending request', async () => {
    const request = await requestStep('e5-large-v2', { target_version: '1.1.0', strategy: 'canary', gate_override: true });
    expectError(await ravi.post(`/admin/approvals/${request.id}/cancel`, {}), 403, 'forbidden');
    expectError(await arjun.post(`/admin/approvals/${request.id}/cancel`, {}), 403, 'forbidden');
    const cancelled = await olivia.post(`/admin/approvals/${request.id}/cancel`, { comment: 'wrong version' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.request).toMatchObject({ status: 'cancelled', resolved_at: expect.any(String) });
    expectError(await olivia.post(`/admin/approvals/${request.id}/cancel`, {}), 409, 'request_not_pending');
  });
});

describe('GET /admin/approvals', () => {
  it('lists newest first with filters and cursor pages', async () => {
    const all = (await arjun.get('/admin/approvals?limit=500')).body.items as ChangeRequest[];
    expect(all.length).toBeGreaterThan(10);
    const requestedAt = all.map((request) => request.requested_at);
    expect(requestedAt).toEqual([...requestedAt].sort().reverse());

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await arjun.get(`/admin/approvals?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...page.body.items.map((request: ChangeRequest) => request.id));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(paged).toEqual(all.map((request) => request.id));

    const dispatched = (await arjun.get('/admin/approvals?status=dispatched&model_id=bert-sentiment')).body.items;
    expect(dispatched).toHaveLength(4);
    expect(dispatched.every((request: ChangeRequest) => request.status === 'dispatched' && request.model_id === 'bert-sentiment')).toBe(true);
  });

  it('answers 400 for a foreign cursor or id, 404 for an unknown request', async () => {
    expectError(await arjun.get('/admin/approvals?cursor=abc'), 400, 'invalid_request');
    expectError(await arjun.get('/admin/approvals/not-a-request'), 400, 'invalid_request');
    expectError(await arjun.get('/admin/approvals/req_doesnotexist0000'), 404, 'not_found');
    expectError(await arjun.post('/admin/approvals/req_doesnotexist0000/approve', { intent_digest: 'a'.repeat(64) }, { stepUp: 'approve' }), 404, 'not_found');
  });
});

describe('the audit chain', () => {
  it('verifies from the first entry to the last after everything above', async () => {
    const verify = await ada.get('/admin/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.entries).toBeGreaterThan(40);
  });
});
