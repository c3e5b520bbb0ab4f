// Rollout requests and rollback against a real, demo-seeded BFF: step-up,
// gate, machine and state checks that refuse without changing anything, and
// the immediate rollback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentDigest, intentOf } from '../../../shared/logic/intent.js';
import { eventsAfter } from '../store/event-log.js';
import { startHarness, type Answer, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;
let ravi: Client;
let arjun: Client;

beforeAll(async () => {
  h = await startHarness();
  [olivia, ravi, arjun] = await Promise.all([h.as('olivia'), h.as('ravi'), h.as('arjun')]);
});
afterAll(async () => h?.close());

function expectError(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

const deploymentOf = async (modelId: string) => (await olivia.get(`/admin/models/${modelId}`)).body.deployment;

async function eventTypes(): Promise<string[]> {
  return (await eventsAfter(h.bff.ctx.db, 0, 10_000)).map((event) => event.data.type);
}

describe('POST /admin/models/{id}/rollout', () => {
  it('answers 428 step_up_required without a step-up token and never reaches the handler', async () => {
    const answer = await olivia.post('/admin/models/bert-sentiment/rollout', {
      target_version: '1.1.0',
      strategy: 'canary',
      justification: 'ship it',
    });
    expectError(answer, 428, 'step_up_required');
  });

  it('creates a pending request (202) that dispatches nothing; the step-up token is single-use', async () => {
    const token = await olivia.stepUp('rollout');
    const before = await deploymentOf('bert-sentiment');
    const answer = await olivia.post(
      '/admin/models/bert-sentiment/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification: 'better accuracy and p99' },
      { stepUp: token },
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const request = answer.body.request;
    expect(request).toMatchObject({
      id: expect.stringMatching(/^req_/),
      model_id: 'bert-sentiment',
      action: 'start_canary',
      from_version: '1.0.0',
      target_version: '1.1.0',
      target_pct: 5,
      expected_state_version: before.state_version,
      requested_by: 'olivia',
      justification: 'better accuracy and p99',
      gate_snapshot: { passed: true },
      gate_override: false,
      required_approvals: 1,
      status: 'pending',
      decisions: [],
      resolved_at: null,
    });
    const detail = (await olivia.get('/admin/models/bert-sentiment')).body;
    expect(request.target_checksum).toBe(detail.versions.find((v: { version: string }) => v.version === '1.1.0').checksum);
    expect(Date.parse(request.expires_at) - Date.parse(request.requested_at)).toBe(3600_000);
    expect(request.intent_digest).toBe(await intentDigest(intentOf(request)));
    expect(detail.deployment).toEqual(before);
    expect(await eventTypes()).toContain('approval.requested');

    // The same token again: spent.
    const reused = await olivia.post(
      '/admin/models/e5-base-v2/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification: 'again' },
      { stepUp: token },
    );
    expectError(reused, 428, 'step_up_invalid');

    // A second request for a model with one pending: 409 conflict.
    const second = await olivia.post(
      '/admin/models/bert-sentiment/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification: 'twice' },
      { stepUp: 'rollout' },
    );
    expectError(second, 409, 'conflict');
    expect(second.body.error.details).toEqual({ request_id: request.id });
    expect((await olivia.post(`/admin/approvals/${request.id}/cancel`, {})).status).toBe(200);
  });

  it('refuses a token minted for another purpose', async () => {
    const answer = await olivia.post(
      '/admin/models/e5-base-v2/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification: 'purpose' },
      { stepUp: 'rollback' },
    );
    expectError(answer, 428, 'step_up_invalid');
  });

  it('answers 422 gate_failed naming the failing metrics, and leaves the token unspent', async () => {
    const token = await olivia.stepUp('rollout');
    const failed = await olivia.post(
      '/admin/models/ltr-ranker/rollout',
      { target_version: '2.2.0', strategy: 'canary', justification: 'faster' },
      { stepUp: token },
    );
    expectError(failed, 422, 'gate_failed');
    expect(failed.body.error.message).toContain('ndcg@10');
    expect(failed.body.error.details.failed_metrics).toEqual(['ndcg@10', 'mrr@10']);

    // Nothing was written, so the very same token still works, here with the explicit override.
    const overridden = await olivia.post(
      '/admin/models/ltr-ranker/rollout',
      { target_version: '2.2.0', strategy: 'canary', justification: 'latency matters more this week', gate_override: true },
      { stepUp: token },
    );
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(202);
    expect(overridden.body.request).toMatchObject({ gate_override: true, gate_snapshot: { passed: false }, target_pct: 5 });
    expect((await olivia.post(`/admin/approvals/${overridden.body.request.id}/cancel`, { comment: 'test' })).status).toBe(200);
  });

  it('answers 422 when the target version was never evaluated', async () => {
    const registered = await ravi.post('/admin/models/fraud-detector/versions', {
      version: '1.1.0',
      artifact_uri: 's3://acme-ml-models/fraud-detector/1.1.0/model.txt',
      checksum: 'ef'.repeat(32),
      runtime: { device: 'cpu' },
      framework: 'lightgbm',
      export_format: 'lightgbm-text',
    });
    expect(registered.status).toBe(201);
    const answer = await olivia.post(
      '/admin/models/fraud-detector/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification: 'untested' },
      { stepUp: 'rollout' },
    );
    expectError(answer, 422, 'gate_failed');
    expect(answer.body.error.message).toBe('no eval run for fraud-detector 1.1.0');
  });

  it('answers 409 illegal_transition with the machine’s reason and changes nothing', async () => {
    const before = await deploymentOf('e5-base-v2');
    const advance = await olivia.post(
      '/admin/models/e5-base-v2/rollout',
      { target_version: '1.1.0', strategy: 'advance', canary_pct: 25, justification: 'no canary yet' },
      { stepUp: 'rollout' },
    );
    expectError(advance, 409, 'illegal_transition');
    expect(advance.body.error.message).toContain('no canary is live');

    const stable = await olivia.post(
      '/admin/models/e5-base-v2/rollout',
      { target_version: '1.0.0', strategy: 'canary', justification: 'already stable' },
      { stepUp: 'rollout' },
    );
    expectError(stable, 409, 'illegal_transition');

    const wrongStep = await olivia.post(
      '/admin/models/e5-base-v2/rollout',
      { target_version: '1.1.0', strategy: 'canary', canary_pct: 25, justification: 'skip a step' },
      { stepUp: 'rollout' },
    );
    expectError(wrongStep, 409, 'illegal_transition');
    expect(wrongStep.body.error.message).toContain('5 %');

    const deprecated = await olivia.post(
      '/admin/models/ltr-ranker/rollout',
      { target_version: '1.0.0', strategy: 'canary', justification: 'old one' },
      { stepUp: 'rollout' },
    );
    expectError(deprecated, 409, 'illegal_transition');
    expect(await deploymentOf('e5-base-v2')).toEqual(before);
  });

  it('answers 409 stale_state when expected_state_version is not the current state, 404 for unknown targets', async () => {
    const stale = await olivia.post(
      '/admin/models/e5-base-v2/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification: 'old view', expected_state_version: 0 },
      { stepUp: 'rollout' },
    );
    expectError(stale, 409, 'stale_state');
    expect(stale.body.error.details).toEqual({ state_version: 1 });
    expectError(
      await olivia.post('/admin/models/e5-base-v2/rollout', { target_version: '3.0.0', strategy: 'canary', justification: 'nope' }, { stepUp: 'rollout' }),
      404,
      'not_found',
    );
    expectError(
      await olivia.post('/admin/models/nope/rollout', { target_version: '1.0.0', strategy: 'canary', justification: 'nope' }, { stepUp: 'rollout' }),
      404,
      'not_found',
    );
  });

  it('needs the operator role', async () => {
    const answer = await arjun.post(
      '/admin/models/e5-base-v2/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification: 'approver' },
      { stepUp: 'rollout' },
    );
    expectError(answer, 403, 'forbidden');
  });
});

describe('POST /admin/models/{id}/rollback', () => {
  it('answers 409 nothing_to_roll_back and leaves the stable version alone', async () => {
    const before = await deploymentOf('e5-large-v2');
    const answer = await olivia.post('/admin/models/e5-large-v2/rollback', { justification: 'panic' }, { stepUp: 'rollback' });
    expectError(answer, 409, 'nothing_to_roll_back');
    expect(await deploymentOf('e5-large-v2')).toEqual(before);
    expect(before).toMatchObject({ stable_version: '1.0.0', state_version: 1 });
  });

  it('needs a rollback step-up and the operator role', async () => {
    expectError(await olivia.post('/admin/models/ltr-ranker/rollback', { justification: 'no token' }), 428, 'step_up_required');
    expectError(
      await olivia.post('/admin/models/ltr-ranker/rollback', { justification: 'wrong token' }, { stepUp: 'approve' }),
      428,
      'step_up_invalid',
    );
    expectError(await arjun.post('/admin/models/ltr-ranker/rollback', { justification: 'approver' }, { stepUp: 'rollback' }), 403, 'forbidden');
  });

  it('restores the previous stable at once, without an approver, and makes a pending request stale', async () => {
    const pending = await olivia.post(
      '/admin/models/ltr-ranker/rollout',
      { target_version: '2.1.0', strategy: 'canary', justification: 'fresh click logs' },
      { stepUp: 'rollout' },
    );
    expect(pending.status).toBe(202);

    const answer = await olivia.post('/admin/models/ltr-ranker/rollback', { justification: 'zero-result spike on mobile' }, { stepUp: 'rollback' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.deployment).toMatchObject({
      model_id: 'ltr-ranker',
      stable_version: '1.5.0',
      previous_stable: null,
      canary_version: null,
      canary_pct: 0,
      phase: 'rolled_back',
      state_version: 2,
    });
    const detail = (await olivia.get('/admin/models/ltr-ranker')).body;
    const statusOf = (version: string) => detail.versions.find((v: { version: string }) => v.version === version).status;
    expect(statusOf('1.5.0')).toBe('active');
    expect(statusOf('2.0.0')).toBe('candidate');
    expect(detail.versions.filter((v: { status: string }) => v.status === 'active')).toHaveLength(1);

    const request = (await olivia.get(`/admin/approvals/${pending.body.request.id}`)).body.request;
    expect(request.status).toBe('stale');

    const events = (await eventsAfter(h.bff.ctx.db, 0, 10_000)).map((event) => event.data);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'rollback.executed', model_id: 'ltr-ranker', by: 'olivia', justification: 'zero-result spike on mobile' }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'request.stale', request: expect.objectContaining({ id: request.id }) }));
    expect(events).toContainEqual({ type: 'deployment.changed', deployment: answer.body.deployment });
    const audit = await olivia.get('/admin/audit?action=rollback.executed');
    expect(audit.body.items[0]).toMatchObject({
      actor: 'olivia',
      target: 'model:ltr-ranker',
      details: { from_version: '2.0.0', to_version: '1.5.0', justification: 'zero-result spike on mobile' },
    });

    // Nothing left to restore now.
    const again = await olivia.post('/admin/models/ltr-ranker/rollback', { justification: 'again' }, { stepUp: 'rollback' });
    expectError(again, 409, 'nothing_to_roll_back');
    expect((await deploymentOf('ltr-ranker')).stable_version).toBe('1.5.0');
  });
});
