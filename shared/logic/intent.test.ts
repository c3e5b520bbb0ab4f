import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import type { ChangeRequest } from '../domain/change-request.js';
import type { GateResult } from '../domain/gate.js';
import { intentDigest, intentOf, type Intent } from './intent.js';

const GATE: GateResult = {
  passed: false,
  checks: [
    { metric: 'ndcg@10', direction: 'higher_is_better', passed: true, message: 'ndcg@10 held (−0.50 %, limit 1.00 %)' },
    {
      metric: 'latency_proxy',
      direction: 'lower_is_better',
      passed: false,
      reason: 'regression_rel',
      limit: 0.1,
      observed: 0.12,
      message: 'latency_proxy rose by 0.12 (12.0 %), more than the allowed 10.0 %',
    },
  ],
  failed_metrics: ['latency_proxy'],
};

const REQUEST: ChangeRequest = {
  id: 'req_0123456789ab',
  model_id: 'ltr-ranker',
  action: 'start_canary',
  from_version: '1.0.0',
  target_version: '1.1.0',
  target_pct: 5,
  target_checksum: 'a'.repeat(64),
  expected_state_version: 3,
  requested_by: 'olivia',
  requested_at: '2024-05-01T12:00:00.000Z',
  requester_auth_time: '2024-05-01T11:59:00.000Z',
  justification: 'better ranking',
  gate_snapshot: GATE,
  gate_override: true,
  required_approvals: 1,
  intent_digest: '0'.repeat(64),
  status: 'pending',
  decisions: [],
  expires_at: '2024-05-01T13:00:00.000Z',
  resolved_at: null,
};

async function sha256OfText(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('intentOf', () => {
  it('keeps exactly the fields the approver confirms', () => {
    expect(intentOf(REQUEST)).toEqual({
      model_id: 'ltr-ranker',
      action: 'start_canary',
      from_version: '1.0.0',
      to_version: '1.1.0',
      target_pct: 5,
      target_checksum: 'a'.repeat(64),
      gate_snapshot: GATE,
      expected_state_version: 3,
    });
  });
});

describe('intentDigest', () => {
  it('is sha256 over the canonical JSON, as any other client would compute it', async () => {
    const intent = intentOf(REQUEST);
    const digest = await intentDigest(intent);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(await sha256OfText(canonicalize(intent) ?? ''));
  });

  it('ignores what is not intent: status, decisions, justification, ids', async () => {
    const later: ChangeRequest = {
      ...REQUEST,
      id: 'req_zzzzzzzzzzzz',
      status: 'dispatched',
      justification: 'edited',
      decisions: [{ by: 'arjun', at: REQUEST.requested_at, decision: 'approve', comment: '', auth_time: REQUEST.requested_at }],
    };
    expect(await intentDigest(intentOf(later))).toBe(await intentDigest(intentOf(REQUEST)));
  });

  it('does not depend on key order, nor on optional members that are present but undefined', async () => {
    const intent = intentOf(REQUEST);
    const reversed = Object.fromEntries(Object.entries(intent).reverse()) as Intent;
    const [first, second] = GATE.checks;
    const shuffledGate = {
      failed_metrics: GATE.failed_metrics,
      checks: [{ ...first, reason: undefined, limit: undefined, observed: undefined }, second],
      passed: GATE.passed,
    } as GateResult;
    expect(await intentDigest({ ...reversed, gate_snapshot: shuffledGate })).toBe(await intentDigest(intent));
  });

  const changes: Array<[string, Partial<Intent>]> = [
    ['model_id', { model_id: 'other-model' }],
    ['action', { action: 'advance' }],
    ['from_version', { from_version: null }],
    ['to_version', { to_version: '1.1.1' }],
    ['target_pct', { target_pct: 25 }],
    ['target_checksum', { target_checksum: 'b'.repeat(64) }],
    ['gate_snapshot (to none)', { gate_snapshot: null }],
    ['gate_snapshot (passed flag)', { gate_snapshot: { ...GATE, passed: true } }],
    ['gate_snapshot (a number inside)', { gate_snapshot: { ...GATE, checks: [GATE.checks[0]!, { ...GATE.checks[1]!, observed: 0.13 }] } }],
    ['expected_state_version', { expected_state_version: 4 }],
  ];
  it.each(changes)('changes when %s changes', async (_field, change) => {
    const intent = intentOf(REQUEST);
    expect(await intentDigest({ ...intent, ...change })).not.toBe(await intentDigest(intent));
  });

  it('tells apart any two intents that differ in a top-level field', async () => {
    const intent = fc.record({
      model_id: fc.constantFrom('a', 'b'),
      action: fc.constantFrom('start_canary', 'advance', 'promote', 'rollback'),
      from_version: fc.constantFrom('1.0.0', null),
      to_version: fc.constantFrom('1.0.0', '2.0.0'),
      target_pct: fc.integer({ min: 0, max: 100 }),
      target_checksum: fc.constantFrom('a'.repeat(64), 'b'.repeat(64)),
      gate_snapshot: fc.constantFrom(GATE, null),
      expected_state_version: fc.nat(5),
    }) as fc.Arbitrary<Intent>;
    await fc.assert(
      fc.asyncProperty(intent, intent, async (a, b) => {
        const same = canonicalize(a) === canonicalize(b);
        expect((await intentDigest(a)) === (await intentDigest(b))).toBe(same);
      }),
      { numRuns: 200 },
    );
  });
});
