// Test and benchmark support for several BFF replicas on one PostgreSQL
// database: each replica a real `bff serve` child process, a real HAProxy
// (/usr/sbin/haproxy) in round-robin in front of them. Every port is a free
// loopback port; stop() ends exactly what was started, by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledBffCli, REPO_ROOT } from './compiled-bff.js';
import { freePort } from './pg-cluster.js';

export const HAPROXY_BIN = process.env.BFF_HAPROXY_BIN ?? '/usr/sbin/haproxy';

export interface Replica {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the replica printed so far (its request log is JSON lines on stdout). */
  output(): string;
  /** Requests it has received so far whose path starts with `prefix` (Fastify's "incoming request" log lines). */
  requestCount(prefix?: string): number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM (graceful) and wait; SIGKILL after 10 s. */
  stop(): Promise<number | null>;
}

export interface ReplicaOptions {
  location: string;
  env: Record<string, string>;
  seedDemo?: boolean;
}

export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const args = [await compiledBffCli(), 'serve', '--port', '0', '--db', options.location, '--trusted-proxies', '127.0.0.1'];
  if (options.seedDemo) args.push('--seed-demo');
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (Date.now() < deadline) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (url && /migrations: /.test(output)) break;
    if (child.exitCode !== null) throw new Error(`replica exited ${child.exitCode}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`replica did not start:\n${output}`);
  }
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    child,
    output: () => output,
    requestCount: (prefix = '/') =>
      output.split('\n').filter((line) => line.includes('"msg":"incoming request"') && line.includes(`"path":"${prefix}`)).length,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

export interface LoadBalancer {
  url: string;
  port: number;
  config: string;
  stop(): Promise<void>;
}

/**
 * The configuration a deployment would use (README shows the same): round-robin
 * per request, readiness checks on /healthz?ready=1, X-Forwarded-For, and a retry
 * on another server only when the connection failed (a request that reached a
 * replica is never sent twice).
 */
export function haproxyConfig(port: number, backends: readonly { name: string; port: number }[]): string {
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // A replica busy with real traffic answers its check late, not never.
    '  timeout check 5s',
    '  retries 3',
    '  option redispatch',
    '  retry-on conn-failure',
    'frontend bff_in',
    `  bind 127.0.0.1:${port}`,
    '  default_backend bff_replicas',
    'backend bff_replicas',
    '  balance roundrobin',
    '  option forwardfor',
    '  option httpchk GET /healthz?ready=1',
    '  http-check expect status 200',
    ...backends.map((backend) => `  server ${backend.name} 127.0.0.1:${backend.port} check inter 500ms fall 3 rise 2`),
    '',
  ].join('\n');
}

export async function startHaproxy(backends: readonly { name: string; port: number }[]): Promise<LoadBalancer> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-haproxy-'));
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = haproxyConfig(port, backends);
    const file = join(dir, 'haproxy.cfg');
    await writeFile(file, config);
    // -db: stay in the foreground, so the child is the proxy and its pid is ours to stop.
    const child = spawn(HAPROXY_BIN, ['-f', file, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const answer = await fetch(`${url}/healthz`);
        await answer.text();
        if (answer.status === 200) {
          up = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (up) {
      return {
        url,
        port,
        config,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    lastError = output;
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`haproxy did not start: ${lastError}`);
}

/** Waits until `check` holds (polling), or throws with `what`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
