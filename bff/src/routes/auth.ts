// /auth: sign-in, refresh, sign-out (public, rate-limited per client address),
// step-up re-authentication and the current user (signed in).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { login, logout, refresh, stepUp } from '../services/auth.js';
import { findUserById } from '../store/users.js';
import { ApiError } from '../errors.js';
import { registerEndpoint } from './register-endpoint.js';

const authRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  // Signing in is what a guesser hammers: these count against a per-address budget.
  const rateLimited = { config: { rateLimit: { max: ctx.settings.authRateLimitPerMinute, timeWindow: 60_000 } } };

  registerEndpoint(app, ENDPOINTS.login, async (request) => login(ctx, request.body.username, request.body.password), rateLimited);

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

  registerEndpoint(app, ENDPOINTS.stepUp, async (request, _reply, { principal }) => stepUp(ctx, principal, request.body), rateLimited);

  registerEndpoint(app, ENDPOINTS.me, async (_request, _reply, { principal }) => {
    const stored = await findUserById(ctx.db, principal.userId);
    if (!stored) throw new ApiError('unauthenticated', 'sign in first');
    return { user: stored.user };
  });
};

export default authRoutes;
