// Error codes -> a human sentence. The BFF's own message travels with it and is
// shown underneath, so the user sees both what happened and the server's detail.
import type { IpcError } from '../../../shared/ipc/contract.js';

const SENTENCES: Record<IpcError['code'], string> = {
  // Raised by the main process
  network_unreachable: 'The BFF cannot be reached. Check the network or the BFF address.',
  timeout: 'The BFF did not answer in time.',
  bad_response: 'The BFF answered something the console does not understand.',
  session_expired: 'Your session has expired. Sign in again to continue.',
  not_signed_in: 'You are not signed in.',
  invalid_ipc_payload: 'The console sent a request the main process refused.',
  policy_invalid: 'The workstation policy file is invalid, so the console cannot connect.',
  setting_locked: 'This setting is fixed by your workstation policy.',
  keychain_unavailable: 'The system keychain is not available.',
  local_mode_failed: 'The built-in local BFF could not start.',
  file_write_failed: 'The file could not be saved there.',
  invalid_key: 'This is not a report-signing public key.',
  key_conflict: 'Another key is already imported under this key id.',
  cancelled_by_user: 'Cancelled: nothing was sent.',
  bff_not_allowed: 'The console may not use this BFF.',
  response_too_large: 'The BFF sent an answer too large to accept.',
  sign_in_failed: 'Company sign-in did not complete.',
  issuer_not_allowed: 'This workstation may not sign in at the identity provider the BFF names.',
  // From the BFF
  invalid_request: 'The request was not valid.',
  unauthenticated: 'You need to sign in.',
  invalid_credentials: 'The user name or password is wrong.',
  forbidden: 'Your role does not allow this.',
  self_approval: 'You cannot approve a change you requested yourself.',
  registrant_approval: 'You cannot approve a rollout of a version you registered yourself.',
  not_found: 'It no longer exists.',
  request_timeout: 'The request took too long to reach the BFF.',
  payload_too_large: 'The request is too large.',
  uri_too_long: 'The address of the request is too long.',
  headers_too_large: 'The request headers are too large.',
  unsupported_media_type: 'The request format was refused.',
  conflict: 'This conflicts with the current state.',
  already_exists: 'It already exists.',
  already_decided: 'You already decided this request.',
  stale_state: 'The deployment changed since this was prepared. Reload and try again.',
  intent_changed: 'The request changed since you reviewed it. Review it again before deciding.',
  nothing_to_roll_back: 'There is nothing to roll back.',
  illegal_transition: 'This step is not allowed in the current rollout state.',
  request_not_pending: 'This request is no longer pending.',
  request_expired: 'This request has expired.',
  idempotency_conflict: 'A retry of this request did not match the first attempt.',
  version_in_use: 'This version is in use and cannot be changed now.',
  gate_failed: 'The eval gate failed for this version.',
  step_up_required: 'Re-authentication is required for this action.',
  step_up_invalid: 'Re-authentication failed. Check your password (and code).',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  locked_out: 'This account is temporarily locked after failed sign-ins.',
  internal: 'Something went wrong.',
  unavailable: 'The service is temporarily unavailable.',
};

/** A headline for the error's code and the server's message as detail (omitted when it says nothing more). */
export function describeError(error: IpcError): { title: string; detail: string | null } {
  const title = SENTENCES[error.code] ?? 'Something went wrong.';
  const detail = error.message.trim();
  return { title, detail: detail === '' || sameSentence(detail, title) ? null : capitalise(detail) };
}

function sameSentence(a: string, b: string): boolean {
  const norm = (text: string) => text.toLowerCase().replace(/[.\s]+$/, '');
  return norm(a) === norm(b);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
