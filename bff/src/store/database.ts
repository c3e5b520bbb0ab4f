// Opens the BFF's SQLite database through libsql (N-API: loads unchanged in
// Node and in Electron's main process) behind Kysely, migrated to the latest schema.
import { closeSync, openSync } from 'node:fs';
import Database from 'libsql';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { DB } from './schema.js';
import { migrateToLatest } from './migrate.js';

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

export async function openDatabase(file: string): Promise<Db> {
  createPrivately(file);
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({
      database: () => {
        const connection = new Database(file);
        // WAL lets readers proceed during a write; the busy timeout covers a
        // second process (e.g. the verify-audit CLI) holding the lock briefly.
        connection.pragma('journal_mode = WAL');
        connection.pragma('foreign_keys = ON');
        connection.pragma('busy_timeout = 5000');
        connection.pragma('synchronous = NORMAL');
        // The -wal and -shm files copy the database file's mode.
        return Promise.resolve(connection);
      },
    }),
  });
  await migrateToLatest(db as unknown as Kysely<unknown>);
  return db;
}

export async function journalMode(db: Db): Promise<string> {
  const result = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
  return result.rows[0]?.journal_mode ?? 'unknown';
}
