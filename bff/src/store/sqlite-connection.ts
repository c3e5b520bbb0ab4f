// The BFF's one SQLite connection behind Kysely (docs/decisions/0013-registry-read-path.md).
// Every statement on it runs under one lock, as with Kysely's own SqliteDriver: a read
// never runs inside another request's open transaction. What differs is the cost of a
// statement outside a transaction when nobody holds the lock: Kysely's executor takes
// and releases the lock through a chain of about ten promises and asks libsql whether
// the statement returns rows (a native call) every time; here such a statement takes
// the free lock, runs and releases it in one synchronous step, and whether a statement
// returns rows is remembered with the prepared statement. Profiles of the registry's
// reads put this chain, per query, among the fixed cost of every request (issue 12).
import type Database from 'libsql';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type Compilable, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';
import type { DB } from './schema.js';

/**
 * One holder at a time, first come first served. Released with waiters, the lock
 * passes straight to the next one (it is never free in between), so a synchronous
 * statement cannot slip in ahead of a transaction that was waiting.
 */
export class ConnectionLock {
  #held = false;
  readonly #waiters: (() => void)[] = [];

  /** Takes the lock if it is free, at once. */
  tryAcquire(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }

  get held(): boolean {
    return this.#held;
  }
}

/** Prepared statements kept per connection (distinct SQL texts; the BFF has a few hundred). */
const STATEMENT_CACHE_SIZE = 500;

interface CachedStatement {
  statement: Database.Statement;
  /** Whether it returns rows: fixed by its SQL text, so asked once. */
  reader: boolean;
}

/**
 * The connection Kysely's queries run on. Prepared statements are reused:
 * Kysely prepares every query it runs, and preparing cost as much as running
 * a registry page's query (issue 12). A libsql statement is reset at each run,
 * so reuse is safe for these run-to-completion calls; SQLite re-prepares it by
 * itself after a schema change. Least recently used texts leave first.
 */
class SqliteConnection implements DatabaseConnection {
  readonly #database: Database.Database;
  readonly #statements = new Map<string, CachedStatement>();

  constructor(database: Database.Database) {
    this.#database = database;
  }

  #prepare(text: string): CachedStatement {
    let cached = this.#statements.get(text);
    if (cached) {
      this.#statements.delete(text);
    } else {
      const statement = this.#database.prepare(text);
      cached = { statement, reader: statement.reader };
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!);
    }
    this.#statements.set(text, cached);
    return cached;
  }

  /** What Kysely's SqliteConnection does with a statement, synchronously. */
  run<R>(compiled: CompiledQuery): QueryResult<R> {
    const { statement, reader } = this.#prepare(compiled.sql);
    if (reader) return { rows: statement.all(compiled.parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(compiled.parameters);
    return {
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
      rows: [],
    };
  }

  /** The first row of a statement that returns rows (libsql's get: one call into the driver instead of two). */
  first<R>(compiled: CompiledQuery): R | undefined {
    const { statement, reader } = this.#prepare(compiled.sql);
    if (!reader) throw new Error('first() is for statements that return rows');
    const found = statement.get(compiled.parameters) as (R & { _metadata?: unknown }) | undefined;
    if (!found) return undefined;
    // libsql's get adds its timing as `_metadata`: the row is the statement's columns, as all() gives them.
    const { _metadata, ...row } = found;
    return row as R;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.run<R>(compiled));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { statement, reader } = this.#prepare(compiled.sql);
    if (!reader) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of statement.iterate(compiled.parameters)) yield { rows: [row as R] };
  }

  /**
   * Folds the WAL into the database file first: the cached statements keep
   * SQLite's own checkpoint-on-close from running, which left every commit in
   * the -wal file and a database file that, copied alone (a backup), was empty.
   */
  close(): void {
    try {
      this.#database.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Busy (another process reading): the WAL stays and SQLite replays it at the next open.
    }
    this.#database.close();
  }
}

/**
 * Kysely's SqliteDriver (its transactions and savepoints) on this module's
 * connection and lock: Kysely's statements take the lock as before, and
 * runIfFree lets a single statement run at once when nobody holds it.
 */
class LockedSqliteDriver extends SqliteDriver implements Driver {
  readonly #open: () => Database.Database;
  readonly #lock = new ConnectionLock();
  #connection: SqliteConnection | undefined;
  #destroyed = false;

  constructor(open: () => Database.Database) {
    super({ database: () => Promise.reject(new Error('opened by LockedSqliteDriver')) });
    this.#open = open;
  }

  override async init(): Promise<void> {
    this.#connection = new SqliteConnection(this.#open());
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.acquire();
    if (!this.#connection) {
      this.#lock.release();
      throw new Error('the database is closed');
    }
    return this.#connection;
  }

  override async releaseConnection(): Promise<void> {
    this.#lock.release();
  }

  override async destroy(): Promise<void> {
    this.#destroyed = true;
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.close();
  }

  /** The statement's first row if the lock was free (taken and released around it), else undefined. */
  firstIfFree<R>(compiled: CompiledQuery): Promise<R | undefined> | undefined {
    const connection = this.#connection;
    if (!connection || this.#destroyed || !this.#lock.tryAcquire()) return undefined;
    try {
      return Promise.resolve(connection.first<R>(compiled));
    } catch (error) {
      return Promise.reject(error as Error);
    } finally {
      this.#lock.release();
    }
  }

  /** The statement's result if the lock was free (taken and released around it), else undefined. */
  runIfFree<R>(compiled: CompiledQuery): Promise<QueryResult<R>> | undefined {
    const connection = this.#connection;
    if (!connection || this.#destroyed || !this.#lock.tryAcquire()) return undefined;
    try {
      return Promise.resolve(connection.run<R>(compiled));
    } catch (error) {
      return Promise.reject(error as Error);
    } finally {
      this.#lock.release();
    }
  }
}

class LockedSqliteDialect extends SqliteDialect {
  readonly #driver: LockedSqliteDriver;
  constructor(driver: LockedSqliteDriver) {
    super({ database: () => Promise.reject(new Error('opened by LockedSqliteDriver')) });
    this.#driver = driver;
  }
  override createDriver(): Driver {
    return this.#driver;
  }
}

function isCompilable(query: unknown): query is Compilable {
  return typeof (query as Partial<Compilable> | null)?.compile === 'function';
}

/**
 * The BFF's Kysely instance on SQLite. A compiled query passed to executeQuery
 * (the prepared reads of store/prepared.ts) runs synchronously under the
 * connection's lock when the lock is free, and through Kysely's executor (which
 * waits for the lock) when it is not. No plugins: a result is what the
 * connection returned, as Kysely would pass it on. Transactions and any
 * instance derived from this one (withPlugin, transaction, connection) are
 * plain Kysely instances on the same driver.
 */
export class SqliteDb extends Kysely<DB> {
  readonly #driver: LockedSqliteDriver;

  constructor(open: () => Database.Database) {
    const driver = new LockedSqliteDriver(open);
    super({ dialect: new LockedSqliteDialect(driver) });
    this.#driver = driver;
  }

  override executeQuery<R>(query: CompiledQuery<R> | Compilable<R>, queryId?: Parameters<Kysely<DB>['executeQuery']>[1]): Promise<QueryResult<R>> {
    if (queryId === undefined && !isCompilable(query)) {
      const result = this.#driver.runIfFree<R>(query);
      if (result) return result;
    }
    return super.executeQuery(query, queryId);
  }

  /** The first row of a compiled read: as executeQuery's first row, without reading the others. */
  async firstRow<R>(query: CompiledQuery<R>): Promise<R | undefined> {
    const first = this.#driver.firstIfFree<R>(query);
    if (first) return first;
    return (await super.executeQuery(query)).rows[0];
  }
}
