// The one error shape of the HTTP API and the codes that travel unchanged to
// the screen. Each code has exactly one HTTP status.
import { z } from 'zod';

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  self_approval: 403,
  registrant_approval: 403,
  not_found: 404,
  request_timeout: 408,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  conflict: 409,
  already_exists: 409,
  already_decided: 409,
  stale_state: 409,
  intent_changed: 409,
  nothing_to_roll_back: 409,
  illegal_transition: 409,
  request_not_pending: 409,
  request_expired: 409,
  idempotency_conflict: 409,
  version_in_use: 409,
  gate_failed: 422,
  step_up_required: 428,
  step_up_invalid: 428,
  rate_limited: 429,
  locked_out: 429,
  headers_too_large: 431,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ErrorCode = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: ErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
