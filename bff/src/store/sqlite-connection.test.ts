// The SQLite connection's lock (sqlite-connection.ts): a read that bypasses
// Kysely's executor still never runs inside another caller's open transaction
// (it waits, and then sees only what was committed), answers what Kysely's own
// path answers, and a failing statement releases the lock. On a real SQLite file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE, testDatabase } from '../testing/harness.js';
import { openDatabase, type Db } from './database.js';
import { insertModel } from './models.js';
import { firstRow, preparedQuery } from './prepared.js';
import { ConnectionLock, SqliteDb } from './sqlite-connection.js';

let dir: string;
let db: Db;

const model = (id: string) => ({ id, name: `Model ${id}`, type: 'LTR', owner: 'o', description: '', tags: [], policy: {}, created_at: '2026-01-01T00:00:00.000Z' });
const modelById = preparedQuery((db: Db, id: string) => db.selectFrom('models').select(['id', 'name']).where('id', '=', id));
const modelIds = preparedQuery((db: Db, owner: string) => db.selectFrom('models').select('id').where('owner', '=', owner).orderBy('id'));

/** Resolves after other callbacks queued now (timers included) have run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sqlite-connection-'));
  db = await openDatabase(await testDatabase(dir, 'lock.db'));
  await insertModel(db, model('m-1'));
});

afterAll(async () => {
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('ConnectionLock', () => {
  it('serves waiters first come first served and hands the lock straight to the next one', async () => {
    const lock = new ConnectionLock();
    const order: string[] = [];
    expect(lock.tryAcquire()).toBe(true);
    const first = lock.acquire().then(() => order.push('first'));
    const second = lock.acquire().then(() => order.push('second'));
    lock.release();
    // Handed over: taken by the first waiter before it has even run, so nobody can slip in.
    expect(lock.held).toBe(true);
    expect(lock.tryAcquire()).toBe(false);
    await first;
    lock.release();
    await second;
    lock.release();
    expect(order).toEqual(['first', 'second']);
    expect(lock.held).toBe(false);
    expect(lock.tryAcquire()).toBe(true);
  });
});

describe('the database', () => {
  const onSqlite = () => TEST_ENGINE === 'sqlite';

  it('is opened as a SqliteDb on SQLite', () => {
    expect(db instanceof SqliteDb).toBe(onSqlite());
  });

  it('answers a prepared read as Kysely builds and runs it', async () => {
    const built = await db.selectFrom('models').select(['id', 'name']).where('id', '=', 'm-1').execute();
    expect((await db.executeQuery(modelById(db, 'm-1'))).rows).toEqual(built);
    // Exactly the selected columns (libsql's get adds a `_metadata` of its own).
    expect(Object.keys((await firstRow(db, modelById(db, 'm-1')))!)).toEqual(['id', 'name']);
    expect(await firstRow(db, modelById(db, 'm-1'))).toEqual(built[0]);
    expect(await firstRow(db, modelById(db, 'nope'))).toBeUndefined();
  });

  it('runs a compiled write as Kysely does (affected rows, no rows)', async () => {
    const result = await db.executeQuery(db.updateTable('models').set({ description: 'd' }).where('id', '=', 'm-1').compile());
    expect(result.numAffectedRows).toBe(1n);
    expect(result.rows).toEqual([]);
  });

  for (const [outcome, commit] of [
    ['committed', true],
    ['rolled back', false],
  ] as const) {
    it.skipIf(!onSqlite())(`keeps a read out of an open transaction: it waits, then sees only what was ${outcome}`, async () => {
      const id = `m-${outcome.replace(' ', '-')}`;
      let reads: Promise<[string[], { id: string } | undefined]> | undefined;
      let readDone = false;
      const transaction = db
        .transaction()
        .execute(async (trx) => {
          await insertModel(trx, model(id));
          // Issued while the transaction holds the connection, outside it.
          reads = Promise.all([
            db.executeQuery(modelIds(db, 'o')).then((result) => result.rows.map((row) => row.id)),
            firstRow(db, modelById(db, id)),
          ]).finally(() => (readDone = true));
          await settle();
          expect(readDone).toBe(false);
          if (!commit) throw new Error('roll back');
        })
        .catch((error: Error) => {
          if (error.message !== 'roll back') throw error;
        });
      await transaction;
      const [ids, found] = await reads!;
      expect(ids.includes(id)).toBe(commit);
      expect(found?.id).toBe(commit ? id : undefined);
    });
  }

  it.skipIf(!onSqlite())('releases the lock when a statement fails', async () => {
    await expect(db.executeQuery(CompiledQuery.raw('select * from no_such_table'))).rejects.toThrow(/no_such_table/);
    await expect(firstRow(db, CompiledQuery.raw('select * from no_such_table'))).rejects.toThrow(/no_such_table/);
    expect((await db.executeQuery(modelById(db, 'm-1'))).rows).toHaveLength(1);
    expect(await db.selectFrom('models').select('id').where('id', '=', 'm-1').executeTakeFirst()).toEqual({ id: 'm-1' });
  });
});
