// Versioned, forward-only migrations, run at every start before the server listens.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/001-initial.js';
import * as signingKeys from './migrations/002-signing-keys.js';
import * as onePendingRequest from './migrations/003-one-pending-request.js';
import * as servingDispatch from './migrations/010-serving-dispatch.js';

// Migrations are listed in code (not read from a folder) so the same list
// works from source under tsx and bundled into Electron's main process.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-signing-keys': signingKeys,
  '003-one-pending-request': onePendingRequest,
  '010-serving-dispatch': servingDispatch,
};

/** Every migration's name, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

class InlineMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InlineMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(`database migration failed: ${error instanceof Error ? error.message : String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
