// BffClient.call builds each request from the endpoint table: the method and
// path of the entry, every path parameter URL-encoded into its segment (checked
// by decoding what a server received, segment by segment), the query, and the
// answer checked against the entry's schema.
import http from 'node:http';
import type net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallableEndpoint } from '../../../shared/api/endpoint.js';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import { BffClient } from './bff-client.js';
import { ClientError } from './client-error.js';
import { createMemoryLogger } from './logger.js';

const received: { method: string; url: string; body: string }[] = [];
let answer: { status: number; body: unknown } = { status: 404, body: { error: { code: 'not_found', message: 'nothing here' } } };
let server: http.Server;
let client: BffClient;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', body });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  client = new BffClient({ baseUrl: `http://127.0.0.1:${port}/base`, logger: createMemoryLogger(), retryLimit: 0 });
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends one call whose answer does not matter; answers what the server received. */
async function sent(endpoint: CallableEndpoint, input: object): Promise<{ method: string; url: string; body: string }> {
  received.length = 0;
  const call = client.call as (endpoint: CallableEndpoint, input: object) => Promise<unknown>;
  await call.call(client, endpoint, input).catch((error: unknown) => {
    if (!(error instanceof ClientError)) throw error;
  });
  expect(received).toHaveLength(1);
  return received[0]!;
}

const CALLABLE = (Object.entries(ENDPOINTS) as [string, CallableEndpoint | { responses?: undefined }][]).filter(
  (entry): entry is [string, CallableEndpoint] => entry[1].responses !== undefined,
);

// Anything but the two dot segments, which the table refuses (shared/api/endpoint.ts).
const awkwardSegment = fc
  .oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), fc.constantFrom('/', '%', '%2F', '?', '#', ' ', '+', '&', '../x', '%2E', 'é', '😀'))
  .filter((value) => value !== '.' && value !== '..');

describe('BffClient.call', () => {
  it.each(CALLABLE)('sends %s to its method and path, each parameter in its own segment', async (_name, endpoint) => {
    const names = [...endpoint.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => match[1]!);
    const params = fc.record(Object.fromEntries(names.map((name) => [name, awkwardSegment])) as Record<string, fc.Arbitrary<string>>);
    await fc.assert(
      fc.asyncProperty(params, async (values) => {
        const request = await sent(endpoint, { ...(names.length ? { params: values } : {}), ...(endpoint.body ? { body: {} } : {}) });
        expect(request.method).toBe(endpoint.method);
        const [path, query] = request.url.split('?');
        expect(query).toBeUndefined();
        const segments = path!.split('/');
        const template = `/base${endpoint.path}`.split('/');
        expect(segments).toHaveLength(template.length);
        template.forEach((part, index) => {
          const segment = segments[index]!;
          if (part.startsWith(':')) expect(decodeURIComponent(segment)).toBe(values[part.slice(1)]);
          else expect(segment).toBe(part);
        });
      }),
      { numRuns: names.length ? 15 : 1 },
    );
  });

  it('sends the query and the body as given', async () => {
    const request = await sent(ENDPOINTS.listEvalRuns, { params: { model_id: 'ltr-ranker' }, query: { version: '1.2.0' } });
    expect(request.url).toBe('/base/admin/models/ltr-ranker/eval-runs?version=1.2.0');
    const login = await sent(ENDPOINTS.login, { body: { username: 'olivia', password: 'p&ss word' } });
    expect(JSON.parse(login.body)).toEqual({ username: 'olivia', password: 'p&ss word' });
  });

  it('checks the answer against the schema the table declares', async () => {
    answer = { status: 200, body: { keys: [] } };
    await expect(client.call(ENDPOINTS.listKeys, {})).resolves.toEqual({ keys: [] });
    answer = { status: 200, body: { status: 'broken' } };
    await expect(client.call(ENDPOINTS.healthz, {})).rejects.toMatchObject({ code: 'bad_response' });
  });
});
