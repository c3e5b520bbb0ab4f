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
import { idpStepUp } from '../services/oidc/idp-step-up.js';
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
    async (request) => {
      // With a company IdP, local passwords are off unless the operator keeps them (break-glass).
      if (ctx.settings.oidc && !ctx.settings.oidc.allowPassword) {
        throw new ApiError('forbidden', `password sign-in is turned off: sign in with ${ctx.settings.oidc.providerName}`);
      }
      return auth.login(request.body.username, request.body.password);
    },
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
    async (request) => {
      const principal = requirePrincipal(request);
      const body = request.body;
      if ('id_token' in body) {
        if (!ctx.oidc) throw new ApiError('invalid_request', 'this server has no company sign-in');
        return idpStepUp(ctx, ctx.oidc, principal, body);
      }
      // IdP people have no password here: their step-up is a fresh sign-in at the IdP.
      if (principal.idp) throw new ApiError('invalid_request', `sign in again with ${ctx.oidc?.settings.providerName ?? 'the company IdP'} to step up`);
      return auth.stepUp(principal, body);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 200: MeResponse } },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const stored = await findUserById(ctx.db, principal.userId);
      if (!stored) throw new ApiError('unauthenticated', 'sign in first');
      // An IdP person's roles are what this request's token says, not what was stored last.
      return { user: principal.idp ? { ...stored.user, roles: principal.roles } : stored.user };
    },
  );
};

export default authRoutes;
