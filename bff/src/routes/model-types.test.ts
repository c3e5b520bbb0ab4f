// GET /admin/model-types against a real, demo-seeded BFF: every type with its
// count, kept current by the summaries a write maintains, and read on SQLite
// through the summaries' type index without a sort.
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelListResponse, ModelTypeListResponse } from '../../../shared/api/models.js';
import { modelTypeCountsQuery } from '../store/model-types.js';
import { TEST_ENGINE } from '../testing/harness.js';
import { startHarness, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;
let arjun: Client;

beforeAll(async () => {
  h = await startHarness();
  [olivia, arjun] = await Promise.all([h.as('olivia'), h.as('arjun')]);
});
afterAll(async () => h?.close());

/** The counts as the list itself says them: what the endpoint must agree with. */
async function countsFromList(client: Client): Promise<Array<{ type: string; count: number }>> {
  const list = ModelListResponse.parse((await client.get('/admin/models?limit=500')).body);
  const counts = new Map<string, number>();
  for (const item of list.items) counts.set(item.model.type, (counts.get(item.model.type) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, count]) => ({ type, count }));
}

describe('GET /admin/model-types', () => {
  it('lists every type of the registry once, alphabetically, with its number of models, to any role', async () => {
    const answer = await arjun.get('/admin/model-types');
    expect(answer.status).toBe(200);
    const body = ModelTypeListResponse.parse(answer.body);
    expect(body.items.length).toBeGreaterThan(1);
    expect(body.items).toEqual(await countsFromList(arjun));
  });

  it('counts a model created a moment ago, under a type new to the registry', async () => {
    const created = await olivia.post('/admin/models', { id: 'types-probe', name: 'Types probe', type: 'TYPESPROBE', owner: 'search-team' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const body = ModelTypeListResponse.parse((await olivia.get('/admin/model-types')).body);
    expect(body.items).toContainEqual({ type: 'TYPESPROBE', count: 1 });
    expect(body.items).toEqual(await countsFromList(olivia));
  });

  it('answers nobody who is not signed in', async () => {
    const answer = await h.anonymous('GET', '/admin/model-types');
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it.runIf(TEST_ENGINE === 'sqlite')('reads the type index only (covering), without a sort (SQLite plan)', async () => {
    const compiled = modelTypeCountsQuery(h.bff.ctx.db).compile();
    const plan = await h.bff.ctx.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    const details = plan.rows.map((row) => row.detail).join('\n');
    expect(details).toMatch(/SCAN model_summaries USING COVERING INDEX model_summaries_type_/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });
});
