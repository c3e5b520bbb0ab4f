// Test support for the main-process services: the real BFF (through the local
// mode starter), a TCP relay that can cut or record connections, temp folders
// and a probe for a reachable OS keychain. Imported only by *.test.ts files.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalBff, type LocalBff } from '../local-mode/start-local-bff.js';
import { createKeytarVault, type CredentialVault } from '../services/credential-vault.js';

export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

export function tempDir(prefix = 'moc-main-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface DemoBff extends LocalBff {
  clock: TestClock;
  dir: string;
  dbFile: string;
  stop(): Promise<void>;
}

/** The reference BFF with the demo data (olivia operator, arjun approver, ada admin; password demo-<name>). */
export async function startDemoBff(options: { publicOrigin?: string } = {}): Promise<DemoBff> {
  const dir = tempDir('moc-bff-');
  const clock = testClock();
  const dbFile = join(dir.path, 'bff.sqlite');
  const bff = await startLocalBff({
    dbFile,
    seedDemo: true,
    now: clock.now,
    // The origin reports name: the one consoles reach it at (a forwarder in front of it, in some tests).
    settings: { authRateLimitPerMinute: 10_000, ...(options.publicOrigin ? { publicOrigin: options.publicOrigin } : {}) },
  });
  return {
    ...bff,
    clock,
    dir: dir.path,
    dbFile,
    stop: async () => {
      await bff.close();
      dir.remove();
    },
  };
}

export interface TcpRelay {
  url: string;
  /** Destroys every open connection (a network failure, as the client sees it). */
  cut(): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Everything that passed in both directions, when recording. */
  recorded(): string;
  close(): Promise<void>;
}

/** A loopback TCP relay in front of `target` (http://127.0.0.1:port). */
export async function startTcpRelay(target: string, options: { record?: boolean } = {}): Promise<TcpRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const chunks: Buffer[] = [];
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    const forget = () => {
      sockets.delete(client);
      sockets.delete(upstream);
    };
    if (options.record) {
      client.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
    }
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => (upstream.destroy(), forget()));
    upstream.on('close', () => (client.destroy(), forget()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut: () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    get accepted() {
      return accepted;
    },
    recorded: () => Buffer.concat(chunks).toString('utf8'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A Secret Service that answers, or the reason there is none. CI runs the
 * tests inside a D-Bus session with an unlocked gnome-keyring; set
 * MODELOPS_REQUIRE_KEYCHAIN=1 to make a missing one fail instead of skip.
 */
export async function probeKeychain(): Promise<{ vault: CredentialVault | null; reason: string }> {
  const vault = createKeytarVault({ timeoutMs: 5000 });
  const service = 'model-ops-console:probe';
  const account = `probe-${process.pid}`;
  try {
    await vault.set(service, account, 'probe');
    const read = await vault.get(service, account);
    await vault.delete(service, account);
    if (read !== 'probe') throw new Error('the keychain did not return what was stored (locked?)');
    return { vault, reason: '' };
  } catch (error) {
    const reason = `no Secret Service reachable (${(error as Error).message}); run inside dbus-run-session with gnome-keyring unlocked (see README)`;
    if (process.env.MODELOPS_REQUIRE_KEYCHAIN === '1') throw new Error(reason);
    return { vault: null, reason };
  }
}

/** Waits until `check` holds, polling every 10 ms; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An in-memory CredentialVault for tests that are not about the keychain. */
export function memoryVault(): CredentialVault & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const key = (service: string, account: string) => `${service}\u0000${account}`;
  return {
    entries,
    get: async (service, account) => entries.get(key(service, account)) ?? null,
    set: async (service, account, secret) => void entries.set(key(service, account), secret),
    delete: async (service, account) => entries.delete(key(service, account)),
  };
}
