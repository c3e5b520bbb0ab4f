// Local mode: with no BFF configured, the reference BFF runs inside the main
// process with SQLite in the app's data folder, seeded on first run, reached
// over a socket only this OS user can open (no TCP port), signed in to by the
// console itself with per-run random passwords.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError } from './client-error.js';
import type { Role } from '../../../shared/domain/user.js';
import type { Logger } from './logger.js';

/** A demo user of the embedded BFF the console can sign in as (its password never leaves the main process). */
export interface LocalUser {
  username: string;
  display_name: string;
  roles: Role[];
}

export interface LocalBffHandle {
  /** The origin the console names the BFF by; with `socketPath` nothing listens there. */
  url: string;
  /** Unix socket or named pipe the BFF listens on; absent: TCP at `url` (tests only). */
  socketPath?: string;
  /** Demo users with a password generated for this run. */
  localUsers: LocalUser[];
  /** This run's password of a demo user (set at the first ask); null for any other name. */
  passwordOf(username: string): Promise<string | null>;
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
    options.logger.info('local BFF started', { url: handle.url, socket: handle.socketPath ?? null, seeded: seedDemo, users: handle.localUsers.length });
    return handle;
  } catch (error) {
    options.logger.error('local BFF failed to start', { error });
    throw new ClientError('local_mode_failed', `The built-in BFF could not start: ${(error as Error).message ?? String(error)}`);
  }
}
