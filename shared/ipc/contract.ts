// The IPC contract between the renderer and the main process, declared once:
// every channel with its zod request and response, and every main -> renderer push.
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../api/errors.js';
import { Password } from '../api/auth.js';
import { AuditListQuery, AuditListResponse, AuditVerifyResponse } from '../api/audit.js';
import {
  DeprecateVersionRequest,
  EvalRunListResponse,
  ModelDetailResponse,
  ModelListQuery,
  ModelListResponse,
  ModelTypeListResponse,
  VersionListQuery,
  VersionListResponse,
  RegisterVersionRequest,
  VersionResponse,
} from '../api/models.js';
import {
  ApprovalListQuery,
  ApprovalListResponse,
  ApprovalResponse,
  ApproveRequest,
  ApproveResponse,
  CancelRequest,
  RejectRequest,
  RollbackRequest,
  RollbackResponse,
  RolloutRequest,
  RolloutResponse,
} from '../api/rollout.js';
import { ServerEvent } from '../api/events.js';
import { RetryDispatchResponse, ServingResponse } from '../api/serving.js';
import { CanaryAnalysisResponse, OnlineGateResponse, SetOnlineGateRequest } from '../api/canary.js';
import { PolicyChange } from '../domain/policy-change.js';
import { RequestId } from '../domain/change-request.js';
import { ModelId, SemVer, Timestamp, Username } from '../domain/primitives.js';
import { Role, User } from '../domain/user.js';
import { KeyId, PinnedKey, REPORT_FILE_MAX_BYTES, REPORT_MAX_VERSIONS, ReportVerification, SignedReport } from '../report/report.js';
import { BffUrl, RendererSettingsPatch, SettingKey, Settings } from '../settings/settings.js';

// ---------------------------------------------------------------------------
// Errors and the response envelope

/** Codes the main process adds to the BFF's own (which travel unchanged). */
export const CLIENT_ERROR_CODES = [
  /** The BFF could not be reached (DNS, refused, TLS, proxy). */
  'network_unreachable',
  /** The BFF did not answer in time. */
  'timeout',
  /** The BFF answered something that does not match the API schema. */
  'bad_response',
  /** Signed in before, but the session could not be renewed: sign in again. */
  'session_expired',
  /** No session at all: sign in first. */
  'not_signed_in',
  /** The renderer sent a payload the contract refuses. */
  'invalid_ipc_payload',
  /** The workstation policy file is unreadable or invalid: remote mode is off. */
  'policy_invalid',
  /** A setting the workstation policy locks. */
  'setting_locked',
  /** The OS keychain (Secret Service, Keychain, Credential Manager) failed. */
  'keychain_unavailable',
  /** The embedded local BFF could not start. */
  'local_mode_failed',
  /** A report (or page) could not be written where the user chose. */
  'file_write_failed',
  /** A key to import is not an Ed25519 public key in PEM. */
  'invalid_key',
  /** Another key is already imported under that key id. */
  'key_conflict',
  /** The user declined a native confirmation the main process showed: nothing was done. */
  'cancelled_by_user',
  /** A BFF URL the console refuses: plain http to a non-loopback host, or an origin the policy does not allow. */
  'bff_not_allowed',
  /** The BFF's answer was larger than the console accepts (decompressed size counted): aborted. */
  'response_too_large',
  /** Company sign-in (OIDC) did not complete: the IdP refused, the browser never came back, or its answer failed a check. */
  'sign_in_failed',
  /** The BFF names a company IdP other than the one the workstation policy fixes. */
  'issuer_not_allowed',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export type IpcErrorCode = ErrorCode | ClientErrorCode;
const IPC_ERROR_CODES: [IpcErrorCode, ...IpcErrorCode[]] = [...CLIENT_ERROR_CODES, ...(Object.keys(ERROR_STATUS) as ErrorCode[])];
export const IpcErrorCode = z.enum(IPC_ERROR_CODES);

export const IpcError = z.strictObject({
  code: IpcErrorCode,
  /** A sentence for people; never a stack trace. */
  message: z.string().max(2000),
  details: z.unknown().optional(),
});
export type IpcError = z.infer<typeof IpcError>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** The envelope every invoke answers with, for a given value schema. */
export const ipcResult = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), value }), z.strictObject({ ok: z.literal(false), error: IpcError })]);

// ---------------------------------------------------------------------------
// Shapes used by several channels

/**
 * Re-authentication for one risky action; traded by the main process for a
 * single-use step-up token. `local_account`: local mode, for a demo user the
 * console signed in itself — the native confirmation the main process shows is
 * the user's say-so, and the embedded BFF issues the token in-process
 * (docs/decisions/0014-local-mode-sign-in.md).
 */
export const StepUpCredentials = z.union([
  z.strictObject({
    password: Password,
    totp: z
      .string()
      .regex(/^\d{6}$/, 'a 6-digit code')
      .optional(),
  }),
  z.strictObject({ local_account: z.literal(true) }),
  /** Signed in at the company IdP: the main process runs a fresh authorization there (max_age=0). */
  z.strictObject({ idp: z.literal(true) }),
]);
export type StepUpCredentials = z.infer<typeof StepUpCredentials>;

/** What saving an online gate did: applied (the gate now in force) or pending a second admin. */
export const SetOnlineGateResult = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('applied'), gate: OnlineGateResponse }),
  z.strictObject({ outcome: z.literal('pending'), policy_change: PolicyChange }),
]);
export type SetOnlineGateResult = z.infer<typeof SetOnlineGateResult>;

export const SessionState = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('signed_out'),
    /** A user whose refresh token is in the keychain (restore would try it). */
    remembered_user: Username.nullable(),
  }),
  z.strictObject({
    status: z.literal('signed_in'),
    user: User,
    /** The refresh token is in the OS keychain ("stay signed in"). */
    remembered: z.boolean(),
    /** Set when the user asked to stay signed in but the keychain refused; the session still works. */
    keychain_warning: z.string().optional(),
    /** Local mode: a demo user the console signed in itself (re-authentication needs no password). */
    local_account: z.literal(true).optional(),
    /** Signed in at the company IdP: re-authentication is a fresh sign-in there (step_up: {idp: true}). */
    idp: z.literal(true).optional(),
  }),
]);
export type SessionState = z.infer<typeof SessionState>;

/** The sign-in screen's choices: password form and/or "Sign in with <provider_name>". */
export const SignInMethods = z.strictObject({
  /** Show the user name + password form (named so: no secret-sounding key goes to the renderer). */
  local_sign_in: z.boolean(),
  idp: z.strictObject({ provider_name: z.string().min(1).max(80) }).nullable(),
});
export type SignInMethods = z.infer<typeof SignInMethods>;

/** Local mode's demo users, whom the console signs in itself (their passwords stay in the main process). */
export const LocalUser = z.strictObject({ username: Username, display_name: z.string(), roles: z.array(Role) });
export type LocalUser = z.infer<typeof LocalUser>;

export const AppMode = z.enum(['local', 'remote']);
export type AppMode = z.infer<typeof AppMode>;

export const PolicyStatus = z.strictObject({
  /** The file the console looked at (documented path per OS, or MODELOPS_POLICY_FILE). */
  path: z.string(),
  state: z.enum(['absent', 'loaded', 'invalid']),
  /** For `invalid`: what is wrong, naming the file. */
  error: z.string().optional(),
});
export type PolicyStatus = z.infer<typeof PolicyStatus>;

export const SettingsView = z.strictObject({
  /** Effective values (policy applied over the user's own). */
  settings: Settings,
  /** Settings the workstation policy fixes; the UI shows them locked. */
  locked: z.array(SettingKey),
  mode: AppMode,
  /** Origin of the BFF in use, null while none is (invalid policy, local BFF not up). */
  bff_origin: z.string().nullable(),
  policy: PolicyStatus,
  /** A changed bff_url takes effect after a restart of the app. */
  restart_required: z.boolean(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const ConnectionState = z.strictObject({
  /** Event stream to the BFF: live updates and notifications depend on it. */
  state: z.enum(['idle', 'connecting', 'connected', 'reconnecting']),
  /** For `reconnecting`: when the next attempt is due, in ms from now. */
  retry_in_ms: z.number().int().min(0).optional(),
  /** The last failure, for people. */
  message: z.string().optional(),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

export const AppInfo = z.strictObject({
  name: z.string(),
  version: z.string(),
  mode: AppMode,
  bff_origin: z.string().nullable(),
  platform: z.string(),
  /** Whether the OS shows a count on the app icon (the pending-approvals badge). */
  badge_supported: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Empty = z.strictObject({});

/** Why the main process reconnected at once (OS power and network events). */
export const WakeReason = z.enum(['resume', 'unlock-screen', 'network-online']);
export type WakeReason = z.infer<typeof WakeReason>;

/** Menu and tray commands that act on the renderer's screen or session. */
export const RendererMenuCommand = z.enum(['export-report', 'sign-out', 'keyboard-shortcuts', 'open-settings', 'open-approvals']);
export type RendererMenuCommand = z.infer<typeof RendererMenuCommand>;

// ---------------------------------------------------------------------------
// Offline review: exported eval reports (README.md#offline-review)

/** The versions a report is about, as the eval report screen names them (omitted: the BFF's default pair). */
const ReportVersions = z
  .array(SemVer)
  .min(1)
  .max(REPORT_MAX_VERSIONS)
  .refine((versions) => new Set(versions).size === versions.length, 'each version once');

/** A self-contained HTML page is larger than its JSON (inline SVG charts), but bounded all the same. */
export const REPORT_HTML_MAX_CHARS = 64 * 1024 * 1024;

/**
 * `json`: the main process fetches the signed report and writes the BFF's
 * bytes as they came. `html`: the renderer (which has echarts) built the page
 * from a report it fetched with `app:reports:get`; the main process only saves it.
 */
export const ReportExportRequest = z.discriminatedUnion('format', [
  z.strictObject({ format: z.literal('json'), model_id: ModelId, versions: ReportVersions.optional() }),
  z.strictObject({
    format: z.literal('html'),
    model_id: ModelId,
    versions: ReportVersions.optional(),
    html: z
      .string()
      .max(REPORT_HTML_MAX_CHARS)
      .refine((html) => /^<!doctype html>/i.test(html), 'an HTML document starting with <!doctype html>'),
  }),
]);
export type ReportExportRequest = z.infer<typeof ReportExportRequest>;

export const ReportExportResult = z.discriminatedUnion('status', [
  /** The user closed the save dialog: nothing written. */
  z.strictObject({ status: z.literal('cancelled') }),
  z.strictObject({
    status: z.literal('saved'),
    path: z.string(),
    file_name: z.string(),
    bytes: z.number().int().min(0),
    /** For `json`: the saved file checked against the pinned keys, as a reviewer would see it. */
    verification: ReportVerification.nullable(),
  }),
]);
export type ReportExportResult = z.infer<typeof ReportExportResult>;

/** A report file opened (dialog, drop, file association), with the console's verdict on it. */
export const OpenedReport = z.strictObject({
  /** Names this opened file in the main process, so it can be checked again after a key import. */
  opened_id: z.string().regex(/^opened_[0-9a-z]{1,32}$/),
  file_name: z.string().max(1024),
  /** Where it was read from; null for a dropped file (the renderer never learns paths). */
  path: z.string().max(4096).nullable(),
  bytes: z.number().int().min(0),
  opened_at: Timestamp,
  verification: ReportVerification,
  /** The report as this console reads it (schema 1); null when the file is not one. */
  signed: SignedReport.nullable(),
});
export type OpenedReport = z.infer<typeof OpenedReport>;

export const ReportOpenResult = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('cancelled') }),
  z.strictObject({ status: z.literal('opened'), report: OpenedReport }),
]);
export type ReportOpenResult = z.infer<typeof ReportOpenResult>;

// ---------------------------------------------------------------------------
// Invoke channels: renderer -> main, answered with ipcResult(response)

/** One invoke channel; the name is `app:<domain>:<verb>`. */
export interface ChannelSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
}
const channel = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res): ChannelSpec<Req, Res> => ({
  request,
  response,
});

export const INVOKE_CHANNELS = {
  'app:session:sign-in': channel(
    z.strictObject({ username: Username, password: Password, stay_signed_in: z.boolean() }),
    SessionState,
  ),
  /** Company sign-in (OIDC): the main process opens the system browser at the IdP and waits for the loopback redirect. */
  'app:session:sign-in-idp': channel(z.strictObject({ stay_signed_in: z.boolean() }), SessionState),
  /** Stops a company sign-in or step-up waiting on the browser (it then fails with cancelled_by_user); false when none waited. */
  'app:session:cancel-idp': channel(Empty, z.strictObject({ cancelled: z.boolean() })),
  /** Which sign-in methods the BFF offers, and whether the workstation policy hides the password form. */
  'app:session:sign-in-methods': channel(Empty, SignInMethods),
  /** Local mode: signs in as one of the embedded BFF's demo users; the main process holds their passwords. */
  'app:session:sign-in-local': channel(z.strictObject({ username: Username, stay_signed_in: z.boolean() }), SessionState),
  /** Local mode: the demo users the sign-in screen offers (empty in remote mode). */
  'app:session:local-users': channel(Empty, z.strictObject({ users: z.array(LocalUser) })),
  'app:session:sign-out': channel(Empty, SessionState),
  /** Signs in again with the refresh token kept in the keychain, if any. */
  'app:session:restore': channel(Empty, SessionState),
  'app:session:state': channel(Empty, SessionState),

  'app:models:list': channel(ModelListQuery, ModelListResponse),
  'app:models:types': channel(Empty, ModelTypeListResponse),
  /** One page of a model's versions, searched, filtered and sorted by the BFF (a model with many versions). */
  'app:models:versions': channel(VersionListQuery.extend({ model_id: ModelId }), VersionListResponse),
  'app:models:get': channel(z.strictObject({ model_id: ModelId }), ModelDetailResponse),
  'app:models:register-version': channel(z.strictObject({ model_id: ModelId, version: RegisterVersionRequest }), VersionResponse),
  'app:models:deprecate-version': channel(
    z.strictObject({ model_id: ModelId, version: SemVer, ...DeprecateVersionRequest.shape }),
    VersionResponse,
  ),

  'app:evals:list': channel(z.strictObject({ model_id: ModelId, version: SemVer.optional() }), EvalRunListResponse),

  /** Creates a pending change request; the password is used once for a step-up token, never kept. */
  'app:rollout:request': channel(
    z.strictObject({ model_id: ModelId, rollout: RolloutRequest, step_up: StepUpCredentials }),
    RolloutResponse,
  ),
  /** Immediate rollback by one operator with a fresh step-up. */
  'app:rollout:rollback': channel(
    z.strictObject({ model_id: ModelId, ...RollbackRequest.shape, step_up: StepUpCredentials }),
    RollbackResponse,
  ),

  'app:approvals:list': channel(ApprovalListQuery, ApprovalListResponse),
  'app:approvals:get': channel(z.strictObject({ request_id: RequestId }), ApprovalResponse),
  /** intent_digest is the digest the renderer showed, computed from the request by shared/logic. */
  'app:approvals:approve': channel(
    z.strictObject({ request_id: RequestId, ...ApproveRequest.shape, step_up: StepUpCredentials }),
    ApproveResponse,
  ),
  'app:approvals:reject': channel(
    z.strictObject({ request_id: RequestId, ...RejectRequest.shape, step_up: StepUpCredentials }),
    ApprovalResponse,
  ),
  /** The requester withdraws a pending request (no step-up). */
  'app:approvals:cancel': channel(z.strictObject({ request_id: RequestId, ...CancelRequest.shape }), ApprovalResponse),

  /** Where a model's traffic is steered (HAProxy backend, webhook, or pull only); a webhook secret is never in it. */
  'app:serving:get': channel(z.strictObject({ model_id: ModelId }), ServingResponse),
  /** Operator: apply the approved deployment to the serving layer again now (after a failure or drift). */
  'app:serving:retry-dispatch': channel(z.strictObject({ model_id: ModelId }), RetryDispatchResponse),

  /** The live (or last) canary step's online analysis and its interval verdicts; later ones arrive as canary.* events. */
  'app:canary:get': channel(z.strictObject({ model_id: ModelId }), CanaryAnalysisResponse),
  /** The model's online gate (its own, or the type's default). */
  'app:canary:gate': channel(z.strictObject({ model_id: ModelId }), OnlineGateResponse),
  /**
   * Admin: sets the model's online gate (policy null: the type's default) with a
   * step-up (purpose `policy`). A tightening applies at once; a loosening waits
   * for a second admin (two-person rule 10) and answers the pending change.
   */
  'app:canary:set-gate': channel(
    z.strictObject({ model_id: ModelId, ...SetOnlineGateRequest.shape, step_up: StepUpCredentials }),
    SetOnlineGateResult,
  ),

  'app:audit:list': channel(AuditListQuery, AuditListResponse),
  'app:audit:verify': channel(Empty, AuditVerifyResponse),

  'app:settings:get': channel(Empty, SettingsView),
  /** Theme and notifications; never the BFF (see change-bff). */
  'app:settings:set': channel(RendererSettingsPatch, SettingsView),
  /**
   * Asks to use another BFF (null: local mode) from the next start. The main
   * process shows the origin in a native confirmation first; the policy may lock
   * the BFF or limit it to `allowed_bff_origins`.
   */
  'app:settings:change-bff': channel(z.strictObject({ bff_url: BffUrl.nullable() }), SettingsView),

  'app:connection:state': channel(Empty, ConnectionState),
  'app:app:info': channel(Empty, AppInfo),

  /** Fetches a signed report (viewer role) for the renderer to build the HTML page from. */
  'app:reports:get': channel(z.strictObject({ model_id: ModelId, versions: ReportVersions.optional() }), SignedReport),
  /** Saves a report through the native save dialog (atomic write). */
  'app:reports:export': channel(ReportExportRequest, ReportExportResult),
  /** Opens a report file chosen in the native open dialog. No sign-in and no network needed. */
  'app:reports:open': channel(Empty, ReportOpenResult),
  /**
   * A file dropped on the window: the renderer read it (after checking its
   * size) and sends the bytes, so no path ever passes from the page to the main process.
   */
  'app:reports:open-dropped': channel(
    z.strictObject({ file_name: z.string().max(1024), bytes: z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= REPORT_FILE_MAX_BYTES, 'at most 50 MB') }),
    OpenedReport,
  ),
  /** Checks an opened report again against the pins (after a key import). */
  'app:reports:reverify': channel(z.strictObject({ opened_id: OpenedReport.shape.opened_id }), OpenedReport),
  /** Every pinned report-signing key: from BFFs signed in to, and imported by hand. */
  'app:reports:keys': channel(Empty, z.strictObject({ keys: z.array(PinnedKey) })),
  /** Trusts a public key handed over out of band (a PEM from the BFF's admin). */
  'app:reports:import-key': channel(
    z.strictObject({ public_key_pem: z.string().min(1).max(8192), label: z.string().max(200).optional(), key_id: KeyId.optional() }),
    z.strictObject({ key: PinnedKey }),
  ),
} as const satisfies Record<`app:${string}:${string}`, ChannelSpec>;

export type InvokeChannel = keyof typeof INVOKE_CHANNELS;
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof INVOKE_CHANNELS)[C]['request']>;
export type InvokeRequestParsed<C extends InvokeChannel> = z.output<(typeof INVOKE_CHANNELS)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof INVOKE_CHANNELS)[C]['response']>;

// ---------------------------------------------------------------------------
// Push channels: main -> renderer

export const PUSH_CHANNELS = {
  /** The session could not be renewed: the renderer shows the sign-in prompt. */
  'app:session:expired': z.strictObject({ message: z.string() }),
  /** The same person, as the BFF now sees them: roles changed at the company IdP (seen at a fresh sign-in there). */
  'app:session:user-changed': z.strictObject({ user: User }),
  /** State of the event stream to the BFF. */
  'app:connection:changed': ConnectionState,
  /** A BFF event, for live refresh of whatever screen shows it. */
  'app:events:received': ServerEvent,
  /** Pending approvals the signed-in approver could decide (also the app badge). */
  'app:approvals:pending-changed': z.strictObject({ count: z.number().int().min(0) }),
  /** Open this request: from a notification click or a modelops://requests/{id} link. */
  'app:navigation:open-request': z.strictObject({ request_id: RequestId }),
  /** Open this model's rollout tab: from a dispatch failure or drift notification click. */
  'app:navigation:open-model': z.strictObject({ model_id: ModelId }),
  /** A report file opened by the OS (file association, command line, a second launch): show it. */
  'app:reports:opened': OpenedReport,
  /**
   * The machine woke, the screen was unlocked or the network came back: the
   * event stream has reconnected and the session was checked; the screen on
   * show re-reads its data quietly (events missed while asleep are replayed too).
   */
  'app:connection:resumed': z.strictObject({ reason: WakeReason }),
  /** An application-menu or tray command the renderer carries out (it owns the screen and the session view). */
  'app:menu:command': z.strictObject({ command: RendererMenuCommand }),
} as const satisfies Record<`app:${string}:${string}`, z.ZodType>;

export type PushChannel = keyof typeof PUSH_CHANNELS;
export type PushPayload<C extends PushChannel> = z.output<(typeof PUSH_CHANNELS)[C]>;

export const isInvokeChannel = (name: unknown): name is InvokeChannel =>
  typeof name === 'string' && Object.hasOwn(INVOKE_CHANNELS, name);
export const isPushChannel = (name: unknown): name is PushChannel =>
  typeof name === 'string' && Object.hasOwn(PUSH_CHANNELS, name);
