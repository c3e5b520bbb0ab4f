// GET /auth/config (public): the sign-in methods this BFF offers, read by the
// console before anyone signs in (docs/decisions/0012-company-sign-in-oidc.md).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuthConfigResponse } from '../../../shared/api/auth-config.js';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { registerEndpoint } from './register-endpoint.js';

/** What GET /auth/config answers under these settings. */
export function authConfigOf(settings: BffContext['settings']): AuthConfigResponse {
  const oidc = settings.oidc;
  if (!oidc) return { password: true, oidc: null };
  return {
    password: oidc.allowPassword,
    oidc: {
      issuer: oidc.issuer,
      client_id: oidc.clientId,
      scopes: oidc.scopes,
      ...(oidc.resource ? { resource: oidc.resource } : {}),
      provider_name: oidc.providerName,
      acr_values: oidc.acrValues,
    },
  };
}

const authConfigRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.authConfig, async () => authConfigOf(ctx.settings));
};

export default authConfigRoutes;
