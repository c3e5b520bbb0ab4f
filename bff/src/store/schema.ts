// Row types of the BFF's tables as Kysely sees them. JSON columns hold text;
// repositories parse them with the shared/ zod schemas on the way out.
import type { ColumnType, Generated, Selectable } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  /** scrypt$N$r$p$salt$hash (base64url parts). */
  password_hash: string;
  /** JSON array of roles. */
  roles: string;
  /** base32 TOTP secret when enrolled. */
  totp_secret: string | null;
  /** Time step of the last accepted TOTP code (replay guard); null: none yet. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: string | null;
  disabled: ColumnType<number, number | undefined, number>;
  /** Issuer and subject of a person from the company IdP; null for local users (migration 062). */
  idp_issuer: ColumnType<string | null, string | null | undefined, string | null>;
  idp_subject: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** sha256 of the token; the token itself is never stored. */
  token_hash: string;
  /** Rotation family: reuse of a rotated token revokes the whole family. */
  family_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  replaced_by: string | null;
}

/** One sign-in: the refresh family's id, with an absolute end; access tokens name it (`sid`). */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface StepUpTokensTable {
  id: string;
  user_id: string;
  purpose: string | null;
  auth_time: string;
  expires_at: string;
  used_at: string | null;
}

export interface IdpStepUpNoncesTable {
  id: string;
  user_id: string;
  spent_at: string;
}

export interface ModelsTable {
  id: string;
  name: string;
  type: string;
  owner: string;
  description: string;
  /** JSON array. */
  tags: string;
  /** JSON ModelPolicy. */
  policy: string;
  created_at: string;
}

export interface ModelVersionsTable {
  model_id: string;
  version: string;
  /** Insertion order, for stable listing and cursors. */
  seq: Generated<number>;
  status: 'active' | 'candidate' | 'deprecated';
  artifact_uri: string;
  checksum: string;
  /** JSON Runtime. */
  runtime: string;
  framework: string;
  export_format: string;
  release_notes: string;
  supported_until: string | null;
  /** JSON object, at most 256 KiB. */
  metadata: string;
  created_at: string;
  created_by: string;
  deprecated_reason: string | null;
  /** shared/logic/semver-key.ts of `version` (migration 051): its byte order is semver precedence. */
  version_key: ColumnType<string | null, string | undefined, string | null>;
}

/** Per model, what the registry list shows and sorts by (migration 050, store/model-summaries.ts). */
export interface ModelSummariesTable {
  model_id: string;
  name_key: string;
  type: string;
  updated_at: string;
  active_version: string | null;
  /** JSON array, oldest registration first. */
  candidate_versions: string;
  candidate_count: number;
  deprecated_count: number;
  version_count: number;
  /** JSON LastGate or null. */
  last_gate: string | null;
  /** 0 failed, 1 passed, 2 never evaluated. */
  gate_rank: number;
  /** What `q` reads: shared/logic/model-search.ts (the console's in-memory filter reads the same). */
  search_text: string;
  /**
   * The list item's JSON text up to its deployment, open (migration 066; NULL
   * only between the summary's insert and the text's write in the same transaction).
   */
  item_head: string | null;
}

/**
 * Each model's versions as one JSON array text, newest registration first
 * (migration 066): what the model detail sends. A table of its own so that the
 * list's summary rows stay small (the text is 45 KiB at 100 versions).
 */
export interface ModelVersionsJsonTable {
  model_id: string;
  versions_json: string;
}

export interface EvalRunsTable {
  id: string;
  model_id: string;
  version: string;
  baseline_version: string;
  dataset_name: string;
  dataset_hash: string;
  started_at: string;
  finished_at: string;
  /** JSON MetricMap. */
  metrics: string;
  baseline_metrics: string;
  reported_by: string;
  reported_at: string;
}

export interface DeploymentsTable {
  model_id: string;
  stable_version: string | null;
  canary_version: string | null;
  canary_pct: number;
  phase: 'idle' | 'canary' | 'rolling' | 'complete' | 'rolled_back';
  state_version: number;
  previous_stable: string | null;
  /** Per-model routing salt, fixed at creation so buckets stay sticky. */
  salt: string;
  updated_at: string;
}

export interface ChangeRequestsTable {
  id: string;
  model_id: string;
  action: 'start_canary' | 'advance' | 'promote' | 'rollback';
  from_version: string | null;
  target_version: string;
  target_pct: number;
  target_checksum: string;
  /** Who registered the target version: barred from approving it. */
  target_registered_by: string;
  expected_state_version: number;
  requested_by: string;
  requested_at: string;
  requester_auth_time: string;
  justification: string;
  /** JSON GateResult or null. */
  gate_snapshot: string | null;
  gate_override: number;
  /** JSON GateRun (who reported the run behind the gate) or null. */
  gate_run: string | null;
  /** JSON StepAnalysisSummary (the live step's online analysis at request time) or null. */
  online_analysis: string | null;
  required_approvals: number;
  intent_digest: string;
  status: 'pending' | 'dispatched' | 'rejected' | 'expired' | 'cancelled' | 'stale';
  expires_at: string;
  resolved_at: string | null;
}

export interface DecisionsTable {
  request_id: string;
  by: string;
  at: string;
  decision: 'approve' | 'reject';
  comment: string;
  auth_time: string;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  /** JSON object. */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface EventsTable {
  id: Generated<number>;
  at: string;
  type: string;
  /** JSON EventPayload. */
  payload: string;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  method: string;
  route: string;
  /** HMAC-SHA256 (per-database key) of method, URL and body: the same key with another body is a conflict. */
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
  /** While status_code is 0: the reservation holds until then (renewed by the running request). */
  lease_until: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Per-database secrets (store/instance-secrets.ts), e.g. the idempotency HMAC key. */
export interface InstanceSecretsTable {
  name: string;
  /** base64url. */
  value: string;
  created_at: string;
}

export interface SigningKeysTable {
  key_id: string;
  alg: 'Ed25519';
  public_key_pem: string;
  /** PKCS#8 PEM file name in the key directory; null once retired (the private half is destroyed). */
  private_key_file: string | null;
  created_at: string;
  retired_at: string | null;
  /** The private half sealed with BFF_SIGNING_KEY_SECRET (migration 041); null when file-held or retired. */
  private_key_sealed: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuthRateWindowsTable {
  /** Route and client address. */
  bucket: string;
  /** ISO instant of the first attempt of the current window. */
  window_start: string;
  hits: number;
}

export interface ServingTargetsTable {
  model_id: string;
  /** null: pull only. */
  kind: 'haproxy' | 'webhook' | null;
  runtime_api: string | null;
  backend: string | null;
  url: string | null;
  /** Webhook signing secret: write-only, never in an answer. */
  secret: string | null;
  updated_at: string;
  updated_by: string;
}

export interface DispatchesTable {
  model_id: string;
  state_version: number;
  delivery_id: string;
  status: 'pending' | 'retrying' | 'applied' | 'failed' | 'drift';
  target_kind: 'haproxy' | 'webhook';
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  claimed_until: string | null;
  applied_at: string | null;
  /** JSON {version: pct}. */
  observed: string | null;
  enqueued_at: string;
  updated_at: string;
}

export interface ServiceAccountsTable {
  id: string;
  name: string;
  /** JSON array of service roles. */
  roles: string;
  /** sha256 (hex) of the bearer token, never the token. */
  token_hash: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface PolicyChangesTable {
  id: string;
  model_id: string;
  proposed_by: string;
  proposed_at: string;
  /** JSON ModelPolicy. */
  before: string;
  after: string;
  /** JSON array of strings. */
  loosens: string;
  status: 'pending' | 'applied' | 'rejected' | 'expired' | 'stale';
  decided_by: string | null;
  decided_at: string | null;
  expires_at: string;
  /** JSON {before, after} of an online gate edit (migration 065); NULL for a model policy edit. */
  online_gate: string | null;
}

export interface OnlineGatePoliciesTable {
  model_id: string;
  /** JSON OnlineGatePolicy. */
  policy: string;
  updated_at: string;
  updated_by: string;
}

export interface CanaryStepsTable {
  model_id: string;
  state_version: number;
  canary_version: string;
  stable_version: string;
  canary_pct: number;
  status: 'waiting' | 'baking' | 'baked' | 'failing' | 'rolled_back';
  /** JSON OnlineGatePolicy. */
  policy: string;
  intervals_evaluated: number;
  consecutive_passes: number;
  consecutive_failures: number;
  /** JSON IntervalEvaluation. */
  last_evaluation: string | null;
  last_failure: string | null;
  window_start: string;
  next_evaluation_at: string | null;
  /** JSON {server: {responses, errors}}. */
  haproxy_counters: string | null;
  claimed_until: string | null;
  started_at: string;
  updated_at: string;
}

export interface CanarySamplesTable {
  id: string;
  model_id: string;
  state_version: number;
  version: string;
  source: 'haproxy' | 'reported';
  reported_by: string;
  window_start: string;
  window_end: string;
  /** JSON LiveVersionMetrics. */
  metrics: string;
  received_at: string;
}

export interface CanaryEvaluationsTable {
  id: string;
  model_id: string;
  state_version: number;
  verdict: 'passing' | 'failing' | 'inconclusive';
  window_end: string;
  /** JSON IntervalEvaluation. */
  evaluation: string;
}

export interface DB {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  step_up_tokens: StepUpTokensTable;
  idp_step_up_nonces: IdpStepUpNoncesTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_summaries: ModelSummariesTable;
  model_versions_json: ModelVersionsJsonTable;
  eval_runs: EvalRunsTable;
  deployments: DeploymentsTable;
  change_requests: ChangeRequestsTable;
  decisions: DecisionsTable;
  audit_log: AuditLogTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
  signing_keys: SigningKeysTable;
  serving_targets: ServingTargetsTable;
  dispatches: DispatchesTable;
  service_accounts: ServiceAccountsTable;
  sessions: SessionsTable;
  policy_changes: PolicyChangesTable;
  auth_rate_windows: AuthRateWindowsTable;
  instance_secrets: InstanceSecretsTable;
  online_gate_policies: OnlineGatePoliciesTable;
  canary_steps: CanaryStepsTable;
  canary_samples: CanarySamplesTable;
  canary_evaluations: CanaryEvaluationsTable;
}

export type UserRow = Selectable<UsersTable>;
export type ModelRow = Selectable<ModelsTable>;
export type VersionRow = Selectable<ModelVersionsTable>;
export type ModelSummaryRow = Selectable<ModelSummariesTable>;
export type EvalRunRow = Selectable<EvalRunsTable>;
export type DeploymentRow = Selectable<DeploymentsTable>;
export type ChangeRequestRow = Selectable<ChangeRequestsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type PolicyChangeRow = Selectable<PolicyChangesTable>;
export type ServiceAccountRow = Selectable<ServiceAccountsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type ServingTargetRow = Selectable<ServingTargetsTable>;
export type DispatchRow = Selectable<DispatchesTable>;
export type CanaryStepRow = Selectable<CanaryStepsTable>;
