// `bff serve --oidc-*` flags over the BFF_OIDC_* environment: a flag wins over
// its variable; everything else comes from the environment (README, "Company sign-in (OIDC)").
import { oidcSettingsFromEnv, type OidcSettings } from './settings.js';

export interface OidcFlags {
  'oidc-issuer'?: string;
  'oidc-client-id'?: string;
  'oidc-audience'?: string;
  'oidc-role-map'?: string;
}

const FLAG_VARIABLES: Record<keyof OidcFlags, string> = {
  'oidc-issuer': 'BFF_OIDC_ISSUER',
  'oidc-client-id': 'BFF_OIDC_CLIENT_ID',
  'oidc-audience': 'BFF_OIDC_AUDIENCE',
  'oidc-role-map': 'BFF_OIDC_ROLE_MAP',
};

export function oidcSettingsFromFlagsAndEnv(flags: OidcFlags, env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES) as Array<[keyof OidcFlags, string]>) {
    const value = flags[flag];
    if (value !== undefined) merged[variable] = value;
  }
  return oidcSettingsFromEnv(merged);
}
