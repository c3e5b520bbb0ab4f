// Local mode: with no BFF configured, the reference BFF runs inside the main
// process with SQLite in the app's data folder, seeded on first run, reached
// over a socket only this OS user can open (no TCP port); the console opens the
// demo users' sessions in-process, with no password (docs/decisions/0014-local-mode-sign-in.md).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError } from './client-error.js';
import type { StepUpPurpose, StepUpResponse, TokenResponse } from '../../../shared/api/auth.js';
import type { Role } from '../../../shared/domain/user.js';
import type { Logger } from './logger.js';

/** A demo user of the embedded BFF the console can sign in as (no password: the session is opened in-process). */
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
  /** Demo users the console signs in itself. */
  localUsers: LocalUser[];
  /** A new session of a demo user, opened by the embedded BFF in-process (audited); null for any other name. */
  signIn(username: string): Promise<TokenResponse | null>;
  /**
   * A step-up token for the demo user whose live session `accessToken` is, once the
   * console has had the action confirmed natively (audited); ClientError otherwise
   * (`unauthenticated` for a dead session, `step_up_required` for anyone else).
   */
  stepUp(accessToken: string, purpose: StepUpPurpose): Promise<StepUpResponse>;
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
