// Registry routes against a real, demo-seeded BFF: listing (filters, cursor
// pages, summaries), detail, creation, policy, registration and deprecation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelDetailResponse, ModelListResponse, VersionListResponse } from '../../../shared/api/models.js';
import { startHarness, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;
let arjun: Client;
let ada: Client;
/** A second admin: approves what ada proposes. */
let adele: Client;

beforeAll(async () => {
  h = await startHarness({ extraUsers: [{ username: 'adele', roles: ['admin'] }] });
  [olivia, arjun, ada, adele] = await Promise.all([h.as('olivia'), h.as('arjun'), h.as('ada'), h.as('adele')]);
});
afterAll(async () => h?.close());

const registration = (version: string) => ({
  version,
  artifact_uri: `s3://acme-ml-models/ltr-ranker/${version}/model.txt`,
  checksum: 'AB'.repeat(32),
  runtime: { device: 'cpu', max_batch: 1000 },
  framework: 'lightgbm',
  export_format: 'lightgbm-text',
  release_notes: 'test build',
  metadata: { model_name: 'ltr-ranker', version },
});

function expectError(answer: { status: number; body: unknown }, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe('GET /admin/models', () => {
  it('lists every demo model by name (the default order) with its summary', async () => {
    const { status, body } = await olivia.get('/admin/models');
    expect(status).toBe(200);
    // Serialized without zod's encode pass (plugins/plain-json.ts): the body must still be exactly the schema's.
    expect(ModelListResponse.parse(body)).toEqual(body);
    expect(body.items.map((item: { model: { id: string } }) => item.model.id)).toEqual([
      'bert-sentiment',
      'fraud-detector',
      'cross-encoder-reranker',
      'e5-base-v2',
      'e5-large-v2',
      'ltr-ranker',
      'rag-retriever',
    ]);
    expect(body.next_cursor).toBeNull();
    const ltr = body.items.find((item: { model: { id: string } }) => item.model.id === 'ltr-ranker');
    expect(ltr).toMatchObject({
      active_version: '2.0.0',
      candidate_versions: ['1.5.0', '2.1.0', '2.2.0'],
      version_count: 5,
      deployment: { phase: 'complete', stable_version: '2.0.0', canary_version: null, canary_pct: 0 },
      last_gate: { version: '2.2.0', passed: false, failed_metrics: expect.arrayContaining(['ndcg@10']) },
    });
    const fraud = body.items.find((item: { model: { id: string } }) => item.model.id === 'fraud-detector');
    expect(fraud).toMatchObject({ active_version: '1.0.0', candidate_versions: [], version_count: 1, last_gate: null });
  });

  it('filters by type, by version status and by text (case-insensitive, wildcards literal)', async () => {
    const ids = async (query: string) =>
      (await olivia.get(`/admin/models?${query}`)).body.items.map((item: { model: { id: string } }) => item.model.id);
    expect(await ids('type=EMBEDDING')).toEqual(['e5-base-v2', 'e5-large-v2']);
    expect(await ids('status=deprecated')).toEqual(['cross-encoder-reranker', 'ltr-ranker']);
    expect(await ids('q=LambdaMART')).toEqual(['ltr-ranker']);
    // Tags are searched too: "fraud" is in fraud-detector's id, "tabular" only in its tags.
    expect(await ids('q=tabular')).toEqual(['fraud-detector']);
    expect(await ids('q=e5-')).toEqual(['e5-base-v2', 'e5-large-v2']);
    expect(await ids('q=100%25')).toEqual([]);
    expect(await ids('q=e_')).toEqual([]);
    expect(await ids('type=EMBEDDING&status=candidate&q=large')).toEqual(['e5-large-v2']);
  });

  it('pages with an opaque cursor until next_cursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { status: number; body: { items: { model: { id: string } }[]; next_cursor: string | null } } = await olivia.get(
        `/admin/models?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...answer.body.items.map((item) => item.model.id));
      cursor = answer.body.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    const all = (await olivia.get('/admin/models')).body.items.map((item: { model: { id: string } }) => item.model.id);
    expect(seen).toEqual(all);
  });

  it('refuses bad queries with the one error shape, and anonymous callers', async () => {
    expectError(await olivia.get('/admin/models?cursor=not*base64'), 400, 'invalid_request');
    expectError(await olivia.get(`/admin/models?cursor=${Buffer.from('Not A Slug').toString('base64url')}`), 400, 'invalid_request');
    expectError(await olivia.get('/admin/models?limit=0'), 400, 'invalid_request');
    expectError(await olivia.get('/admin/models?limit=501'), 400, 'invalid_request');
    expectError(await olivia.get('/admin/models?status=retired'), 400, 'invalid_request');
    expectError(await h.anonymous('GET', '/admin/models'), 401, 'unauthenticated');
  });
});

describe('GET /admin/models/{model_id}', () => {
  it('answers the model, its versions newest first and the deployment with its plan', async () => {
    const { status, body } = await arjun.get('/admin/models/ltr-ranker');
    expect(status).toBe(200);
    expect(ModelDetailResponse.parse(body)).toEqual(body);
    expect(body.model.id).toBe('ltr-ranker');
    expect(body.versions.map((v: { version: string }) => v.version)).toEqual(['2.2.0', '2.1.0', '2.0.0', '1.5.0', '1.0.0']);
    expect(body.versions.find((v: { version: string }) => v.version === '1.0.0')).toMatchObject({
      status: 'deprecated',
      deprecated_reason: expect.any(String),
    });
    expect(body.deployment).toMatchObject({
      model_id: 'ltr-ranker',
      stable_version: '2.0.0',
      previous_stable: '1.5.0',
      state_version: 1,
      plan: [5, 25, 50, 100],
    });
    expect((await arjun.get('/admin/models/cross-encoder-reranker')).body.deployment.plan).toEqual([10, 50, 100]);
  });

  it('answers 404 for an unknown model and 400 for a malformed id', async () => {
    expectError(await olivia.get('/admin/models/no-such-model'), 404, 'not_found');
    expectError(await olivia.get('/admin/models/Not_A_Slug'), 400, 'invalid_request');
  });
});

describe('GET /admin/models/{model_id}/versions', () => {
  it('pages a model\'s versions, newest version first, filtered by status and text', async () => {
    const first = await olivia.get('/admin/models/ltr-ranker/versions?limit=2');
    expect(first.status).toBe(200);
    expect(VersionListResponse.parse(first.body)).toEqual(first.body);
    expect(first.body.items.map((v: { version: string }) => v.version)).toEqual(['2.2.0', '2.1.0']);
    const rest = await olivia.get(`/admin/models/ltr-ranker/versions?limit=5&cursor=${first.body.next_cursor}`);
    expect(rest.body.items.map((v: { version: string }) => v.version)).toEqual(['2.0.0', '1.5.0', '1.0.0']);
    expect(rest.body.next_cursor).toBeNull();
    const deprecated = await olivia.get('/admin/models/ltr-ranker/versions?status=deprecated&sort=created&order=asc');
    expect(deprecated.body.items.map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
    expect((await olivia.get('/admin/models/ltr-ranker/versions?q=2.1')).body.items.map((v: { version: string }) => v.version)).toEqual(['2.1.0']);
  });

  it('answers 404 for an unknown model, 400 for a cursor of another order', async () => {
    expectError(await olivia.get('/admin/models/no-such-model/versions'), 404, 'not_found');
    const first = await olivia.get('/admin/models/ltr-ranker/versions?limit=1');
    expectError(await olivia.get(`/admin/models/ltr-ranker/versions?order=asc&cursor=${first.body.next_cursor}`), 400, 'invalid_request');
    expectError(await h.anonymous('GET', '/admin/models/ltr-ranker/versions'), 401, 'unauthenticated');
  });
});

describe('POST /admin/models and PUT /admin/models/{id}/policy', () => {
  it('creates a model with an idle deployment; a second time is 409 already_exists', async () => {
    const created = await olivia.post('/admin/models', {
      id: 'query-classifier',
      name: 'Query intent classifier',
      type: 'CLASSIFIER',
      owner: 'search-relevance',
      tags: ['search', 'intent'],
    });
    expect(created.status).toBe(201);
    expect(created.body.model).toMatchObject({ id: 'query-classifier', description: '', policy: {} });
    const detail = await olivia.get('/admin/models/query-classifier');
    expect(detail.body.versions).toEqual([]);
    expect(detail.body.deployment).toMatchObject({ phase: 'idle', stable_version: null, state_version: 0, plan: [5, 25, 50, 100] });
    expectError(
      await olivia.post('/admin/models', { id: 'query-classifier', name: 'again', type: 'CLASSIFIER', owner: 'x' }),
      409,
      'already_exists',
    );
  });

  it('needs the operator role to create, the admin role to set a policy; policy changes are audited', async () => {
    expectError(await arjun.post('/admin/models', { id: 'nope', name: 'n', type: 'LTR', owner: 'o' }), 403, 'forbidden');
    const policy = { required_approvals: 2, rollout_plan: [10, 100], request_ttl_seconds: 600 };
    expectError(await olivia.call('PUT', '/admin/models/rag-retriever/policy', { body: { policy } }), 403, 'forbidden');
    expectError(await ada.call('PUT', '/admin/models/rag-retriever/policy', { body: { policy } }), 428, 'step_up_required');
    expectError(
      await ada.call('PUT', '/admin/models/rag-retriever/policy', { body: { policy: { rollout_plan: [50, 25] } }, stepUp: 'policy' }),
      400,
      'invalid_request',
    );
    const updated = await ada.call('PUT', '/admin/models/rag-retriever/policy', { body: { policy }, stepUp: 'policy' });
    expect(updated.status).toBe(200);
    expect(updated.body.model.policy).toEqual(policy);
    expect((await olivia.get('/admin/models/rag-retriever')).body.deployment.plan).toEqual([10, 100]);
    const audit = await ada.get('/admin/audit?action=model.policy_updated');
    expect(audit.body.items[0]).toMatchObject({ actor: 'ada', target: 'model:rag-retriever', details: { after: policy } });
    expectError(await ada.call('PUT', '/admin/models/nope/policy', { body: { policy }, stepUp: 'policy' }), 404, 'not_found');
  });
});

describe('loosening a policy needs a second admin', () => {
  const put = (admin: Client, modelId: string, policy: unknown) =>
    admin.call('PUT', `/admin/models/${modelId}/policy`, { body: { policy }, stepUp: 'policy' });
  // The CLASSIFIER default gate, spelled out: the starting point of these edits.
  const metrics = {
    accuracy: { direction: 'higher_is_better', max_regression_abs: 0.005 },
    f1: { direction: 'higher_is_better', max_regression_abs: 0.01 },
    auc_roc: { direction: 'higher_is_better', max_regression_abs: 0.005 },
    latency_p99_ms: { direction: 'lower_is_better', max_regression_rel: 0.1 },
  };
  const strictGate = { metrics };
  const looserGate = { metrics: { ...metrics, accuracy: { direction: 'higher_is_better', max_regression_abs: 0.05 } } };

  it('a lowered threshold waits (202), the proposer cannot approve it, another admin applies it with step-up; all audited', async () => {
    expect((await put(ada, 'bert-sentiment', { required_approvals: 2, gate: strictGate })).status).toBe(200);
    const looser = { required_approvals: 2, gate: looserGate };
    const proposed = await put(ada, 'bert-sentiment', looser);
    expect(proposed.status).toBe(202);
    const change = proposed.body.policy_change;
    expect(change).toMatchObject({ status: 'pending', proposed_by: 'ada', after: looser, loosens: ['accuracy: max_regression_abs 0.005 → 0.05'] });
    // Nothing changed yet.
    expect((await olivia.get('/admin/models/bert-sentiment')).body.model.policy.gate).toEqual(strictGate);
    expect((await ada.get('/admin/policy-changes?status=pending')).body.items.map((c: { id: string }) => c.id)).toContain(change.id);

    expectError(await ada.post(`/admin/policy-changes/${change.id}/approve`, {}, { stepUp: 'policy' }), 403, 'self_approval');
    expectError(await adele.post(`/admin/policy-changes/${change.id}/approve`, {}), 428, 'step_up_required');
    expectError(await arjun.post(`/admin/policy-changes/${change.id}/approve`, {}), 403, 'forbidden');
    const approved = await adele.post(`/admin/policy-changes/${change.id}/approve`, {}, { stepUp: 'policy' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.policy_change).toMatchObject({ status: 'applied', decided_by: 'adele' });
    expect((await olivia.get('/admin/models/bert-sentiment')).body.model.policy).toEqual(looser);
    expectError(await adele.post(`/admin/policy-changes/${change.id}/approve`, {}, { stepUp: 'policy' }), 409, 'request_not_pending');

    const actions = (await ada.get('/admin/audit?limit=20')).body.items
      .filter((e: { action: string }) => e.action.startsWith('model.'))
      .map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`);
    expect(actions.slice(0, 3)).toEqual(['adele model.policy_updated', 'adele model.policy_change_approved', 'ada model.policy_change_proposed']);
  });

  it('fewer required approvals waits too; a change overtaken by another edit is stale; a rejected one never applies', async () => {
    const lower = await put(ada, 'bert-sentiment', { gate: looserGate });
    expect(lower.status).toBe(202);
    expect(lower.body.policy_change.loosens).toEqual(['required approvals 2 → 1']);
    // A tightening edit applies at once and overtakes the pending change.
    expect((await put(adele, 'bert-sentiment', { required_approvals: 3, gate: strictGate })).status).toBe(200);
    expectError(await adele.post(`/admin/policy-changes/${lower.body.policy_change.id}/approve`, {}, { stepUp: 'policy' }), 409, 'stale_state');
    expect((await ada.get('/admin/policy-changes?status=stale')).body.items.map((c: { id: string }) => c.id)).toContain(lower.body.policy_change.id);

    const again = await put(ada, 'bert-sentiment', { required_approvals: 1, gate: strictGate });
    expect(again.status).toBe(202);
    const rejected = await adele.post(`/admin/policy-changes/${again.body.policy_change.id}/reject`, {});
    expect(rejected.body.policy_change).toMatchObject({ status: 'rejected', decided_by: 'adele' });
    expect((await olivia.get('/admin/models/bert-sentiment')).body.model.policy.required_approvals).toBe(3);
  });
});

describe('POST /admin/models/{id}/versions', () => {
  it('registers a candidate by the caller, lowercasing the checksum, audited and announced', async () => {
    const { status, body } = await olivia.post('/admin/models/ltr-ranker/versions', registration('2.3.0'));
    expect(status).toBe(201);
    expect(body.version).toMatchObject({
      model_id: 'ltr-ranker',
      version: '2.3.0',
      status: 'candidate',
      created_by: 'olivia',
      checksum: 'ab'.repeat(32),
    });
    const detail = await olivia.get('/admin/models/ltr-ranker');
    expect(detail.body.versions[0].version).toBe('2.3.0');
    const audit = await olivia.get('/admin/audit?action=version.registered');
    expect(audit.body.items[0]).toMatchObject({ actor: 'olivia', details: { model_id: 'ltr-ranker', version: '2.3.0' } });
  });

  it('refuses a duplicate (409), an unknown model (404) and a caller without the operator role (403)', async () => {
    expectError(await olivia.post('/admin/models/ltr-ranker/versions', registration('2.0.0')), 409, 'already_exists');
    expectError(await olivia.post('/admin/models/nope/versions', registration('1.0.0')), 404, 'not_found');
    expectError(await arjun.post('/admin/models/ltr-ranker/versions', registration('9.0.0')), 403, 'forbidden');
  });

  it.each([
    ['a version that is not semver', { version: '2.4' }, '/version'],
    ['a checksum that is not sha256', { checksum: 'abc123' }, '/checksum'],
    ['an artifact scheme outside the allow-list', { artifact_uri: 'javascript:alert(1)' }, '/artifact_uri'],
    ['an http artifact', { artifact_uri: 'http://example.com/model.bin' }, '/artifact_uri'],
    ['an unknown field', { owner: 'me' }, '/'],
    ['a runtime device that does not exist', { runtime: { device: 'tpu' } }, '/runtime/device'],
  ])('answers 400 invalid_request for %s', async (_case, change, path) => {
    const answer = await olivia.post('/admin/models/ltr-ranker/versions', { ...registration('2.4.0'), ...change });
    expectError(answer, 400, 'invalid_request');
    expect(answer.body.error.details.issues[0].path).toBe(path);
  });

  it('refuses metadata over 256 KiB with 400 (the body itself is under the 1 MiB limit)', async () => {
    const metadata = { blob: 'x'.repeat(256 * 1024) };
    const answer = await olivia.post('/admin/models/ltr-ranker/versions', { ...registration('2.5.0'), metadata });
    expectError(answer, 400, 'invalid_request');
    expect(answer.body.error.message).toContain('256 KiB');
    expect((await olivia.get('/admin/models/ltr-ranker')).body.versions.some((v: { version: string }) => v.version === '2.5.0')).toBe(false);
  });
});

describe('POST /admin/models/{id}/versions/{version}/deprecate', () => {
  it('refuses the stable version with 409 version_in_use', async () => {
    expectError(await olivia.post('/admin/models/ltr-ranker/versions/2.0.0/deprecate', { reason: 'old' }), 409, 'version_in_use');
  });

  it('deprecates a candidate with its reason, once', async () => {
    const answer = await olivia.post('/admin/models/ltr-ranker/versions/2.2.0/deprecate', { reason: 'fails the ndcg gate' });
    expect(answer.status).toBe(200);
    expect(answer.body.version).toMatchObject({ version: '2.2.0', status: 'deprecated', deprecated_reason: 'fails the ndcg gate' });
    expectError(await olivia.post('/admin/models/ltr-ranker/versions/2.2.0/deprecate', { reason: 'again' }), 409, 'conflict');
    const summary = (await olivia.get('/admin/models?q=ltr-ranker')).body.items[0];
    expect(summary.candidate_versions).not.toContain('2.2.0');
  });

  it('needs a reason and a known version', async () => {
    expectError(await olivia.post('/admin/models/ltr-ranker/versions/2.1.0/deprecate', { reason: '  ' }), 400, 'invalid_request');
    expectError(await olivia.post('/admin/models/ltr-ranker/versions/7.7.7/deprecate', { reason: 'gone' }), 404, 'not_found');
  });
});
