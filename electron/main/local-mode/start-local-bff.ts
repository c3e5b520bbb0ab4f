// The one electron/ module allowed to import bff/: starts the reference BFF
// inside the main process for local mode (and for the main-process tests).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBff } from '../../../bff/src/server.js';
import { ApiError } from '../../../bff/src/errors.js';
import { DEMO_USERS } from '../../../bff/src/seed/demo-users.js';
import { embeddedStepUp, openEmbeddedSession } from '../../../bff/src/services/embedded-console.js';
import { clearPassword, findUserByUsername } from '../../../bff/src/store/users.js';
import { ClientError } from '../services/client-error.js';
import type { LocalBffHandle, LocalUser } from '../services/local-mode.js';

export interface LocalBff {
  url: string;
  close(): Promise<void>;
}

export interface StartLocalBffOptions {
  dbFile: string;
  seedDemo: boolean;
  /** 0 = a free port. */
  port?: number;
  /** Test-only overrides of the BFF's settings (token lifetimes, rate limits). */
  settings?: Parameters<typeof startBff>[0]['settings'];
  now?: () => Date;
}

/**
 * The reference BFF on a TCP port of 127.0.0.1 with the published demo
 * passwords: for the tests of the main-process services, which need a BFF
 * they can put relays and faults in front of. Local mode never uses this.
 */
export async function startLocalBff(options: StartLocalBffOptions): Promise<LocalBff> {
  const running = await startBff({
    dbFile: options.dbFile,
    host: '127.0.0.1',
    port: options.port ?? 0,
    seedDemo: options.seedDemo,
    logger: false,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { url: running.url, close: () => running.close() };
}

/**
 * How long after the embedded BFF listens it starts checking the audit chain: the console's
 * first screen (sign-in, first registry page) is read meanwhile without the check's hashing on
 * the main process's one thread (docs/decisions/0014-local-mode-sign-in.md, "Start-up").
 */
export const EMBEDDED_AUDIT_CHECK_DELAY_MS = 3000;

/**
 * The origin the console names the embedded BFF by. `.invalid` never resolves
 * (RFC 6761): nothing is reached at this name; every connection goes to the socket.
 */
export const EMBEDDED_BFF_ORIGIN = 'http://local-bff.invalid';

/** The BFF's own errors, as the console's: the same code and status as over HTTP. */
async function asClientErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw new ClientError(error.code, error.message, error.details, error.statusCode);
    throw error;
  }
}

/**
 * Local mode (docs/decisions/0007-local-mode-over-a-socket.md, README "Local mode"): the reference BFF with no
 * TCP port. It listens on a unix socket in a fresh 0700 folder of the user's
 * temp folder (socket 0600), or on a named pipe with a random name on Windows,
 * so no other account on the machine and no web page can reach it. The demo
 * users' passwords are made unusable at every start and never set again: the
 * console opens their sessions and confirms their step-ups through this
 * handle, in-process (docs/decisions/0014-local-mode-sign-in.md), so no
 * password of theirs signs in here, the published `demo-<name>` ones included.
 */
export async function startEmbeddedBff(options: Omit<StartLocalBffOptions, 'port'>): Promise<LocalBffHandle> {
  const windows = process.platform === 'win32';
  const socketDir = windows ? null : mkdtempSync(join(tmpdir(), 'modelops-'));
  const socketPath = socketDir ? join(socketDir, 'bff.sock') : `\\\\.\\pipe\\modelops-${process.pid}-${randomBytes(16).toString('hex')}`;
  const removeDir = () => socketDir && rmSync(socketDir, { recursive: true, force: true });
  let running: Awaited<ReturnType<typeof startBff>>;
  try {
    running = await startBff({
      dbFile: options.dbFile,
      socketPath,
      seedDemo: options.seedDemo,
      // Made unusable below anyway: a first run hashes nothing.
      demoPasswords: false,
      logger: false,
      auditCheckDelayMs: EMBEDDED_AUDIT_CHECK_DELAY_MS,
      settings: { ...options.settings, publicOrigin: EMBEDDED_BFF_ORIGIN },
      ...(options.now ? { now: options.now } : {}),
    });
  } catch (error) {
    removeDir();
    throw error;
  }
  try {
    // mkdtemp made the folder 0700; the socket itself is narrowed too, whatever the umask.
    if (socketDir) chmodSync(socketPath, 0o600);
    const ids = new Map<string, string>();
    const users: LocalUser[] = [];
    // A plain update, no hashing: the published demo passwords (and any set since) stop working at once.
    // One transaction: one commit instead of one per user.
    await running.ctx.db.transaction().execute(async (trx) => {
      for (const demo of DEMO_USERS) {
        const stored = await findUserByUsername(trx, demo.username);
        if (!stored || stored.disabled) continue;
        await clearPassword(trx, stored.user.id);
        ids.set(demo.username, stored.user.id);
        users.push({ username: stored.user.username, display_name: stored.user.display_name, roles: stored.user.roles });
      }
    });
    const demoIds = new Set(ids.values());
    return {
      url: EMBEDDED_BFF_ORIGIN,
      socketPath,
      localUsers: users,
      signIn: async (username) => (ids.has(username) ? asClientErrors(() => openEmbeddedSession(running.ctx, username)) : null),
      stepUp: (accessToken, purpose) => asClientErrors(() => embeddedStepUp(running.ctx, accessToken, purpose, (userId) => demoIds.has(userId))),
      close: async () => {
        try {
          await running.close();
        } finally {
          removeDir();
        }
      },
    };
  } catch (error) {
    await running.close().catch(() => undefined);
    removeDir();
    throw error;
  }
}
