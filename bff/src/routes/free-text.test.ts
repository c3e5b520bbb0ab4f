// Finding 13 of issue 11: text was not kept as sent — a justification with NUL
// read back cut at the NUL, a lone surrogate came back as U+FFFD. Every
// free-text field is the shared FreeText now, which refuses both with a 400;
// valid text (astral characters included) reads back exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Answer, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;


beforeAll(async () => {
  h = await startHarness();
  olivia = await h.as('olivia');
});
afterAll(async () => h?.close());

const NUL = 'roll out\u0000 (cut here)';
const LONE_HIGH = 'roll out \ud83d alone';
const LONE_LOW = 'roll out \ude00 alone';

function expectRefused(answer: Answer, reason: RegExp): void {
  expect(answer.status, answer.text).toBe(400);
  expect(answer.body.error.code).toBe('invalid_request');
  expect(answer.body.error.message).toMatch(reason);
}

const pending = async () => (await olivia.get('/admin/approvals?status=pending&model_id=bert-sentiment')).body.items as unknown[];

describe('free text', () => {
  it.each([
    ['a NUL', NUL, /NUL/],
    ['a lone high surrogate', LONE_HIGH, /lone UTF-16 surrogate/],
    ['a lone low surrogate', LONE_LOW, /lone UTF-16 surrogate/],
  ])('refuses a rollout justification with %s, and nothing is requested', async (_name, justification, reason) => {
    const answer = await olivia.post(
      '/admin/models/bert-sentiment/rollout',
      { target_version: '1.1.0', strategy: 'canary', justification },
      { stepUp: 'rollout' },
    );
    expectRefused(answer, reason);
    expect(await pending()).toEqual([]);
  });

  it('refuses NUL and lone surrogates in the other free-text fields too', async () => {
    expectRefused(await olivia.post('/admin/models/ltr-ranker/versions/1.5.0/deprecate', { reason: NUL }), /NUL/);
    expectRefused(await olivia.post('/admin/models/ltr-ranker/rollback', { justification: LONE_HIGH }, { stepUp: 'rollback' }), /surrogate/);
    expectRefused(
      await olivia.post('/admin/models', { id: 'text-test', name: `Model ${LONE_LOW}`, type: 'LTR', owner: 'search' }),
      /surrogate/,
    );
    expectRefused(await olivia.post('/admin/models', { id: 'text-test', name: 'Model', type: 'LTR', owner: `team${NUL}` }), /NUL/);
    const search = await olivia.get(`/admin/models?q=${encodeURIComponent('ltr\u0000')}`);
    expectRefused(search, /NUL/);
  });

  it('keeps valid text exactly as sent: astral characters, combining marks, right-to-left', async () => {
    const justification = 'ship it 🚀 — e\u0301 café שלום 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';
    const answer = await olivia.post('/admin/models/bert-sentiment/rollout', { target_version: '1.1.0', strategy: 'canary', justification }, { stepUp: 'rollout' });
    expect(answer.status, answer.text).toBe(202);
    const [stored] = (await pending()) as { justification: string }[];
    expect(stored?.justification).toBe(justification);
  });
});
