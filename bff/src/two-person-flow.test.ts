// The platform under the domain's routes: a rollout request through step-up
// and Idempotency-Key, announced once on the event stream, approved by a
// second person with their own step-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../shared/api/events.js';
import { startTestBff, type TestBff } from './testing/harness.js';

let bff: TestBff;

beforeAll(async () => {
  bff = await startTestBff({ seedDemo: true, users: [], socket: true });
});
afterAll(async () => bff?.stop());

async function stepUp(token: string, password: string, purpose: string): Promise<string> {
  const result = await bff.call('POST', '/auth/step-up', { token, body: { password, purpose } });
  expect(result.status).toBe(200);
  return result.body.step_up_token as string;
}

/** Reads SSE `data:` lines until `count` events arrived (or the timeout). */
async function collectEvents(
  token: string,
  count: number,
  timeoutMs = 5000,
): Promise<{ events: ServerEvent[]; stop: () => void; done: Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(`${bff.url}/admin/events?last_event_id=${await lastId()}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const events: ServerEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    let buffer = '';
    const deadline = Date.now() + timeoutMs;
    while (events.length < count && Date.now() < deadline) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      const complete = buffer.slice(0, buffer.lastIndexOf('\n') + 1);
      buffer = buffer.slice(complete.length);
      for (const line of complete.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as ServerEvent);
    }
  })();
  return { events, stop: () => controller.abort(), done };
}

async function lastId(): Promise<number> {
  const row = await bff.ctx.db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? 0;
}

describe('two-person rollout over the platform', () => {
  it('requests once despite a retry, streams approval.requested once, and dispatches on approval', async () => {
    const olivia = (await bff.login('olivia', 'demo-olivia')).access_token;
    const arjun = (await bff.login('arjun', 'demo-arjun')).access_token;
    const stream = await collectEvents(arjun, 3);

    const detail = await bff.call('GET', '/admin/models/ltr-ranker', { token: olivia });
    expect(detail.status).toBe(200);
    const candidate = (detail.body.versions as { version: string; status: string }[]).find((v) => v.status === 'candidate')!.version;

    const body = { target_version: candidate, strategy: 'canary', canary_pct: 5, justification: 'weekly ranker refresh', gate_override: true };
    const headers = { 'idempotency-key': 'rollout-ltr-0001', 'x-step-up-token': await stepUp(olivia, 'demo-olivia', 'rollout') };
    const first = await bff.call('POST', '/admin/models/ltr-ranker/rollout', { token: olivia, body, headers });
    expect(first.status, first.text).toBe(202);
    expect(first.body.request.status).toBe('pending');

    // The client timed out and retries: same answer, nothing new, the spent step-up token not asked again.
    const retry = await bff.call('POST', '/admin/models/ltr-ranker/rollout', { token: olivia, body, headers });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);
    const changed = await bff.call('POST', '/admin/models/ltr-ranker/rollout', {
      token: olivia,
      body: { ...body, justification: 'something else' },
      headers,
    });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('idempotency_conflict');
    const pending = await bff.call('GET', '/admin/approvals?status=pending&model_id=ltr-ranker', { token: arjun });
    expect(pending.body.items).toHaveLength(1);

    const requestId = first.body.request.id as string;
    const approve = await bff.call('POST', `/admin/approvals/${requestId}/approve`, {
      token: arjun,
      body: { intent_digest: first.body.request.intent_digest, comment: 'looks good' },
      headers: { 'x-step-up-token': await stepUp(arjun, 'demo-arjun', 'approve'), 'idempotency-key': 'approve-ltr-0001' },
    });
    expect(approve.status, approve.text).toBe(200);
    expect(approve.body.request.status).toBe('dispatched');
    expect(approve.body.deployment).toMatchObject({ canary_version: candidate, canary_pct: 5 });

    await stream.done;
    stream.stop();
    const types = stream.events.map((event) => event.data.type);
    expect(types.filter((type) => type === 'approval.requested')).toHaveLength(1);
    expect(types).toContain('request.dispatched');

    const verify = await bff.call('GET', '/admin/audit/verify', { token: arjun });
    expect(verify.body).toMatchObject({ ok: true });
    const routing = await bff.call('GET', '/routing', { token: arjun });
    expect(routing.body.items).toContainEqual(expect.objectContaining({ model_id: 'ltr-ranker', canary: candidate, canary_pct: 5 }));
  });
});
