// Deny by default: every route declares who may call it (`config.access`),
// a route without a declaration refuses to register, and each request is
// checked against the caller's roles before its handler runs. Service
// accounts (machines) reach only the routes that name one of their roles.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Role, ServiceRole } from '../../../shared/domain/user.js';
import { STEP_UP_HEADER, type StepUpPurpose } from '../../../shared/api/auth.js';
import { ApiError } from '../errors.js';

export interface Principal {
  /** A person (signed in with a password or at the company IdP), or a service account with its token. */
  kind: 'user' | 'service';
  /** The user's id, or the service account's id. */
  userId: string;
  /** The user name, or `svc:<name>` for a service account (what audits and `reported_by` name). */
  username: string;
  displayName: string;
  /** A person's roles; always empty for a service account, so no person's route admits it. */
  roles: Role[];
  /** A service account's roles; always empty for a person. */
  serviceRoles: ServiceRole[];
  /** The sign-in session (refresh family) an access token belongs to; services and IdP people have none. */
  sessionId?: string;
  /** A person signed in at the company IdP: who the IdP says they are, and when their access token ends. */
  idp?: { issuer: string; subject: string; expiresAt: string };
}

export interface RouteAccess {
  /**
   * `public` routes need no sign-in; `viewer` is satisfied by any role;
   * `service` admits no person at all (only the service roles below).
   */
  role: Role | 'public' | 'service';
  /** Service roles that may call this route too (deny by default: none). */
  services?: readonly ServiceRole[];
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

export type Authenticate = (request: FastifyRequest) => Promise<Principal | null>;

const accessPlugin: FastifyPluginAsync<{ authenticate: Authenticate }> = async (app, { authenticate }) => {
  app.decorateRequest('principal', null);

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
    if (access.stepUp && !request.headers[STEP_UP_HEADER]) {
      throw new ApiError('step_up_required', 're-authenticate: this action needs a step-up token', { purpose: access.stepUp });
    }
  });
};

export default fp(accessPlugin, { name: 'access' });
