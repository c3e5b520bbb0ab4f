// Finding 10 of issue 11 (docs/decisions/0009-signed-audit-checkpoints.md): the chain alone verified after
// its last entries were deleted, or after the log was edited and re-chained with
// the project's own code. A signed head seen before now shows both.
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHeadSigningInput, type AuditHead, type SignedAuditHead } from '../../../shared/api/audit.js';
import { AUDIT_GENESIS_HASH } from '../../../shared/domain/audit.js';
import { auditHash } from '../../../shared/logic/audit-chain.js';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import type { JsonValue } from '../../../shared/domain/primitives.js';
import { startBff } from '../server.js';
import type { Db } from '../store/database.js';
import { startTestBff, type TestBff } from '../testing/harness.js';

let bff: TestBff;
let vera: string;
let olivia: string;

beforeAll(async () => {
  bff = await startTestBff();
  [vera, olivia] = await Promise.all([bff.login('vera'), bff.login('olivia')]).then((tokens) => tokens.map((t) => t.access_token));
});
afterAll(async () => bff?.stop());

let models = 0;
async function auditSomething(): Promise<void> {
  models += 1;
  const answer = await bff.call('POST', '/admin/models', { token: olivia, body: { id: `audit-model-${models}`, name: 'A model', type: 'LTR', owner: 'search' } });
  expect(answer.status, answer.text).toBe(201);
}

async function head(): Promise<SignedAuditHead> {
  const answer = await bff.call('GET', '/admin/audit/head', { token: vera });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as SignedAuditHead;
}

const verifyWith = async (known?: AuditHead) =>
  (await bff.call('GET', `/admin/audit/verify${known ? `?known_seq=${known.seq}&known_hash=${known.hash}` : ''}`, { token: vera })).body;

/** Rewrites every entry from `fromSeq` on with the project's own hash function, as a forger with the database would. */
async function rechain(db: Db): Promise<void> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute();
  let prev = AUDIT_GENESIS_HASH;
  for (const row of rows) {
    const entry = { seq: row.seq, at: row.at, actor: row.actor, action: row.action, target: row.target, details: JSON.parse(row.details) as Record<string, JsonValue>, prev_hash: prev };
    const hash = await auditHash(entry);
    await db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
    prev = hash;
  }
}

describe('GET /admin/audit/head', () => {
  it('is the newest entry, signed with the report-signing key over its canonical JSON', async () => {
    await auditSomething();
    const signed = await head();
    const last = await bff.ctx.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(signed.head).toMatchObject({ seq: last.seq, hash: last.hash });
    const keys = (await bff.call('GET', '/admin/keys')).body.keys as { key_id: string; public_key_pem: string }[];
    const key = keys.find((k) => k.key_id === signed.signature.key_id)!;
    const bytes = Buffer.from(canonicalJson(auditHeadSigningInput(signed.head)));
    expect(verify(null, bytes, createPublicKey(key.public_key_pem), Buffer.from(signed.signature.value, 'base64'))).toBe(true);
    expect((await bff.call('GET', '/admin/audit/head')).status).toBe(401);
  });
});

describe('GET /admin/audit/verify?known_seq=&known_hash=', () => {
  it('is ok while the known entry is there unchanged, and refuses half a checkpoint', async () => {
    const seen = (await head()).head;
    await auditSomething();
    expect(await verifyWith(seen)).toMatchObject({ ok: true, known: { seq: seen.seq, hash: seen.hash } });
    expect((await bff.call('GET', `/admin/audit/verify?known_seq=${seen.seq}`, { token: vera })).status).toBe(400);
  });

  it('says "truncated" when the last entries were deleted, though the rest still chains', async () => {
    await auditSomething();
    const seen = (await head()).head;
    await bff.ctx.db.deleteFrom('audit_log').where('seq', '>=', seen.seq - 1).execute();
    expect(await verifyWith()).toMatchObject({ ok: true }); // what the chain alone says
    expect(await verifyWith(seen)).toMatchObject({ ok: false, code: 'truncated' });
  });

  it('says "forked" when the log was edited and re-chained with the project\'s own code', async () => {
    await auditSomething();
    await auditSomething();
    const seen = (await head()).head;
    const victim = await bff.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'model.created').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await bff.ctx.db.updateTable('audit_log').set({ actor: 'somebody-else' }).where('seq', '=', victim.seq).execute();
    await rechain(bff.ctx.db);
    expect(await verifyWith()).toMatchObject({ ok: true });
    expect(await verifyWith(seen)).toMatchObject({ ok: false, code: 'forked', first_bad_seq: seen.seq });
  });
});

describe('signed eval reports', () => {
  it('carry the head at export time, covered by the report signature', async () => {
    const demo = await startTestBff({ seedDemo: true, users: [{ username: 'vera', roles: ['viewer'] }] });
    try {
      const token = (await demo.login('vera')).access_token;
      const before = (await demo.call('GET', '/admin/audit/head', { token })).body as SignedAuditHead;
      const report = await demo.call('GET', '/admin/models/ltr-ranker/eval-report', { token });
      expect(report.status).toBe(200);
      expect(report.body.report.audit_head).toMatchObject({ seq: before.head.seq, hash: before.head.hash });
    } finally {
      await demo.stop();
    }
  });
});

describe('the start-up check', () => {
  it('reports a broken chain on /healthz and keeps serving reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bff-chain-'));
    const dbFile = join(dir, 'chain.db');
    try {
      let server = await startBff({ dbFile, port: 0 });
      await server.close();
      server = await startBff({ dbFile, port: 0 });
      const healthy = async () => (await (await fetch(`${server.url}/healthz`)).json()) as { status: string; audit_chain: { status: string; first_bad_seq?: number } };
      await expect.poll(async () => (await healthy()).audit_chain.status).toBe('ok');
      expect((await healthy()).status).toBe('ok');
      await server.ctx.db.updateTable('audit_log').set({ actor: 'forger' }).where('seq', '=', 1).execute();
      await server.close();

      server = await startBff({ dbFile, port: 0 });
      await expect.poll(async () => (await healthy()).audit_chain.status).toBe('broken');
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'degraded', audit_chain: { status: 'broken', first_bad_seq: 1 } });
      expect((await fetch(`${server.url}/admin/keys`)).status).toBe(200);
      await server.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waits auditCheckDelayMs before checking (local mode), and a close meanwhile does not wait for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bff-chain-'));
    const dbFile = join(dir, 'chain.db');
    try {
      let server = await startBff({ dbFile, port: 0 });
      await server.close();
      const chain = async () => ((await (await fetch(`${server.url}/healthz`)).json()) as { audit_chain: { status: string } }).audit_chain.status;
      // A delay no test waits out: still checking, and the close cancels the wait.
      server = await startBff({ dbFile, port: 0, auditCheckDelayMs: 3_600_000 });
      expect(await chain()).toBe('checking');
      await server.close();
      server = await startBff({ dbFile, port: 0, auditCheckDelayMs: 50 });
      await expect.poll(chain).toBe('ok');
      await server.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
