// The IPC handler table (channel -> async handler) and the dispatcher that
// validates every payload in and every answer out against the contract and
// answers typed errors — never raw exceptions or stacks. No Electron here:
// the Electron adapter and the e2e browser binding both call `dispatch`.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { StepUpPurpose } from '../../../shared/api/auth.js';
import type { CallableEndpoint, EndpointInput, EndpointResponse } from '../../../shared/api/endpoint.js';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import {
  INVOKE_CHANNELS,
  IpcError,
  isInvokeChannel,
  type AppInfo,
  type ConnectionState,
  type InvokeChannel,
  type InvokeRequestParsed,
  type InvokeResponse,
  type IpcResult,
  type LocalUser,
  type StepUpCredentials,
} from '../../../shared/ipc/contract.js';
import { verifyAuditWithCheckpoint, type AuditHeadPins } from './audit-head-pins.js';
import { REPORT_RESPONSE_MAX_BYTES, type BffClient } from './bff-client.js';
import { ClientError } from './client-error.js';
import type { Logger } from './logger.js';
import {
  approvalConfirmation,
  requireConfirmation,
  rollbackConfirmation,
  rolloutConfirmation,
  type Confirm,
  type ConfirmDialog,
} from './confirmations.js';
import type { ReportService } from './report-service.js';
import type { SessionService } from './session-service.js';
import type { SettingsService } from './settings-service.js';

export type IpcHandler<C extends InvokeChannel> = (request: InvokeRequestParsed<C>) => Promise<InvokeResponse<C>>;
export type IpcHandlerTable = { [C in InvokeChannel]: IpcHandler<C> };

/** The BFF connection; absent when the policy is invalid or the local BFF did not start. */
export interface Backend {
  client: BffClient;
  session: SessionService;
}

export interface IpcHandlerDeps {
  /** Throws the ClientError that explains why there is no BFF (policy_invalid, local_mode_failed). */
  backend: () => Backend;
  /** The session state without a backend (signed out, nothing remembered). */
  settings: SettingsService;
  connection: () => ConnectionState;
  appInfo: () => AppInfo;
  /** Offline review: works with no backend and no session (opening, keys); exporting needs both. */
  reports: ReportService;
  /** Pins the keys the current BFF lists (GET /admin/keys). */
  refreshReportKeys: () => Promise<void>;
  /** Native confirmation shown by the main process (adapters/dialog.ts). */
  confirm: Confirm;
  /** Local mode's demo users (empty in remote mode). */
  localUsers: () => LocalUser[];
  /** The newest signed audit head per BFF; without it, verify checks the chain alone. */
  auditHeads?: AuditHeadPins;
  newIdempotencyKey?: () => string;
}

/** What a risky change needs besides its request: the user's credentials and, where it has one, the confirmation to show first. */
interface StepUpInput {
  credentials: StepUpCredentials;
  confirmation?: () => Promise<ConfirmDialog>;
}

/** A change to an endpoint that declares a step-up purpose takes the step-up input; any other takes none. */
type StepUpArgs<E extends CallableEndpoint> = E['access'] extends { readonly stepUp: StepUpPurpose } ? [stepUp: StepUpInput] : [];

export function createIpcHandlers(deps: IpcHandlerDeps): IpcHandlerTable {
  const newKey = deps.newIdempotencyKey ?? (() => `moc-${randomUUID()}`);

  /** A signed-in call to the BFF: 401 -> one refresh -> session_expired. */
  const call = <E extends CallableEndpoint>(endpoint: E, input: EndpointInput<E>): Promise<EndpointResponse<E>> => {
    const { client, session } = deps.backend();
    return session.authorized((accessToken) => client.call(endpoint, input, { accessToken }));
  };

  /** The signed report as the BFF sent it: bytes for the file, the parsed value for the name and checks. */
  const signedReport = (modelId: string, versions: readonly string[] | undefined) => {
    const { client, session } = deps.backend();
    return session.authorized((accessToken) =>
      client.callBytes(
        ENDPOINTS.evalReport,
        { params: { model_id: modelId }, query: { versions: versions?.join(',') } },
        { accessToken, maxBytes: REPORT_RESPONSE_MAX_BYTES },
      ),
    );
  };

  /**
   * A state-changing request: one Idempotency-Key for this user action (so got's
   * retries are safe), and where the endpoint declares a step-up purpose a
   * single-use step-up token for exactly that purpose.
   */
  const change = <E extends CallableEndpoint>(endpoint: E, input: EndpointInput<E>, ...[stepUp]: StepUpArgs<E>): Promise<EndpointResponse<E>> => {
    const idempotencyKey = newKey();
    const send = (stepUpToken?: string) => {
      const { client, session } = deps.backend();
      return session.authorized((accessToken) => client.call(endpoint, input, { accessToken, idempotencyKey, ...(stepUpToken ? { stepUpToken } : {}) }));
    };
    const purpose = endpoint.access.stepUp;
    if (!purpose) return send();
    if (!stepUp) throw new ClientError('step_up_required', 'Confirm this action with your password.');
    const { confirmation } = stepUp;
    // The dialog is built from what the BFF holds (fetched here, never taken from the renderer) and shown
    // before a step-up token exists: a declined one leaves nothing to spend.
    const confirm = confirmation ? async () => requireConfirmation(deps.confirm, await confirmation()) : undefined;
    return deps.backend().session.withStepUp(stepUp.credentials, purpose, (stepUpToken) => send(stepUpToken), confirm);
  };

  const approvalOf = async (requestId: string) => (await call(ENDPOINTS.getApproval, { params: { request_id: requestId } })).request;
  const deploymentOf = async (modelId: string) => (await call(ENDPOINTS.getModel, { params: { model_id: modelId } })).deployment;
  /** The gate of the newest eval run of `version`, as the BFF judges it; null without a run. */
  const gateOf = async (modelId: string, version: string) => {
    const { items } = await call(ENDPOINTS.listEvalRuns, { params: { model_id: modelId }, query: { version } });
    const newest = items.filter((run) => run.version === version).sort((a, b) => Date.parse(b.finished_at) - Date.parse(a.finished_at))[0];
    return newest?.gate ?? null;
  };

  return {
    'app:session:sign-in': ({ username, password, stay_signed_in }) => deps.backend().session.signIn(username, password, stay_signed_in),
    'app:session:sign-in-local': ({ username, stay_signed_in }) => deps.backend().session.signInLocal(username, stay_signed_in),
    'app:session:sign-in-idp': ({ stay_signed_in }) => deps.backend().session.signInWithIdp(stay_signed_in),
    'app:session:cancel-idp': async () => ({ cancelled: deps.backend().session.cancelIdp() }),
    'app:session:sign-in-methods': () => deps.backend().session.signInMethods(),
    'app:session:local-users': async () => ({ users: deps.localUsers() }),
    'app:session:sign-out': () => deps.backend().session.signOut(),
    'app:session:restore': () => deps.backend().session.restore(),
    'app:session:state': async () => {
      try {
        return deps.backend().session.state();
      } catch {
        // No BFF (invalid policy): signed out, and settings:get says why.
        return { status: 'signed_out', remembered_user: null };
      }
    },

    'app:models:list': (query) => call(ENDPOINTS.listModels, { query }),
    'app:models:types': () => call(ENDPOINTS.listModelTypes, {}),
    'app:models:versions': ({ model_id, ...query }) => call(ENDPOINTS.listVersions, { params: { model_id }, query }),
    'app:models:get': ({ model_id }) => call(ENDPOINTS.getModel, { params: { model_id } }),
    'app:models:register-version': ({ model_id, version }) => change(ENDPOINTS.registerVersion, { params: { model_id }, body: version }),
    'app:models:deprecate-version': ({ model_id, version, reason }) =>
      change(ENDPOINTS.deprecateVersion, { params: { model_id, version }, body: { reason } }),

    'app:evals:list': ({ model_id, version }) => call(ENDPOINTS.listEvalRuns, { params: { model_id }, query: { version } }),

    'app:rollout:request': ({ model_id, rollout, step_up }) =>
      change(
        ENDPOINTS.requestRollout,
        { params: { model_id }, body: rollout },
        {
          credentials: step_up,
          confirmation: async () => rolloutConfirmation(model_id, rollout, await deploymentOf(model_id), await gateOf(model_id, rollout.target_version)),
        },
      ),
    'app:rollout:rollback': ({ model_id, justification, step_up }) =>
      change(
        ENDPOINTS.rollback,
        { params: { model_id }, body: { justification } },
        { credentials: step_up, confirmation: async () => rollbackConfirmation(model_id, await deploymentOf(model_id)) },
      ),

    'app:approvals:list': (query) => call(ENDPOINTS.listApprovals, { query }),
    'app:approvals:get': ({ request_id }) => call(ENDPOINTS.getApproval, { params: { request_id } }),
    'app:approvals:approve': ({ request_id, comment, intent_digest, step_up }) =>
      change(
        ENDPOINTS.approve,
        { params: { request_id }, body: { intent_digest, ...(comment === undefined ? {} : { comment }) } },
        { credentials: step_up, confirmation: async () => approvalConfirmation(await approvalOf(request_id), 'approve') },
      ),
    'app:approvals:reject': ({ request_id, comment, step_up }) =>
      change(
        ENDPOINTS.reject,
        { params: { request_id }, body: { comment } },
        {
          credentials: step_up,
          // No typed password in local mode: the native confirmation is then the only say-so of the user.
          ...('local_account' in step_up ? { confirmation: async () => approvalConfirmation(await approvalOf(request_id), 'reject') } : {}),
        },
      ),
    'app:approvals:cancel': ({ request_id, comment }) =>
      change(ENDPOINTS.cancel, { params: { request_id }, body: comment === undefined ? {} : { comment } }),

    'app:serving:get': ({ model_id }) => call(ENDPOINTS.getServing, { params: { model_id } }),
    // Re-applies the state already approved, so no step-up (the table declares none): it cannot change where traffic should go.
    'app:serving:retry-dispatch': ({ model_id }) => change(ENDPOINTS.retryDispatch, { params: { model_id } }),

    'app:canary:get': ({ model_id }) => call(ENDPOINTS.getCanaryAnalysis, { params: { model_id } }),
    'app:canary:gate': ({ model_id }) => call(ENDPOINTS.getOnlineGate, { params: { model_id } }),
    'app:canary:set-gate': async ({ model_id, policy, step_up }) => {
      const answer = await change(ENDPOINTS.setOnlineGate, { params: { model_id }, body: { policy } }, { credentials: step_up });
      // 202 (a loosening) carries the pending change; 200 the gate now in force.
      return 'policy_change' in answer ? { outcome: 'pending', policy_change: answer.policy_change } : { outcome: 'applied', gate: answer };
    },

    'app:audit:list': (query) => call(ENDPOINTS.listAudit, { query }),
    'app:audit:verify': async () => {
      const verify = (query?: { known_seq: number; known_hash: string }) => call(ENDPOINTS.verifyAudit, query ? { query } : {});
      if (!deps.auditHeads) return verify();
      return verifyAuditWithCheckpoint({
        origin: deps.backend().client.origin,
        pins: deps.auditHeads,
        keys: () => deps.reports.keys(),
        refreshKeys: deps.refreshReportKeys,
        fetchHead: () => call(ENDPOINTS.auditHead, {}),
        verify,
      });
    },

    'app:settings:get': async () => deps.settings.view(),
    'app:settings:set': async (patch) => deps.settings.set(patch),
    'app:settings:change-bff': ({ bff_url }) => deps.settings.changeBff(bff_url, deps.confirm),

    'app:connection:state': async () => deps.connection(),
    'app:app:info': async () => deps.appInfo(),

    'app:reports:get': async ({ model_id, versions }) => (await signedReport(model_id, versions)).value,
    'app:reports:export': (request) =>
      request.format === 'json'
        ? deps.reports.exportJson(request.model_id, () => signedReport(request.model_id, request.versions))
        : deps.reports.saveHtml(request.model_id, request.versions ?? [], request.html),
    'app:reports:open': () => deps.reports.openWithDialog(),
    'app:reports:open-dropped': ({ file_name, bytes }) => deps.reports.openBytes(file_name, bytes),
    'app:reports:reverify': ({ opened_id }) => deps.reports.reverify(opened_id),
    'app:reports:keys': async () => ({ keys: await deps.reports.keys() }),
    'app:reports:import-key': async ({ public_key_pem, label, key_id }) => ({
      key: await deps.reports.importKey(public_key_pem, {
        ...(label === undefined ? {} : { label }),
        ...(key_id === undefined ? {} : { keyId: key_id }),
      }),
    }),
  };
}

export type IpcDispatch = (channel: unknown, payload: unknown) => Promise<IpcResult<unknown>>;

const issueList = (error: z.ZodError) =>
  // Paths and messages only: zod's `input` would echo what was sent, passwords included.
  error.issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

/** Details must be plain data of a bounded size: they are cloned across IPC and shown to people. */
const DETAILS_MAX_CHARS = 64 * 1024;

/**
 * An error answer checked against the contract's error schema like any other
 * answer: a message past the limit is cut, details that are not plain JSON
 * data (or too large) are dropped, and an unknown code becomes `internal`.
 */
function checkedError(error: ClientError, channel: string, logger: Logger): IpcError {
  const answer = error.toIpcError();
  if (answer.details !== undefined) {
    let json: string | undefined;
    try {
      json = JSON.stringify(answer.details);
    } catch {
      json = undefined;
    }
    if (json === undefined || json.length > DETAILS_MAX_CHARS) {
      logger.warn('ipc: error details dropped (not plain data, or too large)', { channel, code: answer.code });
      delete answer.details;
    } else {
      answer.details = JSON.parse(json) as unknown;
    }
  }
  if (answer.message.length > 2000) answer.message = `${answer.message.slice(0, 1990)}…`;
  const parsed = IpcError.safeParse(answer);
  if (parsed.success) return parsed.data;
  logger.error('ipc: error answer does not match the contract', { channel, issues: issueList(parsed.error) });
  return { code: 'internal', message: 'The console produced an error it cannot show. The log file has the details.' };
}

/** Validates in, runs the handler, validates out; every failure is an error value. */
export function createIpcDispatcher(table: IpcHandlerTable, logger: Logger): IpcDispatch {
  return async (channel, payload) => {
    if (!isInvokeChannel(channel)) {
      logger.warn('ipc: unknown channel', { channel: String(channel).slice(0, 100) });
      return { ok: false, error: { code: 'invalid_ipc_payload', message: 'The console does not offer this operation.' } };
    }
    const spec = INVOKE_CHANNELS[channel];
    const request = spec.request.safeParse(payload);
    if (!request.success) {
      const issues = issueList(request.error);
      logger.info('ipc: invalid payload', { channel, issues });
      return {
        ok: false,
        error: {
          code: 'invalid_ipc_payload',
          message: `Invalid request: ${issues.map((issue) => `${issue.path || '(request)'}: ${issue.message}`).join('; ')}`,
          details: { issues },
        },
      };
    }
    let value: unknown;
    try {
      value = await (table[channel] as (request: unknown) => Promise<unknown>)(request.data);
    } catch (error) {
      if (error instanceof ClientError) return { ok: false, error: checkedError(error, channel, logger) };
      logger.error('ipc: handler failed', { channel, error });
      return { ok: false, error: { code: 'internal', message: 'Something went wrong in the console. The log file has the details.' } };
    }
    const response = spec.response.safeParse(value);
    if (!response.success) {
      logger.error('ipc: answer does not match the contract', { channel, issues: issueList(response.error) });
      return { ok: false, error: { code: 'internal', message: 'The console produced an answer it cannot show. The log file has the details.' } };
    }
    return { ok: true, value: response.data };
  };
}
