// Which edits of a model's policy loosen it (a lower bar for a rollout): a
// gated metric dropped or its limit relaxed, or fewer approvals required. Such
// an edit needs a second admin (issue 11, finding 8); tightening applies at once.
import type { GatePolicy, MetricGate } from '../domain/gate.js';
import { DEFAULT_REQUIRED_APPROVALS, type ModelPolicy } from '../domain/model.js';
import { effectiveGatePolicy } from './gate.js';

function looserLimits(metric: string, before: MetricGate, after: MetricGate): string[] {
  const reasons: string[] = [];
  if (after.direction !== before.direction) reasons.push(`${metric}: direction changed to ${after.direction}`);
  // A bound that is dropped, or moved so that more values pass, loosens the gate.
  const upper = (name: 'max_regression_abs' | 'max_regression_rel' | 'ceiling') => {
    const was = before[name];
    const now = after[name];
    if (was !== undefined && (now === undefined || now > was)) reasons.push(`${metric}: ${name} ${was} → ${now ?? 'none'}`);
  };
  upper('max_regression_abs');
  upper('max_regression_rel');
  upper('ceiling');
  if (before.floor !== undefined && (after.floor === undefined || after.floor < before.floor)) {
    reasons.push(`${metric}: floor ${before.floor} → ${after.floor ?? 'none'}`);
  }
  return reasons;
}

function looserGate(before: GatePolicy, after: GatePolicy): string[] {
  const reasons: string[] = [];
  for (const [metric, gate] of Object.entries(before.metrics)) {
    const next = after.metrics[metric];
    if (!next) reasons.push(`${metric}: no longer gated`);
    else reasons.push(...looserLimits(metric, gate, next));
  }
  return reasons;
}

/** Sentences naming each way `after` is looser than `before` for a model of `modelType`; empty when it is not. */
export function policyLoosening(modelType: string, before: ModelPolicy, after: ModelPolicy): string[] {
  const reasons = looserGate(effectiveGatePolicy({ type: modelType, policy: before }), effectiveGatePolicy({ type: modelType, policy: after }));
  const approvalsBefore = before.required_approvals ?? DEFAULT_REQUIRED_APPROVALS;
  const approvalsAfter = after.required_approvals ?? DEFAULT_REQUIRED_APPROVALS;
  if (approvalsAfter < approvalsBefore) reasons.push(`required approvals ${approvalsBefore} → ${approvalsAfter}`);
  return reasons;
}
