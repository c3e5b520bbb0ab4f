// The one electron/ module allowed to import bff/: starts the reference BFF
// inside the main process for local mode (and for the main-process tests).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBff } from '../../../bff/src/server.js';
import { DEMO_USERS } from '../../../bff/src/seed/demo.js';
import { clearPassword, findUserByUsername, setPassword } from '../../../bff/src/store/users.js';
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
 * The origin the console names the embedded BFF by. `.invalid` never resolves
 * (RFC 6761): nothing is reached at this name; every connection goes to the socket.
 */
export const EMBEDDED_BFF_ORIGIN = 'http://local-bff.invalid';

/** 24 random bytes: 32 characters, far above any minimum length the BFF asks for. */
const randomPassword = () => randomBytes(24).toString('base64url');

/**
 * Local mode (docs/decisions/0007-local-mode-over-a-socket.md, README "Local mode"): the reference BFF with no
 * TCP port. It listens on a unix socket in a fresh 0700 folder of the user's
 * temp folder (socket 0600), or on a named pipe with a random name on Windows,
 * so no other account on the machine and no web page can reach it. The demo
 * users' passwords are made unusable at every start; one the console signs in
 * gets a random password known only to this process (for this run): the
 * published `demo-<name>` passwords never sign in here.
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
      logger: false,
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
    // No hashing at start: the published demo passwords are made unusable at once (a plain update),
    // and a random password is set only for a user the console actually signs in.
    for (const demo of DEMO_USERS) {
      const stored = await findUserByUsername(running.ctx.db, demo.username);
      if (!stored || stored.disabled) continue;
      await clearPassword(running.ctx.db, stored.user.id);
      ids.set(demo.username, stored.user.id);
      users.push({ username: stored.user.username, display_name: stored.user.display_name, roles: stored.user.roles });
    }
    const passwords = new Map<string, Promise<string>>();
    return {
      url: EMBEDDED_BFF_ORIGIN,
      socketPath,
      localUsers: users,
      passwordOf: async (username) => {
        const userId = ids.get(username);
        if (userId === undefined) return null;
        let password = passwords.get(username);
        if (!password) {
          const generated = randomPassword();
          password = setPassword(running.ctx.db, userId, generated).then(() => generated);
          passwords.set(username, password);
          // A failed write is tried again at the next sign-in, not remembered.
          password.catch(() => passwords.delete(username));
        }
        return password;
      },
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
