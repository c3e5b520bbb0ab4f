// /auth: sign-in, refresh, sign-out (public, rate-limited per client address),
// step-up re-authentication and the current user (signed in).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { login, logout, refresh, stepUp } from '../services/auth.js';
import { idpStepUp } from '../services/oidc/idp-step-up.js';
import { findUserById } from '../store/users.js';
import { ApiError } from '../errors.js';
import { registerEndpoint } from './register-endpoint.js';

const authRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  // Signing in is what a guesser hammers: these count against a per-address budget.
  const rateLimited = { config: { rateLimit: { max: ctx.settings.authRateLimitPerMinute, timeWindow: 60_000 } } };

  registerEndpoint(
    app,
    ENDPOINTS.login,
    async (request) => {
      // With a company IdP, local passwords are off unless the operator keeps them (break-glass).
      if (ctx.settings.oidc && !ctx.settings.oidc.allowPassword) {
        throw new ApiError('forbidden', `password sign-in is turned off: sign in with ${ctx.settings.oidc.providerName}`);
      }
      return login(ctx, request.body.username, request.body.password);
    },
    rateLimited,
  );

  registerEndpoint(app, ENDPOINTS.refresh, async (request) => refresh(ctx, request.body.refresh_token), rateLimited);

  registerEndpoint(
    app,
    ENDPOINTS.logout,
    async (request, reply) => {
      await logout(ctx, request.body.refresh_token);
      return reply.code(204).send(null);
    },
    rateLimited,
  );

  registerEndpoint(
    app,
    ENDPOINTS.stepUp,
    async (request, _reply, { principal }) => {
      const body = request.body;
      if ('id_token' in body) {
        if (!ctx.oidc) throw new ApiError('invalid_request', 'this server has no company sign-in');
        return idpStepUp(ctx, ctx.oidc, principal, body);
      }
      // IdP people have no password here: their step-up is a fresh sign-in at the IdP.
      if (principal.idp) throw new ApiError('invalid_request', `sign in again with ${ctx.oidc?.settings.providerName ?? 'the company IdP'} to step up`);
      return stepUp(ctx, principal, body);
    },
    rateLimited,
  );

  registerEndpoint(app, ENDPOINTS.me, async (_request, _reply, { principal }) => {
    const stored = await findUserById(ctx.db, principal.userId);
    if (!stored) throw new ApiError('unauthenticated', 'sign in first');
    // An IdP person's roles are what this request's token says, not what was stored last.
    return { user: principal.idp ? { ...stored.user, roles: principal.roles } : stored.user };
  });
};

export default authRoutes;
