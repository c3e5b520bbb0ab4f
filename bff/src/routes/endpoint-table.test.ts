// The endpoint table (shared/api/endpoints.ts) is the BFF's routes: every route
// buildApp registers is an entry with the same access, every entry is
// registered, and a path built from an entry for any parameter value reaches
// that entry's route in Fastify's router with exactly that value.
import fc from 'fast-check';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePathSegment, endpointPath, type Endpoint } from '../../../shared/api/endpoint.js';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import { registeredRoutes } from '../app.js';
import { startTestBff, type TestBff } from '../testing/harness.js';

const TABLE = Object.entries(ENDPOINTS) as [string, Endpoint][];
const routeOf = (method: string, path: string) => `${method} ${path}`;

describe('the endpoint table and the routes the BFF registers', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBff();
  });
  afterAll(async () => bff?.stop());

  it('are the same routes, each with the access the table declares', () => {
    const registered = new Map(registeredRoutes(bff.app).map((route) => [routeOf(route.method, route.url), route.access]));
    const declared = new Map(TABLE.map(([, endpoint]) => [routeOf(endpoint.method, endpoint.path), endpoint.access]));
    expect([...registered.keys()].sort()).toEqual([...declared.keys()].sort());
    for (const [route, access] of declared) expect(registered.get(route), route).toEqual(access);
  });

  it('has one entry per method and path', () => {
    expect(new Set(TABLE.map(([, endpoint]) => routeOf(endpoint.method, endpoint.path))).size).toBe(TABLE.length);
  });
});

const DOT_SEGMENTS = ['.', '..'];

// Values a path parameter should survive: separators, percent signs, dots, non-ASCII.
const awkwardSegment = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
    fc.constantFrom('/', '%', '%2F', '%25', '%2E', '?', '#', ' ', '+', ';', 'a/b', '../x', '...', '%00', 'é', '😀', 'approve', ':model_id'),
  )
  // Dot segments are refused (below); Fastify's default maxParamLength (the BFF keeps it)
  // makes longer values the router's 404, not ours.
  .filter((value) => !DOT_SEGMENTS.includes(value) && encodePathSegment(value).length <= 100);

describe('paths built from the table', () => {
  const app = Fastify();
  beforeAll(async () => {
    // Fastify's router with nothing but the table's routes, each answering which entry matched and its raw params.
    for (const [name, endpoint] of TABLE) {
      app.route({ method: endpoint.method, url: endpoint.path, handler: async (request) => ({ name, params: request.params }) });
    }
    await app.ready();
  });
  afterAll(async () => app.close());

  const withParams = TABLE.filter(([, endpoint]) => endpoint.path.includes(':'));

  it.each(withParams)('reach %s with exactly the given parameter values', async (name, endpoint) => {
    const names = [...endpoint.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => match[1]!);
    const params = fc.record(Object.fromEntries(names.map((param) => [param, awkwardSegment])) as Record<string, fc.Arbitrary<string>>);
    await fc.assert(
      fc.asyncProperty(params, async (values) => {
        const answer = await app.inject({ method: endpoint.method, url: endpointPath(endpoint, values) });
        expect(answer.statusCode).toBe(200);
        expect(answer.json()).toEqual({ name, params: values });
      }),
      { numRuns: 40 },
    );
  });

  it('refuse a missing, empty or dot-segment parameter instead of building another route', () => {
    expect(() => endpointPath(ENDPOINTS.getModel, {})).toThrow(/model_id/);
    expect(() => endpointPath(ENDPOINTS.getModel, { model_id: '' })).toThrow(/model_id/);
    // A URL parser resolves these (encoded or not): /admin/models/.. would be /admin.
    for (const dots of DOT_SEGMENTS) expect(() => endpointPath(ENDPOINTS.getModel, { model_id: dots })).toThrow(/path parameter/);
  });
});
