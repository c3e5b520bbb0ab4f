// The demo seed: bert-sentiment comes from its data file (each version's
// metadata.json as written), and every seeded deployment leaves the audit
// trail a real history would — the chain of which verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bertSentiment from '../../../resources/demo/bert-sentiment.json' with { type: 'json' };
import { startHarness, type Harness } from '../testing/demo-harness.js';
import { startTestBff } from '../testing/harness.js';
import { verifyPassword } from '../services/passwords.js';
import { findUserByUsername } from '../store/users.js';
import { DEMO_USERS, demoPassword, seedDemo } from './demo.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

type Entry = { seq: number; at: string; actor: string; action: string; details: Record<string, unknown> };

async function auditOf(modelId: string, action: string): Promise<Entry[]> {
  const ada = await harness.as('ada');
  const answer = await ada.get(`/admin/audit?model_id=${modelId}&action=${action}&limit=200`);
  expect(answer.status).toBe(200);
  return (answer.body as { items: Entry[] }).items;
}

describe('demo seed', () => {
  it('reads bert-sentiment from resources/demo, metadata as the training job wrote it', async () => {
    const olivia = await harness.as('olivia');
    const detail = (await olivia.get('/admin/models/bert-sentiment')).body as { versions: { version: string; framework: string; metadata: unknown }[] };
    for (const entry of bertSentiment.versions) {
      const version = detail.versions.find((v) => v.version === entry.metadata.version);
      expect(version?.framework).toBe(entry.metadata.framework);
      expect(version?.metadata).toEqual(entry.metadata);
    }
  });

  it('leaves the history of how each deployment got where it is', async () => {
    // ltr-ranker: 1.5.0 went live first, then 2.0.0 replaced it (its previous stable).
    const dispatched = (await auditOf('ltr-ranker', 'rollout.dispatched')).reverse();
    expect(dispatched.map((entry) => `${entry.details.to}@${entry.details.pct}`)).toEqual(['1.5.0@5', '1.5.0@25', '1.5.0@50', '1.5.0@100', '2.0.0@5', '2.0.0@25', '2.0.0@50', '2.0.0@100']);
    expect(dispatched.at(-1)!.details).toMatchObject({ action: 'promote', from: '1.5.0', requested_by: 'olivia', approved_by: ['arjun'] });
    const requested = await auditOf('ltr-ranker', 'rollout.requested');
    const approved = await auditOf('ltr-ranker', 'request.approved');
    expect([requested.length, approved.length]).toEqual([8, 8]);
    // The reranker follows its own plan (10 -> 50 -> 100).
    expect((await auditOf('cross-encoder-reranker', 'rollout.dispatched')).map((entry) => entry.details.pct).reverse()).toEqual([10, 50, 100]);
    // Versions registered and deprecated, eval runs reported with their gate.
    expect((await auditOf('ltr-ranker', 'version.registered')).map((entry) => entry.details.version).sort()).toEqual(['1.0.0', '1.5.0', '2.0.0', '2.1.0', '2.2.0']);
    expect((await auditOf('ltr-ranker', 'version.deprecated')).map((entry) => entry.details.version)).toEqual(['1.0.0']);
    const runs = await auditOf('ltr-ranker', 'eval_run.reported');
    expect(runs.find((entry) => entry.details.version === '2.2.0')?.details).toMatchObject({ passed: false, failed_metrics: expect.arrayContaining(['ndcg@10']) });
  });

  it('writes the history in time order, before the seed entry, and the chain verifies', async () => {
    const ada = await harness.as('ada');
    const everything = ((await ada.get('/admin/audit?limit=500')).body as { items: Entry[] }).items.reverse();
    // Up to the seed's own entry (sign-ins of this test come after it).
    const all = everything.slice(0, everything.findIndex((entry) => entry.action === 'seed.demo') + 1);
    expect(all.length).toBeGreaterThan(100);
    // The BFF's own entries (its signing key, the seed marker) are written now; the history between them reads in time order.
    const history = all.filter((entry) => entry.actor !== 'system');
    for (let index = 1; index < history.length; index += 1) expect(history[index]!.at >= history[index - 1]!.at, `entry ${history[index]!.seq}`).toBe(true);
    const verify = await ada.get('/admin/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, entries: everything.length });
  });
});

describe('demo seed without passwords (local mode)', () => {
  it('creates the demo users with no password that could sign in: nothing is hashed', async () => {
    const bff = await startTestBff({ users: [] });
    try {
      expect(await seedDemo(bff.ctx.db, bff.clock.now(), { passwords: false })).toBe(true);
      for (const { username } of DEMO_USERS) {
        const stored = await findUserByUsername(bff.ctx.db, username);
        expect(stored?.passwordHash, username).toBe('!');
        expect(await verifyPassword(demoPassword(username), stored!.passwordHash)).toBe(false);
        expect((await bff.call('POST', '/auth/login', { body: { username, password: demoPassword(username) } })).status).toBe(401);
      }
    } finally {
      await bff.stop();
    }
  });
});
