// The store side of the confirm -> re-authenticate -> submit flow that rollout requests and
// approval decisions share: what the re-authentication sends, and where a failure lands.
import type { StepUpCredentials } from '../../../../shared/ipc/contract.js';
import type { IpcError } from '../../lib/model-ops.js';

/** Errors that mean "the re-authentication was wrong": the user retries in the same dialog. */
const REAUTH_ERRORS = new Set<IpcError['code']>(['invalid_credentials', 'step_up_invalid', 'step_up_required', 'rate_limited', 'locked_out']);

/** The step_up field of a request: an empty authenticator code is left out, not sent. */
export function stepUpOf(credentials: StepUpCredentials): StepUpCredentials {
  return 'password' in credentials && !credentials.totp ? { password: credentials.password } : credentials;
}

/** Whether a failed submit sends the user back to the password (else back to the change itself). */
export function isReauthError(error: IpcError): boolean {
  return REAUTH_ERRORS.has(error.code);
}
