// Domain objects for renderer tests, consistent with shared/ (deltas and gates
// computed by shared/logic, digests by the real intent function).
import type { ModelSummary } from '../../../shared/api/models.js';
import type { AuditEntry } from '../../../shared/domain/audit.js';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { Deployment } from '../../../shared/domain/deployment.js';
import type { EvalRunResult, MetricMap } from '../../../shared/domain/eval-run.js';
import type { Model, ModelVersion } from '../../../shared/domain/model.js';
import type { User } from '../../../shared/domain/user.js';
import { computeDelta, defaultGatePolicy, evaluateGate } from '../../../shared/logic/gate.js';
import { intentDigest, intentOf } from '../../../shared/logic/intent.js';

export const T0 = '2026-11-20T10:00:00.000Z';
export const CHECKSUM = 'a'.repeat(64);

export const user = (username: string, roles: User['roles'], display = username): User => ({ id: `usr_${username}`, username, display_name: display, roles });
export const OLIVIA = user('olivia', ['operator'], 'Olivia Operator');
export const ARJUN = user('arjun', ['approver'], 'Arjun Approver');

export function model(overrides: Partial<Model> = {}): Model {
  return {
    id: 'ltr-ranker',
    name: 'Search learning-to-rank',
    type: 'LTR',
    owner: 'search-relevance',
    description: 'LambdaMART ranker',
    tags: ['search'],
    policy: {},
    created_at: T0,
    ...overrides,
  };
}

export function version(v: string, overrides: Partial<ModelVersion> = {}): ModelVersion {
  return {
    model_id: 'ltr-ranker',
    version: v,
    artifact_uri: `s3://models/ltr-ranker/${v}/model.txt`,
    checksum: CHECKSUM,
    runtime: { device: 'cpu', max_batch: 1000 },
    framework: 'lightgbm',
    export_format: 'lightgbm-txt',
    release_notes: `Notes of ${v}`,
    metadata: { training_config: { epochs: 3 } },
    status: 'candidate',
    created_at: T0,
    created_by: 'ravi',
    ...overrides,
  };
}

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    model_id: 'ltr-ranker',
    stable_version: '2.0.0',
    canary_version: null,
    canary_pct: 0,
    phase: 'idle',
    state_version: 3,
    previous_stable: null,
    plan: [5, 25, 50, 100],
    updated_at: T0,
    dispatch: { status: 'none', target_kind: null, attempts: 0 },
    ...overrides,
  };
}

export const BASELINE_METRICS: MetricMap = { 'ndcg@10': 0.5, 'mrr@10': 0.56, 'recall@100': 0.92, zero_result_rate: 0.024, latency_proxy: 4.4 };

export function run(id: string, v: string, baseline: string, metrics: MetricMap, overrides: Partial<EvalRunResult> = {}, baselineMetrics = BASELINE_METRICS): EvalRunResult {
  const policy = defaultGatePolicy('LTR');
  return {
    id: `run_${id.padEnd(8, '0')}`,
    model_id: 'ltr-ranker',
    version: v,
    baseline_version: baseline,
    dataset: { name: 'search-judgements', hash: 'b'.repeat(64) },
    started_at: T0,
    finished_at: T0,
    metrics,
    baseline_metrics: baselineMetrics,
    reported_by: 'eval-runner',
    reported_at: T0,
    delta: computeDelta(metrics, baselineMetrics, policy),
    gate: evaluateGate(policy, metrics, baselineMetrics),
    ...overrides,
  };
}

export function summary(id: string, overrides: Partial<ModelSummary> = {}, modelOverrides: Partial<Model> = {}): ModelSummary {
  return {
    model: model({ id, name: id, ...modelOverrides }),
    active_version: '1.0.0',
    candidate_versions: [],
    version_count: 1,
    deployment: { phase: 'idle', stable_version: '1.0.0', canary_version: null, canary_pct: 0 },
    last_gate: null,
    ...overrides,
  };
}

export async function request(overrides: Partial<ChangeRequest> = {}): Promise<ChangeRequest> {
  const base: Omit<ChangeRequest, 'intent_digest'> = {
    id: 'req_abcdefgh1234',
    model_id: 'ltr-ranker',
    action: 'start_canary',
    from_version: '2.0.0',
    target_version: '2.1.0',
    target_pct: 5,
    target_checksum: CHECKSUM,
    expected_state_version: 3,
    requested_by: 'olivia',
    requested_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    requester_auth_time: new Date(Date.now() - 5 * 60_000).toISOString(),
    justification: 'Offline gate passed',
    gate_snapshot: { passed: true, checks: [], failed_metrics: [] },
    gate_override: false,
    required_approvals: 1,
    status: 'pending',
    decisions: [],
    expires_at: new Date(Date.now() + 55 * 60_000).toISOString(),
    resolved_at: null,
    ...overrides,
  };
  return { ...base, intent_digest: overrides.intent_digest ?? (await intentDigest(intentOf(base))) };
}

export function auditEntry(seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq,
    at: T0,
    actor: 'olivia',
    action: 'rollout.requested',
    target: 'request:req_abcdefgh1234',
    details: { model_id: 'ltr-ranker', action: 'start_canary', from_version: '2.0.0', target_version: '2.1.0', target_pct: 5, justification: 'why' },
    prev_hash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...overrides,
  };
}
