// GET /auth/config (public): which sign-in methods a BFF offers, so the
// console can draw its sign-in screen before anyone is signed in.
import { z } from 'zod';

export const OidcClientConfig = z.strictObject({
  /** The IdP's issuer URL; the console discovers its endpoints from it. */
  issuer: z.url(),
  client_id: z.string().min(1).max(256),
  scopes: z.array(z.string().min(1).max(256)).min(1).max(32),
  /** RFC 8707 resource indicator to request the BFF's access token with (omitted: the IdP decides the audience). */
  resource: z.string().min(1).max(512).optional(),
  /** Shown on the button: "Sign in with <provider_name>". */
  provider_name: z.string().min(1).max(80),
  /** acr_values to ask for at step-up (the BFF refuses step-ups below them). */
  acr_values: z.array(z.string().min(1).max(256)).max(16),
});
export type OidcClientConfig = z.infer<typeof OidcClientConfig>;

export const AuthConfigResponse = z.strictObject({
  /** Whether user name + password sign-in (POST /auth/login) is on. */
  password: z.boolean(),
  oidc: OidcClientConfig.nullable(),
});
export type AuthConfigResponse = z.infer<typeof AuthConfigResponse>;
