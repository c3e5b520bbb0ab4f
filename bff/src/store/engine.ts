// Which database engine a Kysely instance (or transaction) talks to, for the
// few places where SQLite and PostgreSQL need different SQL side by side.
import { PostgresAdapter, type Kysely } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** `postgres://` or `postgresql://`: a PostgreSQL connection string; anything else is a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works for any schema, migrations included
export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Advisory lock keys (PostgreSQL). WRITES serializes every explicit
 * transaction across replicas (see database.ts); MIGRATIONS keeps two
 * replicas starting at once from migrating twice.
 */
export const PG_LOCK = {
  WRITES: 7_237_001_301,
  MIGRATIONS: 7_237_001_302,
} as const;

/** Hides credentials when a connection string is logged or shown. */
export function redactLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparsable)';
  }
}
