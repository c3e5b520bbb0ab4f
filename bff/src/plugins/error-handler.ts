// The one error handler: every failure leaves as `{error: {code, message, details?}}`
// with the status of its code; 5xx internals are logged, never sent.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBody, ErrorCode } from '../../../shared/api/errors.js';
import { ERROR_STATUS } from '../../../shared/api/errors.js';
import { ApiError } from '../errors.js';

function body(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Fastify's own client-error codes and what they mean to a caller. */
const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'the request body is larger than 1 MiB'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'send application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['invalid_request', 'the Content-Length does not match the body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_request', 'the JSON body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_request', 'the body is not valid JSON'],
};

const errorHandlerPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send(body(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        where: error.validationContext,
        path: issue.instancePath,
        message: issue.message,
      }));
      const first = issues[0];
      const message = first ? `invalid ${first.where}${first.path ? ` at ${first.path}` : ''}: ${first.message}` : 'invalid request';
      return reply.status(400).send(body('invalid_request', message, { issues }));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.status(ERROR_STATUS[known[0]]).send(body(known[0], known[1]));
    if (error instanceof SyntaxError) return reply.status(400).send(body('invalid_request', 'the body is not valid JSON'));
    if (error.code === 'FST_ERR_VALIDATION') {
      // A validator that ran out of stack is the input's nesting, not something to echo ("Maximum call stack size exceeded").
      if (error instanceof RangeError || error.cause instanceof RangeError) {
        request.log.warn({ err: error }, 'request too deeply nested to validate');
        return reply.status(400).send(body('invalid_request', 'the request is nested too deeply'));
      }
      return reply.status(400).send(body('invalid_request', error.message));
    }
    if (error.statusCode === 429) {
      return reply.status(429).send(body('rate_limited', 'too many requests; wait a minute and try again'));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response failed its schema');
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return reply.status(500).send(body('internal', 'internal error; the server log has the details'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
};

export default fp(errorHandlerPlugin, { name: 'error-handler' });
