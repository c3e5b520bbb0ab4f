// Registers a route from its entry in the endpoint table (shared/api/endpoints.ts):
// method, path, schemas and access come from the table, the route module gives
// only the handler. The handler gets the caller as the access plugin found it,
// and for a step-up route a spender bound to the declared purpose.
import type { FastifyBaseLogger, FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Endpoint, EndpointResponse, SchemaOf } from '../../../shared/api/endpoint.js';
import { ApiError } from '../errors.js';
import type { Principal } from '../services/principal.js';
import type { SpendStepUp } from '../services/step-up.js';

export type BffApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

type Parsed<E, K extends string> = SchemaOf<E, K> extends z.ZodType ? z.output<SchemaOf<E, K>> : unknown;

/** The request as the handler sees it: params, query, body and headers parsed by the endpoint's schemas. */
export type EndpointRequest<E extends Endpoint> = FastifyRequest<{
  Params: Parsed<E, 'params'>;
  Querystring: Parsed<E, 'query'>;
  Body: Parsed<E, 'body'>;
  Headers: Parsed<E, 'headers'>;
}>;

/** Who calls, and (on a step-up route) the spender of their step-up token for the endpoint's purpose. */
export interface Caller<E extends Endpoint> {
  principal: E['access']['role'] extends 'public' ? Principal | null : Principal;
  spendStepUp: E['access'] extends { readonly stepUp: string } ? SpendStepUp : undefined;
}

/** A declared answer, or the reply when the handler picks the status (201, 202, 204) or sends it itself. */
export type EndpointAnswer<E extends Endpoint> = E extends { readonly responses: object } ? EndpointResponse<E> | FastifyReply : FastifyReply | undefined;

export type EndpointHandler<E extends Endpoint> = (request: EndpointRequest<E>, reply: FastifyReply, caller: Caller<E>) => Promise<EndpointAnswer<E>>;

export interface RegisterOptions {
  /** Route config beyond access (the /auth routes' rate limit). */
  config?: Omit<FastifyContextConfig, 'access'>;
  /** Instead of the app's zod serializer (a route whose answers were validated when written). */
  serializerCompiler?: FastifySerializerCompiler<unknown>;
}

/** The Fastify schema of an endpoint (what fastify-type-provider-zod validates and the OpenAPI document shows). */
export function routeSchema(endpoint: Endpoint): FastifySchema & { tags: string[]; hide?: boolean; security?: unknown } {
  return {
    tags: [...endpoint.tags],
    ...(endpoint.access.role === 'public' ? {} : { security: [{ bearer: [] }] }),
    ...(endpoint.description ? { description: endpoint.description } : {}),
    ...(endpoint.params ? { params: endpoint.params } : {}),
    ...(endpoint.query ? { querystring: endpoint.query } : {}),
    ...(endpoint.headers ? { headers: endpoint.headers } : {}),
    ...(endpoint.body ? { body: endpoint.body } : {}),
    ...(endpoint.responses ? { response: endpoint.responses } : {}),
    ...(endpoint.hidden ? { hide: true } : {}),
  };
}

export function registerEndpoint<E extends Endpoint>(app: BffApp, endpoint: E, handler: EndpointHandler<E>, options: RegisterOptions = {}): void {
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    config: { ...options.config, access: endpoint.access },
    schema: routeSchema(endpoint),
    ...(options.serializerCompiler ? { serializerCompiler: options.serializerCompiler } : {}),
    handler: async (request, reply) => {
      // The access plugin has refused anyone it should before this runs; these guard the types' promise.
      if (endpoint.access.role !== 'public' && !request.principal) throw new ApiError('unauthenticated', 'sign in first');
      if (endpoint.access.stepUp && !request.spendStepUp) throw new ApiError('step_up_required', 're-authenticate: this action needs a step-up token');
      const caller = { principal: request.principal, spendStepUp: request.spendStepUp ?? undefined } as Caller<E>;
      if (!endpoint.errorStatus) return handler(request as unknown as EndpointRequest<E>, reply, caller);
      try {
        return await handler(request as unknown as EndpointRequest<E>, reply, caller);
      } catch (error) {
        // The endpoint's own status for a code that means something else here (declared in the table).
        const status = error instanceof ApiError ? endpoint.errorStatus[error.code] : undefined;
        if (error instanceof ApiError && status !== undefined && status !== error.statusCode) throw new ApiError(error.code, error.message, error.details, status);
        throw error;
      }
    },
  });
}
