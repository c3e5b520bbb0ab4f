// Opens the BFF's database behind Kysely, migrated to the latest schema: a
// SQLite file through libsql (N-API: loads unchanged in Node and in
// Electron's main process), the default, or PostgreSQL through a `pg` pool
// when the location is a postgres:// URL (several replicas on one database).
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import Database from 'libsql';
import type pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, PostgresDriver, sql, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely';
import type { DB } from './schema.js';
import { migrateToLatest } from './migrate.js';
import { PG_LOCK, isPostgresUrl } from './engine.js';
import { SqliteDb } from './sqlite-connection.js';

export type Db = Kysely<DB>;

/** Creates the file owner-only (0600) before SQLite does: it holds password and token hashes. */
function createPrivately(file: string): void {
  if (file === ':memory:') return;
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function openSqlite(file: string): Db {
  createPrivately(file);
  // One connection, its statement cache and its lock: store/sqlite-connection.ts.
  return new SqliteDb(() => {
    const connection = new Database(file);
    // WAL lets readers proceed during a write; the busy timeout covers a
    // second process (e.g. the verify-audit CLI) holding the lock briefly.
    connection.pragma('journal_mode = WAL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 5000');
    connection.pragma('synchronous = NORMAL');
    // The -wal and -shm files copy the database file's mode.
    return connection;
  });
}

/**
 * Every explicit transaction on PostgreSQL first takes one transaction-level
 * advisory lock, so transactions run one at a time across all replicas, as
 * they do on SQLite (one writer). Nearly every transaction appends to the
 * audit chain, which must be serialized until commit anyway; taking that lock
 * first, before any row lock, means two transactions can never wait on each
 * other in a cycle (no deadlocks), and event ids are handed out in commit
 * order (the event stream never skips a late-committing lower id).
 * Single statements outside a transaction (reads, idempotency reservations,
 * rate-limit counters) do not wait for it.
 */
class SerializedTransactionsDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await super.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw(`select pg_advisory_xact_lock(${PG_LOCK.WRITES})`));
  }
}

class SerializedPostgresDialect extends PostgresDialect {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    super({ pool });
    this.#pool = pool;
  }
  override createDriver(): Driver {
    return new SerializedTransactionsDriver({ pool: this.#pool });
  }
}

/**
 * The PostgreSQL driver, loaded when a postgres:// location is opened: SQLite (local
 * mode, a small team) never pays for loading it (issue 12: local mode's start). pg is
 * CommonJS, so a synchronous require keeps connectDatabase synchronous.
 */
export function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg;
}

/** int8 (counts, bigint columns) as a JS number, as SQLite returns it; our values stay far below 2^53. */
function pgTypes(driver: typeof pg): { getTypeParser: typeof pg.types.getTypeParser } {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === driver.types.builtins.INT8 ? (value: string) => Number(value) : driver.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
}

export interface PostgresPoolOptions {
  /** Connections per process (BFF_DATABASE_POOL_MAX, default 10). */
  max?: number;
  onError?: (error: Error) => void;
}

function openPostgres(url: string, options: PostgresPoolOptions = {}): Db {
  const driver = loadPg();
  const pool = new driver.Pool({
    connectionString: url,
    max: options.max ?? (Number(process.env.BFF_DATABASE_POOL_MAX) || 10),
    types: pgTypes(driver),
    application_name: 'modelops-bff',
    // A replica that stops mid-transaction (frozen, cut off) must not hold the write lock for ever.
    idle_in_transaction_session_timeout: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool replaces it and the next query reports any lasting failure.
  pool.on('error', options.onError ?? (() => undefined));
  return new Kysely<DB>({ dialect: new SerializedPostgresDialect(pool) });
}

/** Opens without migrating: a SQLite file path, or a postgres:// URL. */
export function connectDatabase(location: string, options: PostgresPoolOptions = {}): Db {
  return isPostgresUrl(location) ? openPostgres(location, options) : openSqlite(location);
}

/** Opens and migrates to the latest schema (runs once even when several replicas start together). */
export async function openDatabase(location: string, options: PostgresPoolOptions = {}): Promise<Db> {
  const db = connectDatabase(location, options);
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

export async function journalMode(db: Db): Promise<string> {
  const result = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
  return result.rows[0]?.journal_mode ?? 'unknown';
}
