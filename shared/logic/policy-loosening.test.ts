import { describe, expect, it } from 'vitest';
import type { ModelPolicy } from '../domain/model.js';
import { policyLoosening } from './policy-loosening.js';

const gate = (limits: Record<string, unknown>): ModelPolicy => ({
  gate: { metrics: { 'ndcg@10': { direction: 'higher_is_better', ...limits } } },
});

describe('policyLoosening', () => {
  it('finds relaxed, dropped and redirected limits, and fewer approvals', () => {
    expect(policyLoosening('LTR', gate({ max_regression_rel: 0.01 }), gate({ max_regression_rel: 0.05 }))).toEqual(['ndcg@10: max_regression_rel 0.01 → 0.05']);
    expect(policyLoosening('LTR', gate({ floor: 0.4 }), gate({ floor: 0.3 }))).toEqual(['ndcg@10: floor 0.4 → 0.3']);
    expect(policyLoosening('LTR', gate({ floor: 0.4, max_regression_abs: 0.01 }), gate({ max_regression_abs: 0.01 }))).toEqual(['ndcg@10: floor 0.4 → none']);
    expect(policyLoosening('LTR', gate({ max_regression_rel: 0.01 }), { gate: { metrics: {} } })).toEqual(['ndcg@10: no longer gated']);
    expect(policyLoosening('LTR', { required_approvals: 2 }, {})).toEqual(['required approvals 2 → 1']);
  });

  it('lets tightening and unrelated edits through', () => {
    expect(policyLoosening('LTR', gate({ max_regression_rel: 0.05 }), gate({ max_regression_rel: 0.01, floor: 0.2 }))).toEqual([]);
    expect(policyLoosening('LTR', {}, { required_approvals: 2, request_ttl_seconds: 600 })).toEqual([]);
  });

  it('compares against the default gate of the model type when none was set', () => {
    // Replacing the type's default gate with an empty one drops every default check.
    expect(policyLoosening('LTR', {}, { gate: { metrics: {} } }).length).toBeGreaterThan(0);
  });
});
