// Opens the BFF's SQLite database through libsql (N-API: loads unchanged in
// Node and in Electron's main process) behind Kysely, migrated to the latest schema.
import Database from 'libsql';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { DB } from './schema.js';
import { migrateToLatest } from './migrate.js';

export type Db = Kysely<DB>;

export async function openDatabase(file: string): Promise<Db> {
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
