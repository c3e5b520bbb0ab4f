// Versioned, forward-only migrations, run at every start before the server
// listens (and by `bff migrate`). The same list runs on SQLite and PostgreSQL.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/001-initial.js';
import * as signingKeys from './migrations/002-signing-keys.js';
import * as onePendingRequest from './migrations/003-one-pending-request.js';
import * as servingDispatch from './migrations/010-serving-dispatch.js';
import * as serviceAccounts from './migrations/020-service-accounts.js';
import * as sessionsAndTotpSteps from './migrations/021-sessions-and-totp-steps.js';
import * as policyChanges from './migrations/022-policy-changes.js';
import * as idempotencySecrets from './migrations/030-idempotency-secrets.js';
import * as idempotencyLease from './migrations/031-idempotency-lease.js';
import * as authRateWindows from './migrations/040-auth-rate-windows.js';
import * as sealedSigningKeys from './migrations/041-sealed-signing-keys.js';
import * as modelSummaries from './migrations/050-model-summaries.js';
import * as versionSortKey from './migrations/051-version-sort-key.js';
import * as canaryAnalysis from './migrations/060-canary-analysis.js';
import * as requestOnlineAnalysis from './migrations/061-request-online-analysis.js';
import * as idpUsers from './migrations/062-idp-users.js';
import * as idpStepUpNoncePruning from './migrations/063-idp-step-up-nonce-pruning.js';
import * as modelSearchText from './migrations/064-model-search-text.js';
import * as policyChangeOnlineGate from './migrations/065-policy-change-online-gate.js';
import * as storedJsonTexts from './migrations/066-stored-json-texts.js';
import { PG_LOCK, engineOf } from './engine.js';

// Migrations are listed in code (not read from a folder) so the same list
// works from source under tsx and bundled into Electron's main process.
// A new migration's name must sort after every name already shipped: the
// migrator refuses a database whose applied list is not a prefix of this one,
// so a gap-filling number (say 011 after 041 shipped) would stop every upgrade.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-signing-keys': signingKeys,
  '003-one-pending-request': onePendingRequest,
  '010-serving-dispatch': servingDispatch,
  '020-service-accounts': serviceAccounts,
  '021-sessions-and-totp-steps': sessionsAndTotpSteps,
  '022-policy-changes': policyChanges,
  '030-idempotency-secrets': idempotencySecrets,
  '031-idempotency-lease': idempotencyLease,
  '040-auth-rate-windows': authRateWindows,
  '041-sealed-signing-keys': sealedSigningKeys,
  '050-model-summaries': modelSummaries,
  '051-version-sort-key': versionSortKey,
  '060-canary-analysis': canaryAnalysis,
  '061-request-online-analysis': requestOnlineAnalysis,
  '062-idp-users': idpUsers,
  '063-idp-step-up-nonce-pruning': idpStepUpNoncePruning,
  '064-model-search-text': modelSearchText,
  '065-policy-change-online-gate': policyChangeOnlineGate,
  '066-stored-json-texts': storedJsonTexts,
};

/** Every migration's name, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

class InlineMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

async function runMigrator(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InlineMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`database migration failed: ${error instanceof Error ? error.message : String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Applies the migrations up to and including `name` and no further: a
 * database as an older build left it, for the tests of a later migration's
 * backfill (migrateToLatest then runs the rest, as an upgrade does).
 */
export async function migrateUpTo(db: Kysely<unknown>, name: string): Promise<void> {
  if (!(name in MIGRATIONS)) throw new Error(`no migration ${name}`);
  const { error } = await new Migrator({ db, provider: new InlineMigrationProvider() }).migrateTo(name);
  if (error) throw new Error(`database migration failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** The names of the applied migrations in order, or null when there is no bookkeeping table yet. */
async function appliedMigrations(db: Kysely<unknown>): Promise<string[] | null> {
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    return rows.rows.map((row) => row.name);
  } catch {
    return null;
  }
}

/** Exactly this build's list, in order: nothing to do (anything else is the migrator's to judge). */
async function schemaIsCurrent(db: Kysely<unknown>): Promise<boolean> {
  const applied = await appliedMigrations(db);
  return applied !== null && applied.length === MIGRATION_NAMES.length && applied.every((name, index) => name === MIGRATION_NAMES[index]);
}

/**
 * Applies the pending migrations and returns their names (empty when the
 * schema was current). A current schema costs one query: the migrator (its
 * bookkeeping tables, lock and checks, about 15 ms of every local-mode start)
 * runs only when something is pending or out of order. On PostgreSQL the whole run holds a session advisory
 * lock on one connection: replicas starting at the same moment queue behind
 * the first, which migrates; the others then find nothing to do. (Kysely's
 * migrator takes a lock of its own around the run, but creates its bookkeeping
 * tables before it; ours covers those too.)
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  if (await schemaIsCurrent(db)) return [];
  if (engineOf(db) !== 'postgres') return runMigrator(db);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(PG_LOCK.MIGRATIONS)})`.execute(connection);
    try {
      return await runMigrator(connection);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(PG_LOCK.MIGRATIONS)})`.execute(connection);
    }
  });
}

export interface MigrationStatus {
  /** Every migration this build knows is applied. */
  current: boolean;
  applied: number;
  expected: number;
}

/** Compares the applied migrations with this build's list (for /healthz). */
export async function migrationStatus(db: Kysely<unknown>): Promise<MigrationStatus> {
  const expected = Object.keys(MIGRATIONS);
  // No bookkeeping table yet: nothing applied.
  const applied = (await appliedMigrations(db)) ?? [];
  const known = new Set(applied);
  return { current: expected.every((name) => known.has(name)), applied: applied.length, expected: expected.length };
}

