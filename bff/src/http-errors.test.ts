// The answers given before any route runs (router and HTTP parser) use the one
// error shape with the security headers and never echo the URL; request logs
// carry the path without its query string.
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { createContext } from './server.js';
import { openDatabase } from './store/database.js';
import { startTestBff, type TestBff } from './testing/harness.js';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff({ users: [], socket: true });
});
afterAll(async () => bff?.stop());

function expectOneShape(status: number, headers: Headers | Record<string, unknown>, text: string, expected: { status: number; code: string }): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined));
  expect(status).toBe(expected.status);
  expect(JSON.parse(text)).toEqual({ error: { code: expected.code, message: expect.any(String) } });
  expect(get('x-content-type-options')).toBe('nosniff');
  expect(get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(get('x-frame-options')).toBe('DENY');
}

describe('answers before routing', () => {
  it('414 for an over-long path parameter, 400 for a bad percent-encoding: one shape, no URL echoed', async () => {
    const marker = 'secretish'.repeat(20);
    const long = await fetch(`${bff.url}/admin/models/${marker}`);
    const longText = await long.text();
    expectOneShape(long.status, long.headers, longText, { status: 414, code: 'uri_too_long' });
    expect(longText).not.toContain('secretish');

    const bad = await fetch(`${bff.url}/admin/models/%E0%A4%A-secretish`);
    const badText = await bad.text();
    expectOneShape(bad.status, bad.headers, badText, { status: 400, code: 'invalid_request' });
    expect(badText).not.toContain('secretish');
  });

  it('431 for oversized headers from the HTTP parser, in the same shape', async () => {
    const { status, headers, text } = await new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
      const req = httpRequest(`${bff.url}/healthz`, { headers: { 'x-big': 'a'.repeat(20_000) } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end();
    });
    expectOneShape(status, headers, text, { status: 431, code: 'headers_too_large' });
  });
});

describe('request logs', () => {
  it('name the path without the query string', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const db = await openDatabase(':memory:');
    const ctx = createContext(db);
    const app = await buildApp(ctx, { logger: { stream } });
    try {
      await app.inject({ method: 'GET', url: '/healthz?token=hunter2-in-a-url' });
      await app.inject({ method: 'GET', url: '/admin/models/%E0%A4%A?token=hunter2-in-a-url' });
    } finally {
      await app.close();
      await db.destroy();
    }
    const log = lines.join('');
    expect(log).toContain('/healthz');
    expect(log).not.toContain('hunter2');
  });
});
