// BffClient against the real BFF (answers, errors passed through, proxy) and
// against small misbehaving servers (malformed answers, retry rules, timeouts).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModelListResponse, TokenResponse } from '../../../shared/api/index.js';
import { startDemoBff, tempDir, type DemoBff } from '../test-support/harness.js';
import { BffClient } from './bff-client.js';
import { ClientError } from './client-error.js';
import { createMemoryLogger } from './logger.js';
import { bypassesProxy } from './proxy-agent.js';

const logger = createMemoryLogger();
const fast = { logger, retryDelayMs: () => 1 };

/** A server whose handler the test sets; counts requests per method+path. */
async function scriptedServer(handler: http.RequestListener) {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(`${request.method} ${request.url} ${request.headers['idempotency-key'] ?? ''}`.trim());
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const reply = (status: number, body: string, type = 'application/json'): http.RequestListener => (_request, response) => {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
};

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ClientError);
    return error as ClientError;
  }
  throw new Error('expected a ClientError');
}

describe('BffClient against the real BFF', () => {
  let bff: DemoBff;
  beforeAll(async () => {
    bff = await startDemoBff();
  });
  afterAll(() => bff.stop());

  it('signs in and lists models, answers checked against shared/api', async () => {
    const client = new BffClient({ baseUrl: bff.url, ...fast });
    const tokens = await client.request({
      method: 'POST',
      path: '/auth/login',
      body: { username: 'olivia', password: 'demo-olivia' },
      response: TokenResponse,
    });
    expect(tokens.user.roles).toEqual(['operator']);
    const models = await client.request({ method: 'GET', path: '/admin/models', accessToken: tokens.access_token, response: ModelListResponse });
    expect(models.items.map((item) => item.model.id)).toContain('ltr-ranker');
  });

  it('passes the BFF error codes through unchanged', async () => {
    const client = new BffClient({ baseUrl: bff.url, ...fast });
    const wrong = await failure(
      client.request({ method: 'POST', path: '/auth/login', body: { username: 'olivia', password: 'nope' }, response: TokenResponse }),
    );
    expect([wrong.code, wrong.status]).toEqual(['invalid_credentials', 401]);
    const anonymous = await failure(client.request({ method: 'GET', path: '/admin/models', response: ModelListResponse }));
    expect([anonymous.code, anonymous.status]).toEqual(['unauthenticated', 401]);
  });

  it('a BFF answer that does not match the schema becomes bad_response, naming the field', async () => {
    const client = new BffClient({ baseUrl: bff.url, ...fast });
    const error = await failure(client.request({ method: 'GET', path: '/healthz', response: z.strictObject({ status: z.literal('broken') }) }));
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/GET \/healthz .*status/);
  });

  it('reaches the BFF through the policy proxy (HTTP CONNECT tunnel)', async () => {
    const tunnels: string[] = [];
    const open = new Set<net.Socket>();
    const proxy = http.createServer();
    proxy.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      tunnels.push(request.url ?? '');
      open.add(socket);
      const [, port] = (request.url ?? '').split(':');
      // The proxy resolves names, not the console: every name here is the BFF on loopback.
      const upstream = net.connect(Number(port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      open.add(upstream);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as net.AddressInfo;
    try {
      const remote = `http://bff.corp.test:${new URL(bff.url).port}`;
      const client = new BffClient({ baseUrl: remote, ...fast, proxy: { url: `http://127.0.0.1:${port}` } });
      const health = await client.request({ method: 'GET', path: '/healthz', response: z.object({ status: z.literal('ok') }) });
      expect(health.status).toBe('ok');
      expect(tunnels).toEqual([new URL(remote).host]);
      // Loopback always goes direct, whatever the policy's bypass list says (here: nothing).
      const direct = new BffClient({ baseUrl: bff.url, ...fast, proxy: { url: `http://127.0.0.1:${port}` } });
      await direct.request({ method: 'GET', path: '/healthz', response: z.object({ status: z.literal('ok') }) });
      expect(tunnels).toHaveLength(1);
    } finally {
      // Tunnels are hijacked sockets the HTTP server no longer tracks.
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

describe('BffClient and malformed answers', () => {
  const Health = z.strictObject({ status: z.literal('ok') });

  it.each([
    ['HTML instead of JSON', reply(200, '<html>captive portal</html>', 'text/html'), /not JSON .*text\/html/],
    ['an error status without an error body', reply(502, '<h1>Bad gateway</h1>', 'text/html'), /status 502/],
    ['an error with a code the console does not know', reply(409, '{"error":{"code":"brand_new","message":"try later"}}'), /does not know: try later/],
    ['truncated JSON', reply(200, '{"status":'), /not JSON/],
  ])('%s -> bad_response with a message for people', async (_name, handler, message) => {
    const server = await scriptedServer(handler);
    try {
      const client = new BffClient({ baseUrl: server.url, ...fast });
      const error = await failure(client.request({ method: 'GET', path: '/healthz', response: Health }));
      expect(error.code).toBe('bad_response');
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/at .*\.ts:\d+/); // no stack
    } finally {
      await server.close();
    }
  });

  it('an unreachable BFF is network_unreachable, a silent one timeout', async () => {
    const closed = await scriptedServer(reply(200, '{}'));
    await closed.close();
    const unreachable = new BffClient({ baseUrl: closed.url, ...fast, retryLimit: 0 });
    expect((await failure(unreachable.request({ method: 'GET', path: '/healthz', response: Health }))).code).toBe('network_unreachable');

    const silent = await scriptedServer(() => undefined);
    try {
      const client = new BffClient({ baseUrl: silent.url, ...fast, timeoutMs: 100, retryLimit: 0 });
      expect((await failure(client.request({ method: 'GET', path: '/healthz', response: Health }))).code).toBe('timeout');
    } finally {
      // The silent server holds the socket open; closeAllConnections ends it.
      await silent.close();
    }
  });
});

describe('BffClient event stream', () => {
  it('keeps the stream open past the whole-request timeout of ordinary calls', async () => {
    // An SSE server that only ever sends heartbeats.
    const server = await scriptedServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const beat = setInterval(() => response.write(': heartbeat\n\n'), 50);
      request.on('close', () => clearInterval(beat));
    });
    const abort = new AbortController();
    try {
      const client = new BffClient({ baseUrl: server.url, ...fast, timeoutMs: 200 });
      const stream = client.stream('/admin/events', {}, abort.signal);
      const failed = new Promise<Error | null>((resolve) => {
        stream.on('error', (error: Error) => resolve(error));
        setTimeout(() => resolve(null), 800);
      });
      stream.on('data', () => undefined);
      expect(await failed).toBeNull();
    } finally {
      abort.abort();
      await server.close();
    }
  });
});

describe('BffClient retry rules', () => {
  const Anything = z.unknown();

  it('retries GET and POSTs with an Idempotency-Key, never a POST without one, never a 4xx', async () => {
    const server = await scriptedServer(reply(503, '{"error":{"code":"unavailable","message":"busy"}}'));
    try {
      const client = new BffClient({ baseUrl: server.url, ...fast, retryLimit: 2 });
      expect((await failure(client.request({ method: 'GET', path: '/g', response: Anything }))).code).toBe('unavailable');
      expect((await failure(client.request({ method: 'POST', path: '/p', body: {}, response: Anything }))).code).toBe('unavailable');
      await failure(client.request({ method: 'POST', path: '/k', body: {}, idempotencyKey: 'key-12345678', response: Anything }));
      expect(server.hits).toEqual([
        'GET /g',
        'GET /g',
        'GET /g',
        'POST /p',
        // The same key on every attempt: the BFF answers a repeat with the first answer.
        'POST /k key-12345678',
        'POST /k key-12345678',
        'POST /k key-12345678',
      ]);
    } finally {
      await server.close();
    }
    const conflict = await scriptedServer(reply(409, '{"error":{"code":"stale_state","message":"moved"}}'));
    try {
      const client = new BffClient({ baseUrl: conflict.url, ...fast, retryLimit: 2 });
      expect((await failure(client.request({ method: 'GET', path: '/g', response: Anything }))).code).toBe('stale_state');
      expect(conflict.hits).toEqual(['GET /g']);
    } finally {
      await conflict.close();
    }
  });

  it('succeeds when a retry does', async () => {
    let calls = 0;
    const server = await scriptedServer((request, response) => {
      calls += 1;
      reply(calls < 2 ? 502 : 200, calls < 2 ? 'gateway' : '{"status":"ok"}', calls < 2 ? 'text/plain' : 'application/json')(request, response);
    });
    try {
      const client = new BffClient({ baseUrl: server.url, ...fast });
      await expect(client.request({ method: 'GET', path: '/healthz', response: z.object({ status: z.string() }) })).resolves.toEqual({ status: 'ok' });
      expect(calls).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('BffClient and the policy CA certificates', () => {
  it('trusts a private CA only when the policy supplies it', async (context) => {
    const dir = tempDir();
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', join(dir.path, 'key.pem'), '-out', join(dir.path, 'cert.pem'),
      ], { stdio: 'ignore' });
    } catch {
      context.skip('openssl is not installed');
    }
    const { readFileSync } = await import('node:fs');
    const cert = readFileSync(join(dir.path, 'cert.pem'), 'utf8');
    const server = https.createServer({ cert, key: readFileSync(join(dir.path, 'key.pem')) }, reply(200, '{"status":"ok"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const Health = z.object({ status: z.literal('ok') });
      const untrusting = new BffClient({ baseUrl: url, ...fast, retryLimit: 0 });
      expect((await failure(untrusting.request({ method: 'GET', path: '/healthz', response: Health }))).code).toBe('network_unreachable');
      const trusting = new BffClient({ baseUrl: url, ...fast, caCertificates: [cert] });
      await expect(trusting.request({ method: 'GET', path: '/healthz', response: Health })).resolves.toEqual({ status: 'ok' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      writeFileSync(join(dir.path, 'key.pem'), '');
      dir.remove();
    }
  });
});

describe('BffClient response size caps', () => {
  /** A real HTTP server answering a gzip body whose inflated size is `inflated` bytes of JSON. */
  async function gzipServer(inflated: number, options: { contentLength?: boolean; status?: number } = {}) {
    const json = Buffer.alloc(inflated, 0x20);
    json.write('{"items":[]}', 0);
    const body = gzipSync(json, { level: 9 });
    return scriptedServer((_request, response) => {
      response.writeHead(options.status ?? 200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        ...(options.contentLength === false ? {} : { 'content-length': body.length }),
      });
      response.end(body);
    });
  }

  it('aborts an answer past 16 MB once inflated (a gzip bomb of a few KB), and reads one under it', async () => {
    const bomb = await gzipServer(40 * 1024 * 1024);
    const small = await gzipServer(1024 * 1024, { contentLength: false });
    try {
      const client = new BffClient({ baseUrl: bomb.url, ...fast, retryLimit: 0 });
      const error = await failure(client.request({ method: 'GET', path: '/admin/models', response: z.object({ items: z.array(z.unknown()) }) }));
      expect(error.code).toBe('response_too_large');
      const fine = new BffClient({ baseUrl: small.url, ...fast });
      expect(await fine.request({ method: 'GET', path: '/x', response: z.object({ items: z.array(z.unknown()) }) })).toEqual({ items: [] });
      // A report may be larger than an API answer, but not without bound.
      expect((await failure(client.request({ method: 'GET', path: '/r', maxBytes: 1024, response: z.unknown() }))).code).toBe('response_too_large');
    } finally {
      await bomb.close();
      await small.close();
    }
  });

  it('aborts a plain answer that keeps coming past the cap, and a declared length over it before reading', async () => {
    let written = 0;
    const endless = await scriptedServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 64 * 1024 * 1024 && response.write(chunk)) written += chunk.length;
        if (written < 64 * 1024 * 1024 && !response.destroyed) response.once('drain', pump);
        else response.end();
      };
      response.on('close', () => response.removeAllListeners('drain'));
      pump();
    });
    const declared = await scriptedServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(32 * 1024 * 1024) });
      response.write('{');
    });
    try {
      const client = new BffClient({ baseUrl: endless.url, ...fast, retryLimit: 0 });
      expect((await failure(client.request({ method: 'GET', path: '/x', maxBytes: 2 * 1024 * 1024, response: z.unknown() }))).code).toBe('response_too_large');
      expect(written).toBeLessThan(64 * 1024 * 1024);
      const liar = new BffClient({ baseUrl: declared.url, ...fast, retryLimit: 0 });
      expect((await failure(liar.request({ method: 'GET', path: '/x', response: z.unknown() }))).code).toBe('response_too_large');
    } finally {
      await endless.close().catch(() => undefined);
      await declared.close().catch(() => undefined);
    }
  });

  it('reads a gzip error answer (the BFF code still travels)', async () => {
    const body = gzipSync(JSON.stringify({ error: { code: 'forbidden', message: 'not for you' } }));
    const server = await scriptedServer((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(body);
    });
    try {
      const client = new BffClient({ baseUrl: server.url, ...fast });
      expect(await failure(client.request({ method: 'GET', path: '/x', response: z.unknown() }))).toMatchObject({ code: 'forbidden', message: 'not for you' });
    } finally {
      await server.close();
    }
  });
});

describe('the policy proxy never carries loopback traffic', () => {
  it('bypasses localhost, 127.0.0.0/8 and ::1 whatever the bypass list says', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'api.localhost']) expect(bypassesProxy(host, []), host).toBe(true);
    for (const host of ['bff.corp.example', '10.0.0.1', '128.0.0.1', 'localhost.evil.example']) expect(bypassesProxy(host, []), host).toBe(false);
    expect(bypassesProxy('bff.corp.example', ['.corp.example'])).toBe(true);
  });
});
