// Prepared statements (prepared.ts) answer what the same query built afresh
// answers, for each call's own arguments, on SQLite and (bff-pg) PostgreSQL;
// a builder that does not bind an argument as a parameter is refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../testing/harness.js';
import { openDatabase, type Db } from './database.js';
import { insertModel } from './models.js';
import { preparedQuery, preparedStatement } from './prepared.js';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prepared-'));
  db = await openDatabase(await testDatabase(dir, 'prepared.db'));
  for (const [index, type] of ['LTR', 'RAG', 'LTR'].entries()) {
    await insertModel(db, { id: `m-${index}`, name: `Model ${index}`, type, owner: 'o', description: '', tags: [], policy: {}, created_at: `2026-01-0${index + 1}T00:00:00.000Z` });
  }
});

afterAll(async () => {
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('prepared statements', () => {
  const byTypeSince = preparedQuery((db: Db, type: string, since: string) =>
    db.selectFrom('models').select('id').where('type', '=', type).where('created_at', '>=', since).where('owner', '=', 'o').orderBy('id'),
  );
  const ids = async (compiled: ReturnType<typeof byTypeSince>) => (await db.executeQuery(compiled)).rows.map((row) => row.id);

  it("fill each call's arguments into the one compiled text, beside the builder's own constants", async () => {
    const first = byTypeSince(db, 'LTR', '2026-01-01T00:00:00.000Z');
    const second = byTypeSince(db, 'RAG', '2026-01-01T00:00:00.000Z');
    expect(second.sql).toBe(first.sql);
    expect(await ids(first)).toEqual(['m-0', 'm-2']);
    expect(await ids(second)).toEqual(['m-1']);
    expect(await ids(byTypeSince(db, 'LTR', '2026-01-02T00:00:00.000Z'))).toEqual(['m-2']);
    expect(first.parameters).toContain('o');
  });

  it('keep one text per shape', async () => {
    const page = preparedStatement(
      (shape: { newestFirst: boolean }) => String(shape.newestFirst),
      (db: Db, shape: { newestFirst: boolean }, args: readonly unknown[]) =>
        db
          .selectFrom('models')
          .select('id')
          .orderBy('id', shape.newestFirst ? 'desc' : 'asc')
          .limit(args[0] as number),
    );
    expect(await ids(page(db, { newestFirst: true }, [2]))).toEqual(['m-2', 'm-1']);
    expect(await ids(page(db, { newestFirst: false }, [1]))).toEqual(['m-0']);
  });

  it('refuse a builder that inlines an argument instead of binding it', () => {
    const inlined = preparedQuery((db: Db, id: string) => db.selectFrom('models').select('id').where('id', '=', sql.lit(String(id))));
    expect(() => inlined(db, 'm-0')).toThrow(/bound 0 of its 1 arguments/);
  });
});
