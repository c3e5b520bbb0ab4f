// Finding 14 of issue 11: the OpenAPI document pointed $refs at empty
// components, declared no error status and did not carry the artifact URI
// scheme allow-list. It is checked here by an independent validator
// (@seriousme/openapi-schema-validator), every $ref is resolved, and every
// operation is called the ways it can fail to see the answer is declared.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../shared/api/errors.js';
import { ARTIFACT_SCHEMES } from '../../shared/domain/model.js';
import { startTestBff, type TestBff } from './testing/harness.js';

type Doc = { paths: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };
type Operation = { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>; requestBody?: { content: Record<string, { schema: JsonSchema }> } };
type JsonSchema = Record<string, unknown>;

let bff: TestBff;
let doc: Doc;

beforeAll(async () => {
  bff = await startTestBff({ users: [{ username: 'vera', roles: ['viewer'] }] });
  const answer = await bff.call('GET', '/openapi.json');
  expect(answer.status).toBe(200);
  doc = answer.body as Doc;
});
afterAll(async () => bff?.stop());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })));

/** Resolves a local JSON pointer (#/a/b~1c) in the document. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

describe('GET /openapi.json', () => {
  it('is valid OpenAPI to an independent validator', async () => {
    const result = await new Validator().validate(structuredClone(doc) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is self-contained: every $ref resolves inside the document', () => {
    const refs: string[] = [];
    const pending: unknown[] = [doc];
    while (pending.length > 0) {
      const node = pending.pop();
      if (node === null || typeof node !== 'object') continue;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else pending.push(value);
      }
    }
    const unresolved = refs.filter((ref) => resolvePointer(ref) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('declares the error statuses of every operation with the one error shape', () => {
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      const statuses = Object.keys(operation.responses);
      expect(statuses, where).toContain('500');
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const schema = operation.responses[status]!.content?.['application/json']?.schema as { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } };
        expect(schema?.properties?.error?.properties?.code?.enum, `${where} ${status}`).toEqual(Object.keys(ERROR_STATUS));
      }
    }
    const responses = (method: string, path: string) => Object.keys(doc.paths[path]![method]!.responses);
    expect(responses('get', '/admin/models/{model_id}')).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
    expect(responses('post', '/admin/models/{model_id}/rollout')).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409', '422', '428']));
    expect(responses('post', '/admin/approvals/{request_id}/approve')).toEqual(expect.arrayContaining(['409', '422', '428']));
    expect(responses('post', '/auth/login')).toEqual(expect.arrayContaining(['400', '401', '429']));
    expect(responses('post', '/auth/login')).not.toContain('403');
  });

  it('carries the artifact URI scheme allow-list in the schema', () => {
    const body = doc.paths['/admin/models/{model_id}/versions']!.post!.requestBody!.content['application/json']!.schema as {
      properties: { artifact_uri: { pattern: string } };
    };
    const pattern = new RegExp(body.properties.artifact_uri.pattern, 'u');
    for (const scheme of ARTIFACT_SCHEMES) expect(pattern.test(`${scheme}://bucket/key`), scheme).toBe(true);
    for (const uri of ['http://example.com/model', 'javascript:alert(1)', 'data:text/plain,x', 'ftp://host/model']) expect(pattern.test(uri), uri).toBe(false);
  });

  it('declares what each operation answers without a token and to a body that is not JSON', async () => {
    const fill = (path: string) => path.replace('{model_id}', 'ltr-ranker').replace('{version}', '1.0.0').replace('{request_id}', 'req_abcdefgh');
    for (const { path, method, operation } of operations()) {
      if (path === '/admin/events') continue; // a stream: its 401 is checked by its own suite
      const declared = Object.keys(operation.responses);
      const anonymous = await bff.call(method, fill(path));
      expect(declared, `${method} ${path} without a token answered ${anonymous.status}`).toContain(String(anonymous.status));
      if (operation.requestBody) {
        const broken = await bff.call(method, fill(path), { rawBody: '{"not json', headers: { 'content-type': 'application/json' } });
        expect(declared, `${method} ${path} with a broken body answered ${broken.status}`).toContain(String(broken.status));
      }
    }
  });
});
