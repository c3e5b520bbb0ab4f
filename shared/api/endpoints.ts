// Every HTTP endpoint the BFF serves, declared once (shared/api/endpoint.ts):
// the BFF registers its routes from this table and the main process calls
// through it, so a path, a schema or a step-up purpose is written here only.
// Adding an endpoint: docs/decisions/0005-one-endpoint-table.md.
import { z } from 'zod';
import { EvalReportQuery, KeysResponse, SignedReport } from '../report/report.js';
import { AuditListQuery, AuditListResponse, AuditVerifyQuery, AuditVerifyResponse, SignedAuditHead } from './audit.js';
import { LoginRequest, LogoutRequest, MeResponse, RefreshRequest, StepUpRequest, StepUpResponse, TokenResponse } from './auth.js';
import { AuthConfigResponse } from './auth-config.js';
import { defineEndpoint } from './endpoint.js';
import { CanaryAnalysisResponse, LiveMetricsRequest, LiveMetricsResponse, OnlineGateResponse, SetOnlineGateRequest } from './canary.js';
import { EventsHeaders, EventsQuery } from './events.js';
import {
  CreateModelRequest,
  DeprecateVersionRequest,
  EvalRunListQuery,
  EvalRunListResponse,
  EvalRunRequest,
  EvalRunResponse,
  ModelDetailResponse,
  ModelListQuery,
  ModelListResponse,
  ModelParams,
  ModelResponse,
  ModelTypeListResponse,
  PolicyChangeDecisionResponse,
  PolicyChangeListQuery,
  PolicyChangeListResponse,
  PolicyChangeParams,
  PolicyChangeResponse,
  RegisterVersionRequest,
  UpdatePolicyRequest,
  VersionListQuery,
  VersionListResponse,
  VersionParams,
  VersionResponse,
} from './models.js';
import {
  ApprovalListQuery,
  ApprovalListResponse,
  ApprovalParams,
  ApprovalResponse,
  ApproveRequest,
  ApproveResponse,
  CancelRequest,
  RejectRequest,
  RollbackRequest,
  RollbackResponse,
  RolloutRequest,
  RolloutResponse,
} from './rollout.js';
import { RetryDispatchResponse, ServingResponse, SetServingRequest } from './serving.js';
import { HealthQuery, HealthResponse, RoutingResponse } from './system.js';

export const ENDPOINTS = {
  // --- system: what load balancers, routers and API tools poll
  healthz: defineEndpoint({
    method: 'GET',
    path: '/healthz',
    query: HealthQuery,
    responses: { 200: HealthResponse },
    access: { role: 'public' },
    tags: ['system'],
    description: 'Liveness; with ?ready=1 readiness (503 while draining for shutdown or with migrations pending).',
  }),
  routing: defineEndpoint({
    method: 'GET',
    path: '/routing',
    responses: { 200: RoutingResponse },
    // People with any role read it in the console; routers poll it with a service token.
    access: { role: 'viewer', services: ['router'] },
    tags: ['system'],
  }),
  openapi: defineEndpoint({ method: 'GET', path: '/openapi.json', access: { role: 'public' }, tags: ['system'], hidden: true }),

  // --- auth: sign-in, refresh, sign-out (public, rate-limited), step-up and the current user
  login: defineEndpoint({ method: 'POST', path: '/auth/login', body: LoginRequest, responses: { 200: TokenResponse }, access: { role: 'public' }, tags: ['auth'] }),
  refresh: defineEndpoint({ method: 'POST', path: '/auth/refresh', body: RefreshRequest, responses: { 200: TokenResponse }, access: { role: 'public' }, tags: ['auth'] }),
  logout: defineEndpoint({ method: 'POST', path: '/auth/logout', body: LogoutRequest, responses: { 204: z.null() }, access: { role: 'public' }, tags: ['auth'] }),
  stepUp: defineEndpoint({
    method: 'POST',
    path: '/auth/step-up',
    body: StepUpRequest,
    responses: { 200: StepUpResponse },
    // viewer = any signed-in user; the purpose decides where the token may be spent.
    access: { role: 'viewer' },
    // Here step_up_required is the refusal of the authentication itself (a company sign-in
    // older than 5 minutes, or weaker than the configured acr/amr): a 401 challenge to sign
    // in again (details.reason says why), not 428's "send a step-up token with this action".
    errorStatus: { step_up_required: 401 },
    tags: ['auth'],
    description:
      'Trades a re-authentication (password and TOTP, or a fresh company sign-in: {id_token, nonce}) for a single-use step-up token bound to a purpose. A company sign-in that is too old or too weak answers 401 step_up_required with details.reason (auth_time_too_old, authentication_too_weak).',
  }),
  me: defineEndpoint({ method: 'GET', path: '/auth/me', responses: { 200: MeResponse }, access: { role: 'viewer' }, tags: ['auth'] }),
  authConfig: defineEndpoint({
    method: 'GET',
    path: '/auth/config',
    responses: { 200: AuthConfigResponse },
    access: { role: 'public' },
    tags: ['auth'],
    description: 'The sign-in methods this BFF offers: password and/or the company IdP (OIDC) with what the console needs to start a sign-in there.',
  }),

  // --- audit: the hash-chained log, its verification and its signed head
  listAudit: defineEndpoint({ method: 'GET', path: '/admin/audit', query: AuditListQuery, responses: { 200: AuditListResponse }, access: { role: 'viewer' }, tags: ['audit'] }),
  verifyAudit: defineEndpoint({
    method: 'GET',
    path: '/admin/audit/verify',
    query: AuditVerifyQuery,
    responses: { 200: AuditVerifyResponse },
    access: { role: 'viewer' },
    tags: ['audit'],
  }),
  auditHead: defineEndpoint({ method: 'GET', path: '/admin/audit/head', responses: { 200: SignedAuditHead }, access: { role: 'viewer' }, tags: ['audit'] }),

  // --- events: the server-sent event stream (text/event-stream, no JSON answer)
  events: defineEndpoint({
    method: 'GET',
    path: '/admin/events',
    query: EventsQuery,
    headers: EventsHeaders,
    access: { role: 'viewer' },
    tags: ['events'],
    description: 'text/event-stream of ServerEvent: `id:` the event id, `event:` its type, `data:` the ServerEvent as JSON.',
  }),

  // --- models: the registry
  listModels: defineEndpoint({ method: 'GET', path: '/admin/models', query: ModelListQuery, responses: { 200: ModelListResponse }, access: { role: 'viewer' }, tags: ['models'] }),
  /** The type filter's choices in a registry too large to read whole (issue 12): not under /admin/models/, where it would hide a model named "types". */
  listModelTypes: defineEndpoint({ method: 'GET', path: '/admin/model-types', responses: { 200: ModelTypeListResponse }, access: { role: 'viewer' }, tags: ['models'] }),
  createModel: defineEndpoint({ method: 'POST', path: '/admin/models', body: CreateModelRequest, responses: { 201: ModelResponse }, access: { role: 'operator' }, tags: ['models'] }),
  getModel: defineEndpoint({
    method: 'GET',
    path: '/admin/models/:model_id',
    params: ModelParams,
    responses: { 200: ModelDetailResponse },
    access: { role: 'viewer' },
    tags: ['models'],
  }),
  updatePolicy: defineEndpoint({
    method: 'PUT',
    path: '/admin/models/:model_id/policy',
    params: ModelParams,
    body: UpdatePolicyRequest,
    // 202: the edit loosens the bar for rollouts and waits for a second admin.
    responses: { 200: ModelResponse, 202: PolicyChangeResponse },
    access: { role: 'admin', stepUp: 'policy' },
    tags: ['models'],
  }),
  listVersions: defineEndpoint({
    method: 'GET',
    path: '/admin/models/:model_id/versions',
    params: ModelParams,
    query: VersionListQuery,
    responses: { 200: VersionListResponse },
    access: { role: 'viewer' },
    tags: ['models'],
  }),
  registerVersion: defineEndpoint({
    method: 'POST',
    path: '/admin/models/:model_id/versions',
    params: ModelParams,
    body: RegisterVersionRequest,
    responses: { 201: VersionResponse },
    access: { role: 'operator' },
    tags: ['models'],
  }),
  deprecateVersion: defineEndpoint({
    method: 'POST',
    path: '/admin/models/:model_id/versions/:version/deprecate',
    params: VersionParams,
    body: DeprecateVersionRequest,
    responses: { 200: VersionResponse },
    access: { role: 'operator' },
    tags: ['models'],
  }),

  // --- policy changes: loosening edits waiting for a second admin
  listPolicyChanges: defineEndpoint({
    method: 'GET',
    path: '/admin/policy-changes',
    query: PolicyChangeListQuery,
    responses: { 200: PolicyChangeListResponse },
    access: { role: 'admin' },
    tags: ['models'],
  }),
  approvePolicyChange: defineEndpoint({
    method: 'POST',
    path: '/admin/policy-changes/:change_id/approve',
    params: PolicyChangeParams,
    responses: { 200: PolicyChangeDecisionResponse },
    access: { role: 'admin', stepUp: 'policy' },
    tags: ['models'],
  }),
  rejectPolicyChange: defineEndpoint({
    method: 'POST',
    path: '/admin/policy-changes/:change_id/reject',
    params: PolicyChangeParams,
    responses: { 200: PolicyChangeDecisionResponse },
    access: { role: 'admin' },
    tags: ['models'],
  }),

  // --- eval runs: reported by the eval runner (a machine, never a person: an operator who
  // could post metrics could pass their own gate), listed with delta and gate
  reportEvalRun: defineEndpoint({
    method: 'POST',
    path: '/admin/models/:model_id/eval-runs',
    params: ModelParams,
    body: EvalRunRequest,
    responses: { 201: EvalRunResponse },
    access: { role: 'service', services: ['eval_runner'] },
    tags: ['eval-runs'],
  }),
  listEvalRuns: defineEndpoint({
    method: 'GET',
    path: '/admin/models/:model_id/eval-runs',
    params: ModelParams,
    query: EvalRunListQuery,
    responses: { 200: EvalRunListResponse },
    access: { role: 'viewer' },
    tags: ['eval-runs'],
  }),

  // --- reports: the signed eval-report export and the keys that verify it
  listKeys: defineEndpoint({
    method: 'GET',
    path: '/admin/keys',
    responses: { 200: KeysResponse },
    // Public on purpose: these are public keys, and "any tool can verify a report" includes
    // scripts and reviewers with no account on this BFF. The console pins them while signed in.
    access: { role: 'public' },
    tags: ['reports'],
  }),
  evalReport: defineEndpoint({
    method: 'GET',
    path: '/admin/models/:model_id/eval-report',
    params: ModelParams,
    query: EvalReportQuery,
    responses: { 200: SignedReport },
    access: { role: 'viewer' },
    tags: ['reports'],
  }),

  // --- rollout: request a step (two-person, answered 202 pending) and roll back (immediate)
  requestRollout: defineEndpoint({
    method: 'POST',
    path: '/admin/models/:model_id/rollout',
    params: ModelParams,
    body: RolloutRequest,
    responses: { 202: RolloutResponse },
    access: { role: 'operator', stepUp: 'rollout' },
    tags: ['rollout'],
  }),
  rollback: defineEndpoint({
    method: 'POST',
    path: '/admin/models/:model_id/rollback',
    params: ModelParams,
    body: RollbackRequest,
    responses: { 200: RollbackResponse },
    access: { role: 'operator', stepUp: 'rollback' },
    tags: ['rollout'],
  }),

  // --- approvals: the queue of change requests and the second person's decisions
  listApprovals: defineEndpoint({
    method: 'GET',
    path: '/admin/approvals',
    query: ApprovalListQuery,
    responses: { 200: ApprovalListResponse },
    access: { role: 'viewer' },
    tags: ['approvals'],
  }),
  getApproval: defineEndpoint({
    method: 'GET',
    path: '/admin/approvals/:request_id',
    params: ApprovalParams,
    responses: { 200: ApprovalResponse },
    access: { role: 'viewer' },
    tags: ['approvals'],
  }),
  approve: defineEndpoint({
    method: 'POST',
    path: '/admin/approvals/:request_id/approve',
    params: ApprovalParams,
    body: ApproveRequest,
    responses: { 200: ApproveResponse },
    access: { role: 'approver', stepUp: 'approve' },
    tags: ['approvals'],
  }),
  reject: defineEndpoint({
    method: 'POST',
    path: '/admin/approvals/:request_id/reject',
    params: ApprovalParams,
    body: RejectRequest,
    responses: { 200: ApprovalResponse },
    access: { role: 'approver', stepUp: 'reject' },
    tags: ['approvals'],
  }),
  cancel: defineEndpoint({
    method: 'POST',
    path: '/admin/approvals/:request_id/cancel',
    params: ApprovalParams,
    body: CancelRequest,
    responses: { 200: ApprovalResponse },
    access: { role: 'operator' },
    tags: ['approvals'],
  }),

  // --- serving: where a model is served (set by an admin with step-up; every role that sees
  // the deployment reads it, it never holds the secret) and the operator's Retry dispatch
  getServing: defineEndpoint({
    method: 'GET',
    path: '/admin/models/:model_id/serving',
    params: ModelParams,
    responses: { 200: ServingResponse },
    access: { role: 'viewer' },
    tags: ['serving'],
  }),
  setServing: defineEndpoint({
    method: 'PUT',
    path: '/admin/models/:model_id/serving',
    params: ModelParams,
    body: SetServingRequest,
    responses: { 200: ServingResponse },
    access: { role: 'admin', stepUp: 'serving.set' },
    tags: ['serving'],
  }),
  retryDispatch: defineEndpoint({
    method: 'POST',
    path: '/admin/models/:model_id/dispatch/retry',
    params: ModelParams,
    responses: { 200: RetryDispatchResponse },
    // Re-applies the state already approved, so no step-up: it cannot change where traffic should go.
    access: { role: 'operator' },
    tags: ['serving'],
  }),

  // Online canary analysis (README, "Online canary analysis").
  /** A serving layer's window of live metrics; only a machine may post them (a person could pass or fail a canary by hand). */
  reportLiveMetrics: defineEndpoint({
    method: 'POST',
    path: '/admin/models/:model_id/live-metrics',
    params: ModelParams,
    body: LiveMetricsRequest,
    responses: { 202: LiveMetricsResponse },
    access: { role: 'service', services: ['metrics_reporter'] },
    tags: ['canary'],
  }),
  getOnlineGate: defineEndpoint({
    method: 'GET',
    path: '/admin/models/:model_id/online-gate',
    params: ModelParams,
    responses: { 200: OnlineGateResponse },
    access: { role: 'viewer' },
    tags: ['canary'],
  }),
  setOnlineGate: defineEndpoint({
    method: 'PUT',
    path: '/admin/models/:model_id/online-gate',
    params: ModelParams,
    body: SetOnlineGateRequest,
    // 202: the edit loosens the gate and waits for a second admin (/admin/policy-changes).
    responses: { 200: OnlineGateResponse, 202: PolicyChangeResponse },
    access: { role: 'admin', stepUp: 'policy' },
    tags: ['canary'],
  }),
  getCanaryAnalysis: defineEndpoint({
    method: 'GET',
    path: '/admin/models/:model_id/canary-analysis',
    params: ModelParams,
    responses: { 200: CanaryAnalysisResponse },
    access: { role: 'viewer' },
    tags: ['canary'],
  }),
} as const;

export type EndpointName = keyof typeof ENDPOINTS;
