// The intent of a change request: the fields an approver confirms. Its digest
// binds an approval to exactly what was shown (docs/two-person-rule.md, rule 7).
import type { ChangeRequest } from '../domain/change-request.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';

export type Intent = {
  model_id: ChangeRequest['model_id'];
  action: ChangeRequest['action'];
  from_version: ChangeRequest['from_version'];
  to_version: ChangeRequest['target_version'];
  target_pct: ChangeRequest['target_pct'];
  target_checksum: ChangeRequest['target_checksum'];
  gate_snapshot: ChangeRequest['gate_snapshot'];
  expected_state_version: ChangeRequest['expected_state_version'];
};

export type IntentSource = Pick<
  ChangeRequest,
  'model_id' | 'action' | 'from_version' | 'target_version' | 'target_pct' | 'target_checksum' | 'gate_snapshot' | 'expected_state_version'
>;

/** Picks the intent out of a request; anything else it carries (status, decisions, ids) stays out of the digest. */
export function intentOf(request: IntentSource): Intent {
  return {
    model_id: request.model_id,
    action: request.action,
    from_version: request.from_version,
    to_version: request.target_version,
    target_pct: request.target_pct,
    target_checksum: request.target_checksum,
    gate_snapshot: request.gate_snapshot,
    expected_state_version: request.expected_state_version,
  };
}

/** sha256 hex over the RFC 8785 canonical JSON of the intent, so any client can recompute it. */
export function intentDigest(intent: Intent): Promise<string> {
  return sha256Hex(canonicalJson(intent));
}
