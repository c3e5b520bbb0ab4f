// Deny by default: every route declares who may call it (`config.access`),
// a route without a declaration refuses to register, and each request is
// checked against the caller's roles before its handler runs. Service
// accounts (machines) reach only the routes that name one of their roles.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
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

export type Authenticate = (request: FastifyRequest) => Promise<Principal | null>;

const accessPlugin: FastifyPluginAsync<{ authenticate: Authenticate }> = async (app, { authenticate }) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('spendStepUp', null);

  app.addHook('onRoute', (route) => {
    // HEAD routes are generated from GET ones and share their config.
    if (route.method === 'HEAD') return;
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`);
    // A machine never re-authenticates: a step-up route that admitted services would be a hole.
    if (access.stepUp && access.services?.length) throw new Error(`route ${String(route.method)} ${route.url} needs step-up and admits services`);
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // Unmatched URLs fall through to the 404 handler.
    if (!access) return;
    request.principal = await authenticate(request);
    if (access.role === 'public') return;
    if (!request.principal) throw new ApiError('unauthenticated', 'sign in first');
    if (!mayCall(request.principal, access)) {
      const needed = access.role === 'service' ? `a service account with the ${(access.services ?? []).join(' or ')} role` : `the ${access.role} role`;
      throw new ApiError('forbidden', `this action needs ${needed}`);
    }
    // Refuse early, before validation or any handler work; the handler spends
    // the token (services/step-up.ts) inside its transaction.
    if (access.stepUp) {
      if (!request.headers[STEP_UP_HEADER]) {
        throw new ApiError('step_up_required', 're-authenticate: this action needs a step-up token', { purpose: access.stepUp });
      }
      // Bound to the declared purpose: a handler cannot spend the token on anything else.
      request.spendStepUp = stepUpSpender(request.principal.userId, stepUpTokenOf(request), access.stepUp);
    }
  });
};

export default fp(accessPlugin, { name: 'access' });
