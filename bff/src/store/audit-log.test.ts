import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { AuditAction } from '../../../shared/domain/audit.js';
import { verifyChain } from '../../../shared/logic/audit-chain.js';
import { verifyAuditCommand, type CliIo } from '../cli.js';
import { testDatabase } from '../testing/harness.js';
import { openDatabase, type Db } from './database.js';
import { appendAudit, listAudit, verifyAudit, type NewAuditEntry } from './audit-log.js';

let dir: string;
let db: Db;
let dbFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-test-'));
  dbFile = await testDatabase(dir, 'audit.db');
  db = await openDatabase(dbFile);
});
afterAll(async () => {
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
});

function cliIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    readStdin: async () => '',
    env: {},
    now: () => new Date(),
  };
}

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

describe('audit log', () => {
  it('chains appended entries, verifies, lists newest first with filters and cursors', async () => {
    expect(await verifyAudit(db)).toEqual({ ok: true, entries: 0 });
    for (let i = 1; i <= 7; i += 1) {
      await appendAudit(db, {
        at: at(i),
        actor: i % 2 ? 'olivia' : 'arjun',
        action: i <= 3 ? 'rollout.requested' : 'request.approved',
        target: i === 5 ? 'request:req_abcdefgh' : `model:${i % 3 ? 'ltr' : 'emb'}`,
        details: i === 5 ? { model_id: 'ltr', note: 'ünïcödé', nested: { b: 1, a: [1, null] } } : { i },
      });
    }
    expect(await verifyAudit(db)).toEqual({ ok: true, entries: 7 });

    const all = await listAudit(db, { limit: 50 });
    expect(all.items.map((e) => e.seq)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(all.next_cursor).toBeNull();
    expect(all.items[6]!.prev_hash).toBe('0'.repeat(64));
    expect(all.items[0]!.prev_hash).toBe(all.items[1]!.hash);
    // The same chain verifies with the shared verifier every client uses.
    expect(await verifyChain([...all.items].reverse())).toMatchObject({ ok: true, entries: 7 });

    const page1 = await listAudit(db, { limit: 3 });
    expect(page1.items.map((e) => e.seq)).toEqual([7, 6, 5]);
    const page2 = await listAudit(db, { limit: 3, cursor: page1.next_cursor! });
    expect(page2.items.map((e) => e.seq)).toEqual([4, 3, 2]);
    const page3 = await listAudit(db, { limit: 3, cursor: page2.next_cursor! });
    expect(page3.items.map((e) => e.seq)).toEqual([1]);
    expect(page3.next_cursor).toBeNull();

    expect((await listAudit(db, { actor: 'arjun', limit: 50 })).items.map((e) => e.seq)).toEqual([6, 4, 2]);
    expect((await listAudit(db, { action: 'rollout.requested', limit: 50 })).items.map((e) => e.seq)).toEqual([3, 2, 1]);
    // model:ltr targets, plus the request entry that names ltr in its details.
    expect((await listAudit(db, { model_id: 'ltr', limit: 50 })).items.map((e) => e.seq)).toEqual([7, 5, 4, 2, 1]);
    await expect(listAudit(db, { limit: 5, cursor: 'abc' })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('takes only actions from the shared list (a compile error otherwise)', () => {
    expectTypeOf<NewAuditEntry['action']>().toEqualTypeOf<AuditAction>();
    const entry = { at: at(0), actor: 'olivia', action: 'rollout.approved', target: 'model:ltr', details: {} } as const;
    // @ts-expect-error 'rollout.approved' is not an audit action ('request.approved' is)
    const unlisted = () => appendAudit(db, entry);
    expect(unlisted).toBeTypeOf('function');
  });

  it('appends inside the caller transaction: a rollback leaves no entry and no gap', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await appendAudit(trx, { at: at(20), actor: 'olivia', action: 'rollout.requested', target: 'model:ltr', details: {} });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await verifyAudit(db)).toEqual({ ok: true, entries: 7 });
  });

  it('keeps one chain under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => appendAudit(db, { at: at(30 + i), actor: 'ada', action: 'serving.set', target: 't', details: { i } })),
    );
    expect(await verifyAudit(db)).toEqual({ ok: true, entries: 17 });
  });

  it('names the first altered entry, through the store and the CLI', async () => {
    const ok = cliIo();
    expect(await verifyAuditCommand(dbFile, ok)).toBe(0);
    expect(ok.lines[0]).toBe('OK: audit chain verified, 17 entries');

    await sql`update audit_log set details = ${JSON.stringify({ i: 999 })} where seq = 4`.execute(db);
    expect(await verifyAudit(db)).toEqual({ ok: false, entries: 17, first_bad_seq: 4 });
    const broken = cliIo();
    expect(await verifyAuditCommand(dbFile, broken)).toBe(1);
    expect(broken.lines[0]).toContain('seq 4');

    // Re-hashing the altered row does not help: the next entry's prev_hash no longer matches.
    await sql`update audit_log set hash = ${'f'.repeat(64)} where seq = 4`.execute(db);
    expect((await verifyAudit(db)).first_bad_seq).toBe(4);
  });

  it('names a deleted entry by its missing seq', async () => {
    const dir2 = await mkdtemp(join(tmpdir(), 'audit-test-'));
    const db2 = await openDatabase(await testDatabase(dir2, 'a.db'));
    try {
      for (let i = 1; i <= 4; i += 1) await appendAudit(db2, { at: at(i), actor: 'a', action: 'auth.login', target: 'c', details: {} });
      await sql`delete from audit_log where seq = 2`.execute(db2);
      expect(await verifyAudit(db2)).toEqual({ ok: false, entries: 3, first_bad_seq: 2 });
      await sql`delete from audit_log where seq = 1`.execute(db2);
      expect(await verifyAudit(db2)).toEqual({ ok: false, entries: 2, first_bad_seq: 1 });
    } finally {
      await db2.destroy();
      await rm(dir2, { recursive: true, force: true });
    }
  });
});
