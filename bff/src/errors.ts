// Errors as values with a code: thrown by services and routes, shaped into
// `{error: {code, message, details?}}` by the one error handler.
import { ERROR_STATUS, type ErrorCode } from '../../shared/api/errors.js';

export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Only where an endpoint declares another status for this code (Endpoint.errorStatus). */
    statusCode?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode ?? ERROR_STATUS[code];
  }
}

export function fail(code: ErrorCode, message: string, details?: unknown): never {
  throw new ApiError(code, message, details);
}
