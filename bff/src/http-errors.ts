// Answers the router and Node's HTTP parser give before any route runs (a bad
// URL, an over-long path parameter, oversized headers, a malformed request):
// the same `{error: {code, message}}` shape and security headers as every
// other answer, and never the URL itself (it may carry what a caller pasted).
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../../shared/api/errors.js';

/** Sent on every answer (app.ts adds them in onSend; the answers below set them themselves). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

function errorBody(code: ErrorCode, message: string): string {
  const body: ErrorBody = { error: { code, message } };
  return JSON.stringify(body);
}

const ROUTER_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_BAD_URL: ['invalid_request', 'the URL is not valid (bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: ['uri_too_long', 'a path segment of the URL is too long'],
  FST_ERR_ASYNC_CONSTRAINT: ['invalid_request', 'the request matches no route constraint'],
};

/** Fastify's `frameworkErrors`: the router refused the URL before any route or hook ran. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [code, message] = ROUTER_ERRORS[error.code] ?? (['invalid_request', 'the request was not understood'] as [ErrorCode, string]);
  request.log.info({ code: error.code }, 'request refused by the router');
  void reply
    .status(ERROR_STATUS[code])
    .headers({ ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' })
    .send(errorBody(code, message));
}

/** Fastify's `clientErrorHandler`: Node's HTTP parser refused the request; answer on the raw socket and close it. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request took too long to arrive']
        : [400, 'invalid_request', 'the request is not valid HTTP'];
  if (socket.writable) {
    const body = errorBody(code, message);
    const headers = { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
