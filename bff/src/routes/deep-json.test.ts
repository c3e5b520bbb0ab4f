// Finding 9 of issue 11: version metadata nested thousands of levels deep was
// accepted and then broke the model for everyone (detail, signed report and
// deprecate answered 500, an Idempotency-Key made the register call itself 500).
// Inputs are now bounded at 32 levels and every walk over stored JSON is iterative.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_MAX_DEPTH } from '../../../shared/domain/primitives.js';
import { idempotencyKey, startHarness, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;

beforeAll(async () => {
  h = await startHarness();
  olivia = await h.as('olivia');
});
afterAll(async () => h?.close());

const registration = (version: string) => ({
  version,
  artifact_uri: `s3://acme-ml-models/ltr-ranker/${version}/model.txt`,
  checksum: 'ab'.repeat(32),
  runtime: { device: 'cpu' },
  framework: 'lightgbm',
  export_format: 'lightgbm-text',
  metadata: { nested: 'DEEP' },
});

/** `levels` objects nested in one another, as text (a value this deep cannot go through a recursive JSON.stringify). */
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** The registration body with `metadata.nested` replaced by `deepText` (metadata itself is level 1). */
const bodyWith = (version: string, deepText: string) => JSON.stringify(registration(version)).replace('"DEEP"', deepText);

async function postRaw(path: string, text: string, headers: Record<string, string> = {}) {
  return h.bff.call('POST', path, { token: olivia.token, rawBody: text, headers: { 'content-type': 'application/json', ...headers } });
}

async function modelStillWorks(): Promise<void> {
  const detail = await olivia.get('/admin/models/ltr-ranker');
  expect(detail.status, detail.text).toBe(200);
  const report = await olivia.get('/admin/models/ltr-ranker/eval-report');
  expect(report.status, report.text).toBe(200);
}

describe('version metadata depth', () => {
  it(`accepts ${JSON_MAX_DEPTH} levels and refuses ${JSON_MAX_DEPTH + 1} with a 400 naming the bound`, async () => {
    const ok = await postRaw('/admin/models/ltr-ranker/versions', bodyWith('7.0.0', nestedObjects(JSON_MAX_DEPTH - 1)));
    expect(ok.status, ok.text).toBe(201);
    const refused = await postRaw('/admin/models/ltr-ranker/versions', bodyWith('7.0.1', nestedObjects(JSON_MAX_DEPTH)));
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.error.code).toBe('invalid_request');
    expect(refused.body.error.message).toMatch(/nested deeper than 32 levels/);
    await modelStillWorks();
  });

  it.each([
    ['2,000 levels of objects', nestedObjects(2000)],
    ['100,000 levels of arrays', nestedArrays(100_000)],
  ])('refuses %s with a 400 that is not a stack overflow, with and without an Idempotency-Key', async (_name, deep) => {
    const variants: Record<string, string>[] = [{}, { 'idempotency-key': idempotencyKey() }];
    for (const headers of variants) {
      const answer = await postRaw('/admin/models/ltr-ranker/versions', bodyWith('7.1.0', deep), headers);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body.error.code).toBe('invalid_request');
      expect(answer.text).not.toMatch(/call stack/i);
    }
    expect((await olivia.get('/admin/models/ltr-ranker')).text).not.toContain('"version":"7.1.0"');
    await modelStillWorks();
  });

  it('keeps a model readable, reportable and deprecable when a row stored before the bound is deep', async () => {
    // About the deepest the old code accepted (its recursive validator gave out near 1,600 levels); the
    // row is written directly, as a database from before the bound holds it.
    const created = await olivia.post('/admin/models/ltr-ranker/versions', registration('7.2.0'));
    expect(created.status, created.text).toBe(201);
    await h.bff.ctx.db
      .updateTable('model_versions')
      .set({ metadata: `{"nested":${nestedObjects(1500)}}` })
      .where('model_id', '=', 'ltr-ranker')
      .where('version', '=', '7.2.0')
      .execute();

    const detail = await olivia.get('/admin/models/ltr-ranker');
    expect(detail.status, detail.text.slice(0, 300)).toBe(200);
    expect(detail.text).toContain('"version":"7.2.0"');
    const report = await olivia.get('/admin/models/ltr-ranker/eval-report?versions=7.2.0');
    expect(report.status, report.text.slice(0, 300)).toBe(200);
    const deprecated = await olivia.post('/admin/models/ltr-ranker/versions/7.2.0/deprecate', { reason: 'too deep' });
    expect(deprecated.status, deprecated.text.slice(0, 300)).toBe(200);
    expect(deprecated.body.version.status).toBe('deprecated');
  });
});
