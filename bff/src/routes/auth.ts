// /auth: sign-in, refresh, sign-out (public, rate-limited per client address),
// step-up re-authentication and the current user (signed in).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  LoginRequest,
  LogoutRequest,
  MeResponse,
  RefreshRequest,
  StepUpRequest,
  StepUpResponse,
  TokenResponse,
} from '../../../shared/api/auth.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { createAuthService } from '../services/auth.js';
import { findUserById } from '../store/users.js';
import { ApiError } from '../errors.js';

const authRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  const auth = createAuthService(ctx);
  const rateLimit = { max: ctx.settings.authRateLimitPerMinute, timeWindow: 60_000 };

  app.post(
    '/auth/login',
    {
      config: { access: { role: 'public' }, rateLimit },
      schema: { tags: ['auth'], body: LoginRequest, response: { 200: TokenResponse } },
    },
    async (request) => auth.login(request.body.username, request.body.password),
  );

  app.post(
    '/auth/refresh',
    {
      config: { access: { role: 'public' }, rateLimit },
      schema: { tags: ['auth'], body: RefreshRequest, response: { 200: TokenResponse } },
    },
    async (request) => auth.refresh(request.body.refresh_token),
  );

  app.post(
    '/auth/logout',
    {
      config: { access: { role: 'public' }, rateLimit },
      schema: { tags: ['auth'], body: LogoutRequest, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await auth.logout(request.body.refresh_token);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/step-up',
    {
      // viewer = any signed-in user; the purpose decides where the token may be spent.
      config: { access: { role: 'viewer' }, rateLimit },
      schema: {
        tags: ['auth'],
        security: [{ bearer: [] }],
        body: StepUpRequest,
        response: { 200: StepUpResponse },
      },
    },
    async (request) => auth.stepUp(requirePrincipal(request), request.body),
  );

  app.get(
    '/auth/me',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 200: MeResponse } },
    },
    async (request) => {
      const stored = await findUserById(ctx.db, requirePrincipal(request).userId);
      if (!stored) throw new ApiError('unauthenticated', 'sign in first');
      return { user: stored.user };
    },
  );
};

export default authRoutes;
