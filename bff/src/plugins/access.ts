// Deny by default: every route declares who may call it (`config.access`),
// a route without a declaration refuses to register, and each request is
// checked against the caller's roles before its handler runs. Service
// accounts (machines) reach only the routes that name one of their roles.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role } from '../../../shared/domain/user.js';
import { STEP_UP_HEADER } from '../../../shared/api/auth.js';
import type { EndpointAccess } from '../../../shared/api/endpoint.js';
import { ApiError } from '../errors.js';
import type { Principal } from '../services/principal.js';
import { stepUpSpender, type SpendStepUp } from '../services/step-up.js';

export type { Principal };

/** What a route declares about its callers: the endpoint table's access (shared/api/endpoint.ts). */
export type RouteAccess = EndpointAccess;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set on routes that declare a step-up purpose: spends the request's token for exactly that purpose. */
    spendStepUp: SpendStepUp | null;
  }
}

/** Whether `roles` satisfy a route's required role. Admin does not imply approver: separation of duties. */
export function hasRole(roles: readonly Role[], required: RouteAccess['role']): boolean {
  if (required === 'public') return true;
  if (required === 'service') return false;
  if (required === 'viewer') return roles.length > 0;
  return roles.includes(required);
}

/** Whether a principal may call a route: people by their roles, service accounts only where the route names their role. */
export function mayCall(principal: Pick<Principal, 'kind' | 'roles' | 'serviceRoles'>, access: RouteAccess): boolean {
  if (access.role === 'public') return true;
  if (principal.kind === 'service') return (access.services ?? []).some((role) => principal.serviceRoles.includes(role));
  return hasRole(principal.roles, access.role);
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('unauthenticated', 'sign in first');
  return request.principal;
}

/** The step-up token a request carries, or undefined. */
export function stepUpTokenOf(request: FastifyRequest): string | undefined {
  const value = request.headers[STEP_UP_HEADER];
  const token = Array.isArray(value) ? value[0] : value;
  return token && token.length > 0 ? token : undefined;
}

/** The request's step-up spender; throws on a route that declares no step-up purpose (a programming error). */
export function spendStepUpOf(request: FastifyRequest): SpendStepUp {
  if (!request.spendStepUp) throw new Error(`route ${request.method} ${request.routeOptions.url ?? ''} declares no step-up purpose`);
  return request.spendStepUp;
}

/** The caller of a request, or null; synchronous when nothing needs to be awaited (no credential). */
export type Authenticate = (request: FastifyRequest) => Principal | null | Promise<Principal | null>;

/**
 * Records the caller and refuses the request if the route's access does not
 * admit them: the error to answer with, or undefined to go on.
 */
function admit(request: FastifyRequest, access: RouteAccess, principal: Principal | null): ApiError | undefined {
  request.principal = principal;
  if (access.role === 'public') return undefined;
  if (!principal) return new ApiError('unauthenticated', 'sign in first');
  if (!mayCall(principal, access)) {
    const needed = access.role === 'service' ? `a service account with the ${(access.services ?? []).join(' or ')} role` : `the ${access.role} role`;
    return new ApiError('forbidden', `this action needs ${needed}`);
  }
  // Refuse early, before validation or any handler work; the handler spends
  // the token (services/step-up.ts) inside its transaction.
  if (access.stepUp) {
    if (!request.headers[STEP_UP_HEADER]) {
      return new ApiError('step_up_required', 're-authenticate: this action needs a step-up token', { purpose: access.stepUp });
    }
    // Bound to the declared purpose: a handler cannot spend the token on anything else.
    request.spendStepUp = stepUpSpender(principal.userId, stepUpTokenOf(request), access.stepUp);
  }
  return undefined;
}

/** Whether authenticate answered with a promise (any thenable) rather than the caller. */
function isPending(found: Principal | null | PromiseLike<Principal | null>): found is PromiseLike<Principal | null> {
  return typeof (found as Partial<PromiseLike<unknown>> | null)?.then === 'function';
}

/**
 * One route's access check, built when the route is registered with the
 * route's declaration in hand (no per-request lookup of the route's config).
 * Callback style: a request without a credential to verify is decided without
 * a promise; one with a credential waits for authenticate.
 */
function accessHook(access: RouteAccess, authenticate: Authenticate): onRequestHookHandler {
  return (request, _reply, done) => {
    let found: Principal | null | PromiseLike<Principal | null>;
    try {
      found = authenticate(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (isPending(found)) {
      found.then((principal) => admit(request, access, principal)).then(done, done);
      return;
    }
    done(admit(request, access, found));
  };
}

const accessPlugin: FastifyPluginAsync<{ authenticate: Authenticate }> = async (app, { authenticate }) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('spendStepUp', null);

  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`);
    // A machine never re-authenticates: a step-up route that admitted services would be a hole.
    if (access.stepUp && access.services?.length) throw new Error(`route ${String(route.method)} ${route.url} needs step-up and admits services`);
    // Every route gets the check, HEAD routes (generated from GET ones, with their config) included.
    // First among the route's own onRequest hooks; unmatched URLs (the 404 handler) have none.
    route.onRequest = [accessHook(access, authenticate), ...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest])];
  });
};

export default fp(accessPlugin, { name: 'access' });
