// Local mode: with no BFF configured, the reference BFF runs inside the main
// process on 127.0.0.1 with SQLite in the app's data folder, seeded on first run.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError } from './client-error.js';
import type { Logger } from './logger.js';

export interface LocalBffHandle {
  url: string;
  close(): Promise<void>;
}

export type StartLocalBff = (options: { dbFile: string; seedDemo: boolean }) => Promise<LocalBffHandle>;

/** Keychain entries and remembered users of local mode are named by this, not by the (changing) port. */
export const LOCAL_SESSION_ORIGIN = 'local';
export const LOCAL_DB_FILE = 'local-bff.sqlite';

export async function startLocalMode(options: { dataDir: string; start: StartLocalBff; logger: Logger }): Promise<LocalBffHandle> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const dbFile = join(options.dataDir, LOCAL_DB_FILE);
  // Demo data only into a new database: a user's own local changes are never overwritten.
  const seedDemo = !existsSync(dbFile);
  try {
    const handle = await options.start({ dbFile, seedDemo });
    options.logger.info('local BFF started', { url: handle.url, seeded: seedDemo });
    return handle;
  } catch (error) {
    options.logger.error('local BFF failed to start', { error });
    throw new ClientError('local_mode_failed', `The built-in BFF could not start: ${(error as Error).message ?? String(error)}`);
  }
}
