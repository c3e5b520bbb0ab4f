// Two-person rule 10 for the online gate, against a real, demo-seeded BFF (both
// engines): an edit that loosens a model's online gate (a higher error or
// latency limit, fewer bake intervals, more fail intervals, fewer requests, a
// shorter interval, a reset to a looser default) waits for a second admin via
// /admin/policy-changes; a tightening applies at once; stale and self-approval
// are refused as for model policy changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineGatePolicy } from '../../../shared/domain/online-gate.js';
import { defaultOnlineGatePolicy } from '../../../shared/logic/online-gate.js';
import { startHarness, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let vera: Client;
let ada: Client;
let adele: Client;

beforeAll(async () => {
  h = await startHarness({ extraUsers: [{ username: 'vera', roles: ['viewer'] }, { username: 'adele', roles: ['admin'] }] });
  [vera, ada, adele] = await Promise.all([h.as('vera'), h.as('ada'), h.as('adele')]);
});
afterAll(async () => h?.close());

const MODEL = 'bert-sentiment';
const DEFAULT = defaultOnlineGatePolicy('CLASSIFIER');
const put = (admin: Client, policy: OnlineGatePolicy | null) => admin.call('PUT', `/admin/models/${MODEL}/online-gate`, { body: { policy }, stepUp: 'policy' });
const gateNow = async () => (await vera.get(`/admin/models/${MODEL}/online-gate`)).body;

describe('loosening an online gate needs a second admin', () => {
  it('each loosened limit waits (202) and changes nothing until another admin approves it with step-up; all audited', async () => {
    const cases: Array<[Partial<OnlineGatePolicy>, string]> = [
      [{ max_error_rate_increase_pts: 5 }, `online gate: max_error_rate_increase_pts ${DEFAULT.max_error_rate_increase_pts} → 5`],
      [{ max_p95_latency_ratio: 2 }, `online gate: max_p95_latency_ratio ${DEFAULT.max_p95_latency_ratio} → 2`],
      [{ bake_intervals: 1 }, `online gate: bake_intervals ${DEFAULT.bake_intervals} → 1`],
      [{ fail_intervals: 10 }, `online gate: fail_intervals ${DEFAULT.fail_intervals} → 10`],
      [{ min_requests: 10 }, `online gate: min_requests ${DEFAULT.min_requests} → 10`],
      [{ interval_s: 5 }, `online gate: interval_s ${DEFAULT.interval_s} → 5`],
      [{ latency_noise_floor_ms: 500 }, `online gate: latency_noise_floor_ms ${DEFAULT.latency_noise_floor_ms} → 500`],
    ];
    for (const [edit, reason] of cases) {
      const proposed = await put(ada, { ...DEFAULT, ...edit });
      expect(proposed.status, proposed.text).toBe(202);
      expect(proposed.body.policy_change).toMatchObject({ status: 'pending', proposed_by: 'ada', loosens: [reason], online_gate: { before: null, after: { ...DEFAULT, ...edit } } });
      expect(await gateNow()).toEqual({ policy: DEFAULT, is_default: true });
      expect((await adele.post(`/admin/policy-changes/${proposed.body.policy_change.id}/reject`, {})).status).toBe(200);
    }

    const looser = { ...DEFAULT, max_error_rate_increase_pts: 5, bake_intervals: 2 };
    const proposed = await put(ada, looser);
    expect(proposed.status).toBe(202);
    const change = proposed.body.policy_change;
    expect((await ada.get('/admin/policy-changes?status=pending')).body.items.map((c: { id: string }) => c.id)).toContain(change.id);
    const selfApproval = await ada.post(`/admin/policy-changes/${change.id}/approve`, {}, { stepUp: 'policy' });
    expect([selfApproval.status, selfApproval.body.error.code]).toEqual([403, 'self_approval']);
    expect((await adele.post(`/admin/policy-changes/${change.id}/approve`, {})).status).toBe(428);
    const approved = await adele.post(`/admin/policy-changes/${change.id}/approve`, {}, { stepUp: 'policy' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.policy_change).toMatchObject({ status: 'applied', decided_by: 'adele' });
    expect(await gateNow()).toEqual({ policy: looser, is_default: false });

    const actions = (await ada.get('/admin/audit?limit=20')).body.items
      .filter((e: { action: string }) => !e.action.startsWith('auth.'))
      .map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`);
    expect(actions.slice(0, 3)).toEqual(['adele online_gate.set', 'adele model.policy_change_approved', 'ada model.policy_change_proposed']);
    const set = (await ada.get('/admin/audit?action=online_gate.set')).body.items[0];
    expect(set.details).toMatchObject({ before: DEFAULT, after: looser, is_default: false, change_id: change.id, proposed_by: 'ada' });
  });

  it('a tightening applies at once and makes a pending loosening stale; a reset to a looser default waits too', async () => {
    const tight = { ...DEFAULT, max_error_rate_increase_pts: 0.5, bake_intervals: 8 };
    const loosening = await put(ada, { ...DEFAULT, max_error_rate_increase_pts: 9 });
    expect(loosening.status).toBe(202);
    const tightened = await put(adele, tight);
    expect(tightened.status, tightened.text).toBe(200);
    expect(tightened.body).toEqual({ policy: tight, is_default: false });
    const stale = await adele.post(`/admin/policy-changes/${loosening.body.policy_change.id}/approve`, {}, { stepUp: 'policy' });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'stale_state']);
    expect(await gateNow()).toEqual({ policy: tight, is_default: false });

    // Back to the type's default is looser than `tight`: it waits, and approving it removes the model's own gate.
    const reset = await put(ada, null);
    expect(reset.status).toBe(202);
    expect(reset.body.policy_change.online_gate).toEqual({ before: tight, after: null });
    expect(await gateNow()).toEqual({ policy: tight, is_default: false });
    expect((await adele.post(`/admin/policy-changes/${reset.body.policy_change.id}/approve`, {}, { stepUp: 'policy' })).status).toBe(200);
    expect(await gateNow()).toEqual({ policy: DEFAULT, is_default: true });
  });

  it('an edit that changes nothing looser (the same values, or a business metric added) applies at once', async () => {
    const withMetric = { ...DEFAULT, business_metric: { metric: 'click_through', max_drop_pct: 3 } };
    expect((await put(ada, withMetric)).status).toBe(200);
    const dropped = await put(ada, DEFAULT);
    expect(dropped.status).toBe(202);
    expect(dropped.body.policy_change.loosens).toEqual(['online gate: business metric click_through no longer checked']);
  });
});
