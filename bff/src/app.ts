// Builds the BFF's Fastify app from its plugins and route modules
// (docs/architecture.md#parts): errors, headers, rate limit, access, idempotency, OpenAPI, routes.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { BffContext } from './context.js';
import accessPlugin, { type Authenticate, type Principal, type RouteAccess } from './plugins/access.js';
import { databaseRateLimitStore } from './plugins/auth-rate-limit-store.js';
import errorHandler from './plugins/error-handler.js';
import { SECURITY_HEADERS, clientErrorHandler, frameworkErrors } from './http-errors.js';
import housekeeping from './plugins/housekeeping.js';
import dispatch from './plugins/dispatch.js';
import canaryAnalysis from './plugins/canary-analysis.js';
import idempotency from './plugins/idempotency.js';
import { withErrorResponses } from './plugins/openapi-errors.js';
import { bearerToken, verifyAccessToken } from './services/access-tokens.js';
import { findUserOfLiveSession } from './store/users.js';
import { authenticateServiceToken, isServiceToken } from './services/service-accounts.js';
import { authenticateIdpToken } from './services/oidc/authenticate.js';
import authConfigRoutes from './routes/auth-config.js';
import authRoutes from './routes/auth.js';
import auditRoutes from './routes/audit.js';
import eventRoutes from './routes/events.js';
import systemRoutes from './routes/system.js';
import { APP_VERSION } from './version.js';
import { ENDPOINTS } from '../../shared/api/endpoints.js';
import { registerEndpoint } from './routes/register-endpoint.js';
import modelRoutes from './routes/models.js';
import modelTypeRoutes from './routes/model-types.js';
import evalRunRoutes from './routes/eval-runs.js';
import rolloutRoutes from './routes/rollout.js';
import approvalRoutes from './routes/approvals.js';
import reportRoutes from './routes/reports.js';
import servingRoutes from './routes/serving.js';
import policyChangeRoutes from './routes/policy-changes.js';
import canaryRoutes from './routes/canary.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Never log a credential, whoever wrote the log line. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-step-up-token"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-step-up-token"]',
  'body.password',
  'body.refresh_token',
  'body.totp',
  'password',
  'refresh_token',
  'access_token',
  'step_up_token',
];

export interface BuildAppOptions {
  logger?: boolean | object;
  /** More route modules, registered after the built-in ones (tests, embedders). */
  routes?: FastifyPluginAsyncZod<{ ctx: BffContext }>[];
}

export interface RegisteredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

const ROUTE_TABLES = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route of an app built by buildApp, with its declared access (the access matrix test walks them). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return ROUTE_TABLES.get(app) ?? [];
}

/**
 * What a request log line says about the request: the path without its query
 * string (queries can carry what a caller should not have put in a URL), never
 * the headers.
 */
export function requestLogFields(request: { method?: unknown; url?: unknown; ip?: unknown } | undefined): Record<string, string | undefined> {
  // Any `req` a log line carries passes through here, not only Fastify's own.
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { method: text(request?.method), path: text(request?.url)?.split('?')[0], remoteAddress: text(request?.ip) };
}

function loggerOption(logger: BuildAppOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = {
    level: 'info',
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestLogFields },
  };
  return logger === true ? base : { ...base, ...logger };
}

/**
 * Authenticates the Bearer token: a service account's opaque token, the
 * company IdP's access token (services/oidc), or a person's access token,
 * whose user is loaded; disabled or deleted users are nobody.
 */
export function bearerAuthenticate(ctx: BffContext): Authenticate {
  return (request) => {
    const token = bearerToken(request.headers.authorization);
    // Decided at once: a request without a token is nobody (no promise to wait for).
    if (!token) return null;
    if (isServiceToken(token)) return authenticateServiceToken(ctx.db, token, ctx.now());
    if (ctx.oidc?.claimsIdpIssuer(token)) return authenticateIdpToken(ctx, ctx.oidc, token);
    return authenticatePerson(ctx, token);
  };
}

/** A person's access token: its signature (services/access-tokens.ts), then the live session and the user. */
async function authenticatePerson(ctx: BffContext, token: string): Promise<Principal | null> {
  const now = ctx.now();
  const claims = await verifyAccessToken(ctx.settings, token, now);
  if (!claims) return null;
  // A signed-out, revoked or ended session takes its access tokens with it (read with the user, in one query).
  const stored = await findUserOfLiveSession(ctx.db, claims.userId, claims.sessionId, now.toISOString());
  if (!stored || stored.disabled) return null;
  return {
    kind: 'user',
    userId: stored.user.id,
    username: stored.user.username,
    displayName: stored.user.display_name,
    roles: stored.user.roles,
    serviceRoles: [],
    sessionId: claims.sessionId,
  };
}

/** Paths whose answers carry tokens or private data: never cached by anything. */
const NO_STORE_PREFIXES = ['/auth', '/admin'];

/** Whether a request URL's path (before any query) is, or is under, one of NO_STORE_PREFIXES. */
function isNoStorePath(url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return NO_STORE_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Every answer's security headers; cache-control only where NO_STORE_PREFIXES say. */
const ANSWER_HEADERS = Object.fromEntries(Object.entries(SECURITY_HEADERS).filter(([name]) => name !== 'cache-control'));
const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' };

export async function buildApp(ctx: BffContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOption(options.logger),
    bodyLimit: BODY_LIMIT_BYTES,
    // Streams (SSE) are ended in their own preClose hooks; anything else idle is closed at once.
    forceCloseConnections: 'idle',
    // request.ip (and so the per-address limits) comes from X-Forwarded-For only when the
    // peer is a trusted proxy; otherwise any client could name its own address per request.
    trustProxy: ctx.settings.trustedProxies.length > 0 ? ctx.settings.trustedProxies : false,
    frameworkErrors,
    clientErrorHandler,
    // The zod compilers for every route, given here rather than through setValidatorCompiler /
    // setSerializerCompiler (which fastify implements as these same factories): given at
    // construction, fastify never loads its default ajv and fast-json-stringify compilers,
    // about 25-50 ms of local mode's start (docs/decisions/0014-local-mode-sign-in.md).
    // (fastify types these factories for ajv; at run time any compiler will do.)
    schemaController: { compilersFactory: { buildValidator: () => validatorCompiler, buildSerializer: () => serializerCompiler } as never },
  }).withTypeProvider<ZodTypeProvider>();
  // The API speaks JSON only: without a text/plain parser, other media types answer 415.
  app.removeContentTypeParser('text/plain');

  await app.register(errorHandler);

  // Callback style, headers computed once: this runs for every answer (issue 12: no per-request work that does not depend on the request).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(ANSWER_HEADERS);
    if (isNoStorePath(request.url)) reply.headers(NO_STORE_HEADERS);
    done(null, payload);
  });

  // Opt-in per route (the /auth routes): signing in is what a guesser hammers. The counters
  // live in the database, so that the budget holds across replicas. Over a unix socket or
  // named pipe (the console's local mode) there is no address: one shared bucket.
  await app.register(rateLimit, { global: false, store: databaseRateLimitStore(ctx), keyGenerator: (request) => request.ip ?? 'local-socket' });
  await app.register(accessPlugin, { authenticate: bearerAuthenticate(ctx) });
  const routeTable: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD' && access) routeTable.push({ method, url: route.url, access });
  });
  await app.register(idempotency, { ctx });
  await app.register(housekeeping, { ctx });
  await app.register(dispatch, { ctx });
  await app.register(canaryAnalysis, { ctx });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Model Ops Console BFF',
        version: APP_VERSION,
        description: 'Registry, evaluation gates and two-person rollouts. Errors are {error: {code, message, details?}}.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    // Every route's error statuses, with the one error shape (plugins/openapi-errors.ts).
    transform: withErrorResponses(jsonSchemaTransform),
  });
  registerEndpoint(app, ENDPOINTS.openapi, async (_request, reply) => reply.send(app.swagger()));

  await app.register(systemRoutes, { ctx });
  await app.register(authRoutes, { ctx });
  await app.register(authConfigRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  await app.register(eventRoutes, { ctx });
  await app.register(modelRoutes, { ctx });
  await app.register(modelTypeRoutes, { ctx });
  await app.register(evalRunRoutes, { ctx });
  await app.register(rolloutRoutes, { ctx });
  await app.register(approvalRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(servingRoutes, { ctx });
  await app.register(policyChangeRoutes, { ctx });
  await app.register(canaryRoutes, { ctx });
  for (const routes of options.routes ?? []) await app.register(routes, { ctx });

  await app.ready();
  ROUTE_TABLES.set(app, routeTable);
  return app;
}
