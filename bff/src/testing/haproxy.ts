// Test and demo support: a real HAProxy (/usr/sbin/haproxy) started from a
// generated configuration in a temporary folder, with its Runtime API on a
// free loopback port, in front of small HTTP servers that answer their
// version. Everything listens on 127.0.0.1 and is stopped by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, Agent, request as httpRequest, type Server } from 'node:http';
import { createServer as createTcpServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverStem } from '../services/serving/haproxy-weights.js';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

export function haproxyInstalled(): boolean {
  return existsSync(HAPROXY_BIN);
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ModelServer {
  version: string;
  /** The HAProxy server name: the naming rule plus an optional suffix. */
  serverName: string;
  port: number;
  server: Server;
}

/**
 * An HTTP server that answers every request with its version (keep-alive).
 * `failEvery: n` makes every n-th request answer 500 instead (n = 5: 20 % errors).
 */
export async function startModelServer(version: string, suffix?: string, options: { failEvery?: number } = {}): Promise<ModelServer> {
  let served = 0;
  const server = createHttpServer((request, response) => {
    request.resume();
    served += 1;
    const fail = options.failEvery !== undefined && served % options.failEvery === 0;
    response.writeHead(fail ? 500 : 200, { 'content-type': 'text/plain', 'x-model-version': version });
    response.end(fail ? `${version} failed` : version);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { version, serverName: suffix ? `${serverStem(version)}-${suffix}` : serverStem(version), port, server };
}

export interface BackendSpec {
  name: string;
  servers: ModelServer[];
  /** Initial weight per server name; 0 unless given. */
  initialWeights?: Record<string, number>;
}

export interface RunningHaproxy {
  runtimeApi: string;
  /** Port of the frontend for each backend, by backend name. */
  frontendPorts: Map<string, number>;
  dir: string;
  /** Starts HAProxy again with the same configuration and ports (after stopProcess). */
  restart(): Promise<void>;
  /** Stops the HAProxy process only (servers and folder stay). */
  stopProcess(): Promise<void>;
  stop(): Promise<void>;
}

/** `statsAt`: a loopback port, or the path of a unix socket (owner-only). */
export function haproxyConfig(statsAt: number | string, backends: ReadonlyArray<BackendSpec & { frontendPort: number }>): string {
  const lines = [
    'global',
    typeof statsAt === 'number' ? `  stats socket 127.0.0.1:${statsAt} level admin` : `  stats socket ${statsAt} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
  ];
  for (const backend of backends) {
    lines.push(`frontend fe_${backend.name}`, `  bind 127.0.0.1:${backend.frontendPort}`, `  default_backend ${backend.name}`);
    lines.push(`backend ${backend.name}`, '  balance roundrobin');
    for (const server of backend.servers) {
      const weight = backend.initialWeights?.[server.serverName] ?? 0;
      lines.push(`  server ${server.serverName} 127.0.0.1:${server.port} weight ${weight}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function waitForPort(port: number | string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(typeof port === 'number' ? { host: '127.0.0.1', port } : { path: port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`haproxy did not open port ${port}: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts HAProxy in the foreground as a child process (stopped by stop()). */
export async function startHaproxy(backends: BackendSpec[], options: { runtimeApi?: 'tcp' | 'unix' } = {}): Promise<RunningHaproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'haproxy-'));
  const statsPort = options.runtimeApi === 'unix' ? join(dir, 'admin.sock') : await freePort();
  const withPorts = await Promise.all(backends.map(async (backend) => ({ ...backend, frontendPort: await freePort() })));
  const configFile = join(dir, 'haproxy.cfg');
  await writeFile(configFile, haproxyConfig(statsPort, withPorts));
  let child: ChildProcess | null = null;

  const start = async () => {
    let output = '';
    const started = spawn(HAPROXY_BIN, ['-f', configFile, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = started;
    await waitForPort(statsPort, started, () => output);
    for (const backend of withPorts) await waitForPort(backend.frontendPort, started, () => output);
  };
  const stopProcess = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    runtimeApi: typeof statsPort === 'number' ? `tcp://127.0.0.1:${statsPort}` : `unix://${statsPort}`,
    frontendPorts: new Map(withPorts.map((backend) => [backend.name, backend.frontendPort])),
    dir,
    restart: start,
    stopProcess,
    stop: async () => {
      await stopProcess();
      await Promise.all(
        backends.flatMap((backend) =>
          backend.servers.map((s) => new Promise<void>((resolve) => {
            s.server.closeAllConnections();
            s.server.close(() => resolve());
          })),
        ),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends `count` GET requests through HAProxy over keep-alive connections and
 * counts the answers per version.
 */
export async function measureSplit(port: number, count: number, concurrency = 8): Promise<Map<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const counts = new Map<string, number>();
  let sent = 0;
  const one = () =>
    new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
      });
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (sent < count) {
      sent += 1;
      const version = await one();
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return counts;
}
