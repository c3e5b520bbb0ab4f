// Deny by default: every route declares who may call it (`config.access`),
// a route without a declaration refuses to register, and each request is
// checked against the caller's roles before its handler runs.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Role } from '../../../shared/domain/user.js';
import { STEP_UP_HEADER, type StepUpPurpose } from '../../../shared/api/auth.js';
import { ApiError } from '../errors.js';

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
}

export interface RouteAccess {
  /** `public` routes need no sign-in; `viewer` is satisfied by any role. */
  role: Role | 'public';
  /** Risky routes also need a fresh, unused step-up token for this purpose. */
  stepUp?: StepUpPurpose;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Whether `roles` satisfy a route's required role. Admin does not imply approver: separation of duties. */
export function hasRole(roles: readonly Role[], required: RouteAccess['role']): boolean {
  if (required === 'public') return true;
  if (required === 'viewer') return roles.length > 0;
  return roles.includes(required);
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('unauthenticated', 'sign in first');
  return request.principal;
}

export type Authenticate = (request: FastifyRequest) => Promise<Principal | null>;

const accessPlugin: FastifyPluginAsync<{ authenticate: Authenticate }> = async (app, { authenticate }) => {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    // HEAD routes are generated from GET ones and share their config.
    if (route.method === 'HEAD') return;
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`);
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // Unmatched URLs fall through to the 404 handler.
    if (!access) return;
    request.principal = await authenticate(request);
    if (access.role === 'public') return;
    if (!request.principal) throw new ApiError('unauthenticated', 'sign in first');
    if (!hasRole(request.principal.roles, access.role)) {
      throw new ApiError('forbidden', `this action needs the ${access.role} role`);
    }
    // Refuse early, before validation or any handler work; the handler spends
    // the token (services/step-up.ts) inside its transaction.
    if (access.stepUp && !request.headers[STEP_UP_HEADER]) {
      throw new ApiError('step_up_required', 're-authenticate: this action needs a step-up token', { purpose: access.stepUp });
    }
  });
};

export default fp(accessPlugin, { name: 'access' });
