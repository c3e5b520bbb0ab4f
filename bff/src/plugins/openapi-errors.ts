// Declares in the OpenAPI document every error status each route can answer,
// with the one error shape (issue 11, finding 14): tools that drive the API from
// its document (clients, fuzzers, gateways) otherwise see 401/403/404/409/422/
// 428/429 as undocumented. Derived from what the route declares (access role,
// step-up purpose, rate limit, parameters, body), the same facts the plugins
// that answer those statuses act on.
import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { ErrorBody } from '../../../shared/api/errors.js';
import type { RouteAccess } from './access.js';

/** What each error status means here, as the document says it. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid_request: a parameter, query or body failed its schema',
  401: 'unauthenticated / invalid_credentials: no valid access token (or wrong credentials); at /auth/step-up also step_up_required: the company sign-in is too old or too weak, sign in again (details.reason)',
  403: 'forbidden / self_approval / registrant_approval: the caller lacks the role, or separation of duties forbids it',
  404: 'not_found: no such model, version or request',
  409: 'conflict, stale_state, intent_changed, idempotency_conflict, …: the state changed or the Idempotency-Key was used otherwise',
  413: 'payload_too_large: the body is over 1 MiB',
  415: 'unsupported_media_type: send application/json',
  422: 'gate_failed: the eval gate did not pass and no override was given',
  428: 'step_up_required / step_up_invalid: send a fresh X-Step-Up-Token for this action',
  429: 'rate_limited / locked_out: too many attempts; wait and retry',
  500: 'internal: the server log has the details',
  503: 'unavailable: the server cannot do this now (e.g. no report-signing key)',
};

export interface RouteFacts {
  method: string;
  url: string;
  access: RouteAccess | undefined;
  rateLimited: boolean;
  hasBody: boolean;
  hasQuery: boolean;
}

/** The error statuses a route can answer. */
export function errorStatusesOf(route: RouteFacts): number[] {
  const statuses = new Set<number>([500]);
  const role = route.access?.role ?? 'public';
  const hasParams = /[:{]/.test(route.url);
  const writes = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH' || route.method === 'DELETE';
  if (route.hasBody || route.hasQuery || hasParams) statuses.add(400);
  if (route.hasBody) {
    statuses.add(413);
    statuses.add(415);
  }
  if (role !== 'public') {
    statuses.add(401);
    statuses.add(403);
  }
  if (hasParams) statuses.add(404);
  if (writes && role !== 'public') statuses.add(409); // Idempotency-Key conflicts at least
  if (route.access?.stepUp) statuses.add(428);
  if (route.access?.stepUp === 'rollout' || route.access?.stepUp === 'approve') statuses.add(422);
  if (route.rateLimited) {
    statuses.add(429);
    statuses.add(401); // sign-in and refresh answer invalid_credentials
  }
  if (/eval-report|audit\/head/.test(route.url)) statuses.add(503); // signing needs the key
  return [...statuses].sort((a, b) => a - b);
}

const errorJsonSchema = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(ErrorBody, { io: 'output' }) as Record<string, unknown>;
  return schema;
})();

/**
 * Wraps fastify-type-provider-zod's jsonSchemaTransform so that every route's
 * responses also list its error statuses, each with the ErrorBody schema inline
 * (the document stays self-contained: no $ref to resolve).
 */
export function withErrorResponses<S extends FastifySchema>(transform: SwaggerTransform<S>): SwaggerTransform<S> {
  return (input) => {
    const transformed = transform(input);
    const config = (input.route.config ?? {}) as { access?: RouteAccess; rateLimit?: unknown };
    const methods = Array.isArray(input.route.method) ? input.route.method : [input.route.method];
    const statuses = errorStatusesOf({
      method: methods.find((method) => method !== 'HEAD') ?? 'GET',
      url: input.url,
      access: config.access,
      rateLimited: config.rateLimit !== undefined,
      hasBody: input.schema.body !== undefined,
      hasQuery: input.schema.querystring !== undefined,
    });
    const response: Record<string, unknown> = { ...((transformed.schema.response as Record<string, unknown> | undefined) ?? {}) };
    for (const status of statuses) {
      response[String(status)] ??= { ...errorJsonSchema, description: ERROR_DESCRIPTIONS[status] ?? 'error' };
    }
    return { ...transformed, schema: { ...transformed.schema, response } };
  };
}
