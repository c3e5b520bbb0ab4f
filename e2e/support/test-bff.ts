// The reference BFF for a test (or a serial test file): fresh SQLite file, demo
// data, an ephemeral loopback port; can be stopped and started again on that port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBff, type RunningBff } from '../../bff/src/server.js';
import { runCli } from '../../bff/src/cli.js';
import { passwordOf } from './console-steps.js';
import type { Role } from '../../shared/domain/user.js';

export interface TestBff {
  url: string;
  origin: string;
  dbFile: string;
  readonly running: boolean;
  /** The live server (its context reads the database directly in assertions). */
  server(): RunningBff;
  /** Closes the server: clients now meet a refused connection. */
  stop(): Promise<void>;
  /** Starts it again on the same port and database (the access-token secret is new, as after a real restart). */
  restart(): Promise<void>;
  /** A user who is not in the demo data, made by `bff user create` (audited); the password is demo-<username>-e2e-pw (passwordOf). */
  addUser(username: string, displayName: string, roles: Role[]): Promise<string>;
  dispose(): Promise<void>;
}

// The settings the harness changes: the per-IP budget of /auth/* (30 a minute), which the
// many sign-ins and step-ups of a test run from one address would exhaust, and the scrypt
// cost (2^12, as the demo seed's, not 2^17: no rehash at every journey's first sign-in).
const TEST_SETTINGS = { authRateLimitPerMinute: 10_000, passwordCost: { N: 2 ** 12, r: 8, p: 1 } };

export interface TestBffOptions {
  /** Further settings for a journey that needs them (e.g. a short reconcile interval), over TEST_SETTINGS. */
  settings?: Parameters<typeof startBff>[0]['settings'];
}

export async function startTestBff(options: TestBffOptions = {}): Promise<TestBff> {
  const dir = mkdtempSync(join(tmpdir(), 'moc-e2e-bff-'));
  const dbFile = join(dir, 'bff.sqlite');
  const settings = { ...TEST_SETTINGS, ...options.settings };
  let server: RunningBff | null = await startBff({ dbFile, port: 0, seedDemo: true, settings });
  const port = server.port;
  const url = server.url;
  return {
    url,
    origin: new URL(url).origin,
    dbFile,
    get running() {
      return server !== null;
    },
    server: () => {
      if (!server) throw new Error('the BFF is stopped');
      return server;
    },
    stop: async () => {
      const closing = server;
      server = null;
      await closing?.close();
    },
    restart: async () => {
      if (server) return;
      server = await startBff({ dbFile, port, seedDemo: false, settings });
    },
    addUser: async (username, displayName, roles) => {
      const password = passwordOf(username);
      const output: string[] = [];
      const io = {
        out: (line: string) => void output.push(line),
        err: (line: string) => void output.push(line),
        readStdin: async () => '',
        env: { MODELOPS_PASSWORD: password },
        now: () => new Date(),
      };
      const args = ['user', 'create', '--db', dbFile, '--username', username, '--display-name', displayName, '--roles', roles.join(',')];
      if ((await runCli(args, io)) !== 0) throw new Error(`bff user create failed: ${output.join(' ')}`);
      return password;
    },
    dispose: async () => {
      await server?.close();
      server = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
