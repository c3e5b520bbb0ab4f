// Errors as values with a code that travels unchanged to the screen: the BFF's
// own codes and the main process's (network_unreachable, bad_response, ...).
import type { IpcError, IpcErrorCode } from '../../../shared/ipc/contract.js';

export class ClientError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly details?: unknown,
    /** HTTP status when the error came from the BFF. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ClientError';
  }

  toIpcError(): IpcError {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export const isClientError = (error: unknown, code?: IpcErrorCode): error is ClientError =>
  error instanceof ClientError && (code === undefined || error.code === code);
