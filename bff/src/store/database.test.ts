import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalMode, openDatabase, type Db } from './database.js';
import { MIGRATION_NAMES } from './migrate.js';

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'database-'));
  db = await openDatabase(join(dir, 'bff.db'));
});

afterAll(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('runs in WAL mode with every migration applied', async () => {
    expect(await journalMode(db)).toBe('wal');
    const applied = await db.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(applied.map((row) => (row as { name: string }).name)).toEqual(MIGRATION_NAMES);
    expect(MIGRATION_NAMES.slice(0, 3)).toEqual(['001-initial', '002-signing-keys', '003-one-pending-request']);
  });

  it('keeps the database and its WAL files owner-only: they hold password and token hashes', async () => {
    await db.selectFrom('users').selectAll().execute();
    for (const suffix of ['', '-wal', '-shm']) {
      expect(((await stat(join(dir, `bff.db${suffix}`))).mode & 0o777).toString(8)).toBe('600');
    }
  });

  it('opens an existing database again without migrating twice', async () => {
    const again = await openDatabase(join(dir, 'bff.db'));
    expect(await again.selectFrom('models').selectAll().execute()).toEqual([]);
    await again.destroy();
  });
});
