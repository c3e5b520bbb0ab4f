// Several BFF replicas on one PostgreSQL database behind a real HAProxy in
// round-robin: every guarantee of one process holds across processes. Runs in
// the bff-pg vitest project only (it needs the run's PostgreSQL cluster).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../shared/api/events.js';
import { verifyAudit } from './store/audit-log.js';
import { openDatabase, type Db } from './store/database.js';
import { MIGRATION_NAMES } from './store/migrate.js';
import { createUser } from './store/users.js';
import { TEST_CHILD_ENV, testDatabase } from './testing/harness.js';
import { eventually, startHaproxy, startReplica, type LoadBalancer, type Replica } from './testing/replicas.js';

let dir: string;
let location: string;
let replicas: Replica[] = [];
let lb: LoadBalancer | undefined;
let db: Db;

const APPROVERS = ['ana', 'ben', 'cai'];
// Demo users keep their published demo passwords; users the test adds need 12 characters or more.
const pw = (username: string) => (APPROVERS.includes(username) ? `replica-${username}-password` : `demo-${username}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bff-replicas-'));
  location = await testDatabase(dir);
  const env = {
    ...TEST_CHILD_ENV,
    // Every replica must verify every other replica's access tokens.
    BFF_ACCESS_TOKEN_SECRET: randomBytes(32).toString('base64'),
    // Only LISTEN/NOTIFY can carry an event from one replica to another.
    BFF_EVENT_POLL_MS: '0',
    // These tests re-authenticate far more often than people do (the shared budget is tested in app.test.ts).
    BFF_AUTH_RATE_LIMIT_PER_MINUTE: '100000',
  };
  // Three replicas start at the same moment on an empty database.
  replicas = await Promise.all([0, 1, 2].map(() => startReplica({ location, env, seedDemo: true })));
  db = await openDatabase(location);
  for (const username of APPROVERS) await createUser(db, { username, displayName: username, password: pw(username), roles: ['approver'] }, new Date());
}, 120_000);

afterAll(async () => {
  await lb?.stop();
  await Promise.all(replicas.map((replica) => replica.stop()));
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

// ---- a small HTTP client --------------------------------------------------

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies loosely; the server checks schemas
  body: any;
  text: string;
}

async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

const accessTokens = new Map<string, string>();

/** Signs in once per user: every replica accepts every replica's access tokens (one BFF_ACCESS_TOKEN_SECRET). */
async function login(base: string, username: string): Promise<string> {
  const known = accessTokens.get(username);
  if (known) return known;
  const answer = await call(base, 'POST', '/auth/login', { body: { username, password: pw(username) } });
  expect(answer.status, answer.text).toBe(200);
  accessTokens.set(username, answer.body.access_token as string);
  return answer.body.access_token as string;
}

async function stepUp(base: string, token: string, username: string, purpose: string): Promise<string> {
  const answer = await call(base, 'POST', '/auth/step-up', { token, body: { password: pw(username), purpose } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.step_up_token as string;
}

const registration = (modelId: string, version: string) => ({
  version,
  artifact_uri: `s3://acme-ml-models/${modelId}/${version}/model.txt`,
  checksum: 'ab'.repeat(32),
  runtime: { device: 'cpu', max_batch: 64 },
  framework: 'lightgbm',
  export_format: 'lightgbm-text',
  release_notes: 'replica test build',
  metadata: { model_name: modelId, version },
});

/** A new model with one candidate version registered by ravi (so the approvers may approve it). */
async function modelWithCandidate(base: string, modelId: string): Promise<void> {
  const ravi = await login(base, 'ravi');
  const created = await call(base, 'POST', '/admin/models', { token: ravi, body: { id: modelId, name: modelId, type: 'LTR', owner: 'replicas' } });
  expect(created.status, created.text).toBe(201);
  const registered = await call(base, 'POST', `/admin/models/${modelId}/versions`, { token: ravi, body: registration(modelId, '1.0.0') });
  expect(registered.status, registered.text).toBe(201);
}

/** olivia asks to promote the model's first version; returns the pending request. */
async function requestPromotion(base: string, modelId: string): Promise<{ id: string; intent_digest: string }> {
  const olivia = await login(base, 'olivia');
  const answer = await call(base, 'POST', `/admin/models/${modelId}/rollout`, {
    token: olivia,
    body: { target_version: '1.0.0', strategy: 'promote', justification: 'first release', gate_override: true },
    headers: { 'x-step-up-token': await stepUp(base, olivia, 'olivia', 'rollout') },
  });
  expect(answer.status, answer.text).toBe(202);
  return answer.body.request as { id: string; intent_digest: string };
}

async function approve(base: string, token: string, username: string, request: { id: string; intent_digest: string }): Promise<Answer> {
  return call(base, 'POST', `/admin/approvals/${request.id}/approve`, {
    token,
    body: { intent_digest: request.intent_digest, comment: 'looks right' },
    headers: { 'x-step-up-token': await stepUp(base, token, username, 'approve') },
  });
}

async function auditCount(action: string, requestId: string): Promise<number> {
  const rows = await db.selectFrom('audit_log').select('details').where('action', '=', action).execute();
  return rows.filter((row) => (JSON.parse(row.details) as { request_id?: string }).request_id === requestId).length;
}

async function eventCount(type: string, requestId: string): Promise<number> {
  const rows = await db.selectFrom('events').select('payload').where('type', '=', type).execute();
  return rows.filter((row) => (JSON.parse(row.payload) as { request?: { id: string } }).request?.id === requestId).length;
}

/** Reads an SSE stream into `events` until stopped. */
function subscribe(base: string, token: string, lastEventId: number): { events: ServerEvent[]; retryHints: string[]; stop: () => void; ended: Promise<void> } {
  const controller = new AbortController();
  const events: ServerEvent[] = [];
  const retryHints: string[] = [];
  const ended = (async () => {
    try {
      const response = await fetch(`${base}/admin/events`, {
        headers: { authorization: `Bearer ${token}`, 'last-event-id': String(lastEventId) },
        signal: controller.signal,
      });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const complete = buffer.slice(0, buffer.lastIndexOf('\n') + 1);
        buffer = buffer.slice(complete.length);
        for (const line of complete.split('\n')) {
          if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as ServerEvent);
          if (line.startsWith('retry: ')) retryHints.push(line.slice(7));
        }
      }
    } catch {
      // aborted
    }
  })();
  return { events, retryHints, stop: () => controller.abort(), ended };
}

async function lastEventId(): Promise<number> {
  const row = await db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? 0;
}

// ---- the tests ------------------------------------------------------------

// Child processes, HAProxy and dozens of scrypt step-ups: generous limits for a loaded 2-core machine.
describe('replicas on one PostgreSQL database', { timeout: 120_000 }, () => {
  it('migration race: three replicas started at once on an empty database migrate once, and all three serve', async () => {
    const migrated = replicas.filter((replica) => /migrations: applied \d+/.test(replica.output()));
    const current = replicas.filter((replica) => /migrations: schema current/.test(replica.output()));
    expect(migrated).toHaveLength(1);
    expect(current).toHaveLength(2);
    const applied = await db.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(applied).toHaveLength(MIGRATION_NAMES.length);
    for (const replica of replicas) {
      const health = await call(replica.url, 'GET', '/healthz?ready=1');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ db: 'postgres', ready: true, migrations: { current: true, applied: MIGRATION_NAMES.length } });
    }
    // The demo data was seeded once, whichever replica got there first.
    const users = await db.selectFrom('users').select('username').where('username', '=', 'olivia').execute();
    expect(users).toHaveLength(1);

    // The third replica leaves gracefully (SIGTERM: exit 0), ending its event streams with a
    // retry hint (reconnect soon, elsewhere); two stay behind the load balancer.
    const third = replicas.pop()!;
    const stream = subscribe(third.url, await login(third.url, 'olivia'), 0);
    await eventually('the subscription on the third replica', async () => stream.retryHints.length > 0);
    expect(await third.stop()).toBe(0);
    await stream.ended;
    expect(stream.retryHints).toContain('500');
    lb = await startHaproxy(replicas.map((replica, index) => ({ name: `bff${index}`, port: replica.port })));
  });

  it('runs the two-person flow through the load balancer, each call landing on either replica', async () => {
    const base = lb!.url;
    const before = replicas.map((replica) => replica.requestCount('/admin/'));
    await modelWithCandidate(base, 'replica-flow');
    const olivia = await login(base, 'olivia');
    const body = { target_version: '1.0.0', strategy: 'promote', justification: 'first release', gate_override: true };
    const headers = { 'idempotency-key': 'replicas-rollout-0001', 'x-step-up-token': await stepUp(base, olivia, 'olivia', 'rollout') };
    const first = await call(base, 'POST', '/admin/models/replica-flow/rollout', { token: olivia, body, headers });
    expect(first.status, first.text).toBe(202);
    const request = first.body.request as { id: string; intent_digest: string };
    // Retries with the same Idempotency-Key replay the first answer, whichever replica they reach.
    for (let retry = 0; retry < 3; retry++) {
      const again = await call(base, 'POST', '/admin/models/replica-flow/rollout', { token: olivia, body, headers });
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.text).toBe(first.text);
    }
    const listed = await call(base, 'GET', `/admin/approvals?model_id=replica-flow&status=pending`, { token: olivia });
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([request.id]);

    const ana = await login(base, 'ana');
    const approved = await approve(base, ana, 'ana', request);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.request.status).toBe('dispatched');
    const detail = await call(base, 'GET', '/admin/models/replica-flow', { token: olivia });
    expect(detail.body.deployment).toMatchObject({ stable_version: '1.0.0', state_version: 1 });

    // Approving again, on whichever replica: the request is no longer pending.
    const again = await approve(base, await login(base, 'ben'), 'ben', request);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('request_not_pending');
    expect(await auditCount('rollout.dispatched', request.id)).toBe(1);

    const after = replicas.map((replica) => replica.requestCount('/admin/'));
    // Round-robin: both replicas answered part of the flow.
    expect(after[0]! - before[0]!).toBeGreaterThan(0);
    expect(after[1]! - before[1]!).toBeGreaterThan(0);
  });

  it('dispatches exactly once when 20 approvals of one request arrive at once through both replicas', async () => {
    const base = lb!.url;
    await modelWithCandidate(base, 'replica-approvals');
    const request = await requestPromotion(base, 'replica-approvals');
    const tokens = new Map(await Promise.all(APPROVERS.map(async (username) => [username, await login(base, username)] as const)));
    // Step-up tokens first (each approval spends its own), then all 20 approvals at the same moment.
    const approvals = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const username = APPROVERS[index % APPROVERS.length]!;
        const token = tokens.get(username)!;
        const stepUpToken = await stepUp(base, token, username, 'approve');
        return { token, stepUpToken };
      }),
    );
    const answers = await Promise.all(
      approvals.map(({ token, stepUpToken }) =>
        call(base, 'POST', `/admin/approvals/${request.id}/approve`, {
          token,
          body: { intent_digest: request.intent_digest },
          headers: { 'x-step-up-token': stepUpToken },
        }),
      ),
    );
    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok, answers.map((answer) => answer.text).join('\n')).toHaveLength(1);
    expect(ok[0]!.body.request.status).toBe('dispatched');
    for (const answer of answers.filter((a) => a.status !== 200)) {
      expect(answer.status, answer.text).toBe(409);
      expect(['request_not_pending', 'already_decided']).toContain(answer.body.error.code);
    }
    expect(await auditCount('rollout.dispatched', request.id)).toBe(1);
    expect(await eventCount('request.dispatched', request.id)).toBe(1);
    const decisions = await db.selectFrom('decisions').selectAll().where('request_id', '=', request.id).execute();
    expect(decisions).toHaveLength(1);
    const deployment = await db.selectFrom('deployments').selectAll().where('model_id', '=', 'replica-approvals').executeTakeFirstOrThrow();
    expect(deployment).toMatchObject({ stable_version: '1.0.0', state_version: 1 });
  });

  it('keeps one pending request when 20 rollout requests for one model arrive at once', async () => {
    const base = lb!.url;
    await modelWithCandidate(base, 'replica-requests');
    const olivia = await login(base, 'olivia');
    const stepUps = await Promise.all(Array.from({ length: 20 }, () => stepUp(base, olivia, 'olivia', 'rollout')));
    const answers = await Promise.all(
      stepUps.map((stepUpToken) =>
        call(base, 'POST', '/admin/models/replica-requests/rollout', {
          token: olivia,
          body: { target_version: '1.0.0', strategy: 'promote', justification: 'first release', gate_override: true },
          headers: { 'x-step-up-token': stepUpToken },
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 202), answers.map((a) => a.text).join('\n')).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 202)) {
      expect(answer.status, answer.text).toBe(409);
      expect(answer.body.error.code).toBe('conflict');
    }
    const pending = await db.selectFrom('change_requests').select('id').where('model_id', '=', 'replica-requests').where('status', '=', 'pending').execute();
    expect(pending).toHaveLength(1);
    const requested = await db.selectFrom('audit_log').select('seq').where('action', '=', 'rollout.requested').where('target', '=', `request:${pending[0]!.id}`).execute();
    expect(requested).toHaveLength(1);
    // The 19 refused requests left their step-up tokens unspent (their transactions rolled back).
    const spent = await db.selectFrom('step_up_tokens').select('id').where('purpose', '=', 'rollout').where('used_at', 'is not', null).execute();
    expect(spent.length).toBeGreaterThan(0);
  });

  it('streams an approval made on replica A to a subscriber on replica B, and a reconnect to A replays what B missed', async () => {
    const [a, b] = replicas as [Replica, Replica];
    await modelWithCandidate(a.url, 'replica-events');
    const viewer = await login(b.url, 'olivia');
    const from = await lastEventId();
    const onB = subscribe(b.url, viewer, from);
    await eventually('the subscription on B', async () => b.output().includes('"path":"/admin/events"'));

    const request = await requestPromotion(a.url, 'replica-events');
    const ana = await login(a.url, 'ana');
    expect((await approve(a.url, ana, 'ana', request)).status).toBe(200);
    // The bus polls nothing here (BFF_EVENT_POLL_MS=0): only the NOTIFY from A's commit wakes B.
    await eventually('request.dispatched on B', async () => onB.events.some((event) => event.data.type === 'request.dispatched'));
    const seen = onB.events.map((event) => event.id);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    onB.stop();
    await onB.ended;

    // While nobody listens, A announces more; a client reconnecting to A with Last-Event-ID misses none of it.
    await modelWithCandidate(a.url, 'replica-events-2');
    const missed = await requestPromotion(a.url, 'replica-events-2');
    const onA = subscribe(a.url, viewer, Math.max(...seen));
    await eventually('the missed request on A', async () => onA.events.some((event) => event.data.type === 'approval.requested' && (event.data as { request: { id: string } }).request.id === missed.id));
    const stored = await db.selectFrom('events').select('id').where('id', '>', Math.max(...seen)).orderBy('id').execute();
    await eventually('every stored event after the last one seen', async () => onA.events.length >= stored.length);
    expect(onA.events.map((event) => event.id).slice(0, stored.length)).toEqual(stored.map((row) => row.id));
    onA.stop();
    await onA.ended;
  });

  it('loses nothing and half-writes nothing when a replica is SIGKILLed in the middle of a stream of approvals', async () => {
    const base = lb!.url;
    const models = Array.from({ length: 10 }, (_, index) => `replica-kill-${index}`);
    const requests = [];
    for (const modelId of models) {
      await modelWithCandidate(base, modelId);
      requests.push(await requestPromotion(base, modelId));
    }
    const ana = await login(base, 'ana');
    const victim = replicas[0]!;
    const stepUps: string[] = [];
    for (let i = 0; i < requests.length; i++) stepUps.push(await stepUp(base, ana, 'ana', 'approve'));
    // All approvals at once, half of them on the victim; it dies as soon as two have been answered,
    // with others still in flight (mid-transaction on the database, or not yet read).
    let answered = 0;
    const outcomes = await Promise.all(
      requests.map(async (request, index) => {
        try {
          const answer = await call(base, 'POST', `/admin/approvals/${request.id}/approve`, {
            token: ana,
            body: { intent_digest: request.intent_digest },
            headers: { 'x-step-up-token': stepUps[index]! },
          });
          return { id: request.id, status: answer.status as number | 'network' };
        } catch {
          return { id: request.id, status: 'network' as const };
        } finally {
          answered += 1;
          if (answered === 2) victim.child.kill('SIGKILL');
        }
      }),
    );
    expect(await victim.exited).toBeNull();
    // What failed, failed cleanly: a gateway error or a cut connection, never a wrong answer.
    for (const outcome of outcomes) expect([200, 502, 503, 504, 'network']).toContain(outcome.status);
    // The survivor answers: once HAProxy has marked the dead replica down, every call succeeds.
    const survivor = replicas[1]!;
    expect((await call(survivor.url, 'GET', '/healthz?ready=1')).status).toBe(200);
    await eventually('HAProxy routing only to the survivor', async () => {
      const answers = await Promise.all([0, 1, 2, 3].map(() => call(base, 'GET', '/healthz')));
      return answers.every((answer) => answer.status === 200);
    });
    // Approvals that failed in flight (if any) are retried now and go through.
    for (const outcome of outcomes.filter((o) => o.status !== 200)) {
      const request = requests.find((r) => r.id === outcome.id)!;
      const stored = await db.selectFrom('change_requests').select('status').where('id', '=', request.id).executeTakeFirstOrThrow();
      if (stored.status === 'pending') expect((await approve(base, ana, 'ana', request)).status).toBe(200);
    }

    // Every request is dispatched exactly once, with everything that belongs to a dispatch.
    for (const request of requests) {
      const stored = await db.selectFrom('change_requests').select(['status', 'model_id']).where('id', '=', request.id).executeTakeFirstOrThrow();
      expect(stored.status).toBe('dispatched');
      expect(await db.selectFrom('decisions').select('by').where('request_id', '=', request.id).execute()).toHaveLength(1);
      expect(await auditCount('request.approved', request.id)).toBe(1);
      expect(await auditCount('rollout.dispatched', request.id)).toBe(1);
      expect(await eventCount('request.dispatched', request.id)).toBe(1);
      const deployment = await db.selectFrom('deployments').selectAll().where('model_id', '=', stored.model_id).executeTakeFirstOrThrow();
      expect(deployment).toMatchObject({ stable_version: '1.0.0', state_version: 1 });
    }
    expect((await verifyAudit(db)).ok).toBe(true);
    replicas.shift();
  });
});
