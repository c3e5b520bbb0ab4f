import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE, testDatabase } from '../testing/harness.js';
import { connectDatabase, journalMode, openDatabase, type Db } from './database.js';
import { engineOf } from './engine.js';
import { MIGRATION_NAMES, migrateToLatest, migrationStatus } from './migrate.js';
import { createUser, findUserByUsername } from './users.js';

let dir: string;
let location: string;
let db: Db;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'database-'));
  location = await testDatabase(dir, 'bff.db');
  db = await openDatabase(location);
});

afterAll(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('applies every migration, in order', async () => {
    const applied = await db.selectFrom('kysely_migration' as never).select('name' as never).orderBy('name' as never).execute();
    expect(applied.map((row) => (row as { name: string }).name)).toEqual([...MIGRATION_NAMES]);
    expect(MIGRATION_NAMES).toEqual(expect.arrayContaining(['001-initial', '003-one-pending-request', '040-auth-rate-windows', '041-sealed-signing-keys']));
  });

  it('names every migration after the ones already shipped, so an upgraded database migrates', () => {
    // The migrator refuses a database whose applied names are not a prefix of the list:
    // a migration numbered into a gap (011 after 041 shipped) would stop every upgrade.
    const shipped = ['001-initial', '002-signing-keys', '003-one-pending-request', '010-serving-dispatch', '020-service-accounts',
      '021-sessions-and-totp-steps', '022-policy-changes', '030-idempotency-secrets', '031-idempotency-lease', '040-auth-rate-windows',
      '041-sealed-signing-keys', '050-model-summaries', '051-version-sort-key', '060-canary-analysis', '061-request-online-analysis',
      '062-idp-users', '063-idp-step-up-nonce-pruning', '064-model-search-text', '065-policy-change-online-gate'];
    expect(MIGRATION_NAMES.slice(0, shipped.length)).toEqual(shipped);
    expect([...MIGRATION_NAMES].sort()).toEqual([...MIGRATION_NAMES]);
  });

  it.runIf(TEST_ENGINE === 'sqlite')('runs SQLite in WAL mode', async () => {
    expect(await journalMode(db)).toBe('wal');
  });

  it.runIf(TEST_ENGINE === 'sqlite')('keeps the database and its WAL files owner-only: they hold password and token hashes', async () => {
    await db.selectFrom('users').selectAll().execute();
    for (const suffix of ['', '-wal', '-shm']) {
      expect(((await stat(join(dir, `bff.db${suffix}`))).mode & 0o777).toString(8)).toBe('600');
    }
  });

  it.runIf(TEST_ENGINE === 'sqlite')('leaves every commit in the database file when closed, so that a copy of that file alone (a backup) has them', async () => {
    const file = join(dir, 'closed.db');
    const closing = await openDatabase(file);
    await createUser(closing, { username: 'kept', displayName: 'K', password: 'long-enough-1', roles: ['viewer'] }, new Date('2026-03-01T10:00:00.000Z'));
    await closing.destroy();
    const copyDir = await mkdtemp(join(tmpdir(), 'database-copy-'));
    try {
      await copyFile(file, join(copyDir, 'copy.db'));
      const copy = await openDatabase(join(copyDir, 'copy.db'));
      expect((await findUserByUsername(copy, 'kept'))?.user.username).toBe('kept');
      await copy.destroy();
    } finally {
      await rm(copyDir, { recursive: true, force: true });
    }
  });

  it('opens an existing database again without migrating twice', async () => {
    const again = await openDatabase(location);
    expect(await again.selectFrom('models').selectAll().execute()).toEqual([]);
    await again.destroy();
  });

  it('talks to the engine the run asked for', () => {
    expect(engineOf(db)).toBe(TEST_ENGINE);
  });

  it('round-trips integers, counts, flags, instants and JSON text to the same JavaScript values on both engines', async () => {
    const at = new Date('2026-03-01T10:00:00.123Z');
    const user = await createUser(db, { username: 'types', displayName: 'T', password: 'long-enough-1', roles: ['viewer', 'operator'] }, at);
    // No code path disables an account yet (an admin does it in the database): the flag is written as they would.
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', user.id).execute();
    const stored = await findUserByUsername(db, 'types');
    expect(stored).toMatchObject({ disabled: true, failedLogins: 0, lockedUntil: null, createdAt: '2026-03-01T10:00:00.123Z' });
    expect(stored!.user.roles).toEqual(['viewer', 'operator']);
    const row = await db.selectFrom('users').select(['disabled', 'failed_logins']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ disabled: 1, failed_logins: 0 });
    const count = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    // PostgreSQL counts are int8, returned as strings unless parsed: the pool parses them to numbers.
    expect(count.n).toBe(1);
    const event = await db.insertInto('events').values({ at: at.toISOString(), type: 't', payload: '{"a":[1,true,null]}' }).returning('id').executeTakeFirstOrThrow();
    expect(typeof event.id).toBe('number');
    const back = await db.selectFrom('events').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(JSON.parse(back.payload)).toEqual({ a: [1, true, null] });
  });

  it('orders text byte-wise on both engines (ids, instants and cursors compare as SQLite compares them)', async () => {
    const rows = ['b', 'a-b', 'ab', 'A', '_x', 'a_b'];
    for (const [index, type] of rows.entries()) {
      await db.insertInto('events').values({ at: `2026-01-01T00:00:0${index}.000Z`, type, payload: '{}' }).execute();
    }
    const ordered = await db.selectFrom('events').select('type').where('type', 'in', rows).orderBy('type').execute();
    expect(ordered.map((row) => row.type)).toEqual([...rows].sort());
  });

  it('finds a current schema with one query; any other applied list still goes to the migrator and its checks', async () => {
    expect(await migrateToLatest(db as never)).toEqual([]);
    // A migration this build does not know (a newer build ran here): not "current", and the migrator refuses it.
    const row = { name: '999-from-a-newer-build', timestamp: new Date().toISOString() };
    await db.insertInto('kysely_migration' as never).values(row as never).execute();
    try {
      expect((await migrationStatus(db as never)).current).toBe(true);
      await expect(migrateToLatest(db as never)).rejects.toThrow(/database migration failed/);
    } finally {
      await db.deleteFrom('kysely_migration' as never).where('name' as never, '=', row.name as never).execute();
    }
    expect(await migrateToLatest(db as never)).toEqual([]);
  });

  it('reports the migration state /healthz shows', async () => {
    expect(await migrationStatus(db as never)).toEqual({ current: true, applied: MIGRATION_NAMES.length, expected: MIGRATION_NAMES.length });
  });

  it.runIf(TEST_ENGINE === 'postgres')('migrates once when three servers open an empty database at the same moment', async () => {
    const empty = await testDatabase(dir, 'race.db');
    const servers = [connectDatabase(empty), connectDatabase(empty), connectDatabase(empty)];
    try {
      const applied = await Promise.all(servers.map((server) => migrateToLatest(server as never)));
      expect(applied.filter((names) => names.length > 0)).toEqual([[...MIGRATION_NAMES]]);
      for (const server of servers) expect((await migrationStatus(server as never)).current).toBe(true);
    } finally {
      await Promise.all(servers.map((server) => server.destroy()));
    }
  });
});
