// The BFF's company-IdP settings (BFF_OIDC_* environment variables or the
// matching --oidc-* flags), checked with zod at start: a BFF with a half
// configured IdP refuses to start rather than accept tokens it cannot judge.
import { z } from 'zod';
import { Role } from '../../../../shared/domain/user.js';

/** Asymmetric algorithms only: `none` and the HS* family (a shared secret the console would know) are never accepted. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export const JwsAlgorithm = z.enum(ALLOWED_ALGORITHMS);

/** How fresh the IdP authentication behind a step-up must be (DESIGN.md: step-up tokens live 5 minutes too). */
export const STEP_UP_MAX_AUTH_AGE_SECONDS = 300;

/** Loopback http is for tests and a local IdP; anything else must be https. */
const IssuerUrl = z.url().refine((text) => {
  const url = new URL(text);
  if (url.search || url.hash) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
}, 'the issuer must be an https URL (http only on loopback) without query or fragment');

export const OidcSettings = z.strictObject({
  issuer: IssuerUrl,
  clientId: z.string().min(1).max(256),
  /** The `aud` the IdP puts in access tokens for this BFF. */
  audience: z.string().min(1).max(512),
  groupsClaim: z.string().min(1).max(128).default('groups'),
  /** Claim whose value (lowercased, before any "@") becomes the person's user name. */
  usernameClaim: z.string().min(1).max(128).default('preferred_username'),
  /** IdP group -> console roles; a person's roles are the union over their groups. */
  roleMap: z.record(z.string().min(1), z.array(Role).min(1)).refine((map) => Object.keys(map).length > 0, 'map at least one group to a role'),
  /** Step-up needs one of these `acr` values (empty: any). */
  acrValues: z.array(z.string().min(1)).default([]),
  /** Step-up needs all of these `amr` values (empty: any). */
  amrValues: z.array(z.string().min(1)).default([]),
  algorithms: z.array(JwsAlgorithm).min(1).default(['RS256', 'PS256', 'ES256', 'EdDSA']),
  scopes: z.array(z.string().min(1)).min(1).default(['openid', 'profile', 'offline_access']),
  /** RFC 8707 resource indicator the console sends (IdPs that issue audience-bound JWTs that way). */
  resource: z.string().min(1).max(512).optional(),
  providerName: z.string().min(1).max(80).default('company sign-in'),
  /** Keep user name + password sign-in on beside the IdP (break-glass local admins). */
  allowPassword: z.boolean().default(false),
  /** After an unknown `kid`, the JWKS is fetched again at most this often. */
  jwksCooldownSeconds: z.number().min(0).max(3600).default(30),
  /** The JWKS is refreshed when older than this even without an unknown kid. */
  jwksMaxAgeSeconds: z.number().min(1).max(86_400).default(600),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
});
export type OidcSettings = z.infer<typeof OidcSettings>;

/**
 * `ml-ops-operators=operator,ml-ops-approvers=approver,ml-ops-leads=operator+approver`
 * -> group -> roles. Entries are separated by `;` instead when the text holds one
 * (group names with commas, e.g. LDAP DNs); the last `=` splits group from roles.
 */
export function parseRoleMap(text: string): Record<string, Role[]> {
  const map: Record<string, Role[]> = {};
  for (const part of text.split(text.includes(';') ? ';' : ',').map((item) => item.trim()).filter(Boolean)) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0) throw new Error(`role map entry "${part}" is not GROUP=ROLE`);
    const group = part.slice(0, eq).trim();
    const roles = part
      .slice(eq + 1)
      .split('+')
      .map((role) => {
        const parsed = Role.safeParse(role.trim());
        if (!parsed.success) throw new Error(`role map entry "${part}": unknown role "${role.trim()}"`);
        return parsed.data;
      });
    map[group] = [...new Set([...(map[group] ?? []), ...roles])];
  }
  return map;
}

const list = (text: string | undefined, separator: RegExp = /[\s,]+/) =>
  text === undefined ? undefined : text.split(separator).map((item) => item.trim()).filter(Boolean);

function booleanOf(name: string, text: string | undefined): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new Error(`${name} must be true or false`);
}

function numberOf(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}

/**
 * The IdP settings from BFF_OIDC_* variables; undefined when BFF_OIDC_ISSUER is
 * unset (password sign-in only). Throws one message naming every problem.
 */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const value = (name: string) => {
    const text = env[name];
    return text === undefined || text.trim() === '' ? undefined : text.trim();
  };
  if (!value('BFF_OIDC_ISSUER')) {
    const stray = Object.keys(env).filter((name) => name.startsWith('BFF_OIDC_') && value(name));
    if (stray.length > 0) throw new Error(`${stray.join(', ')} set without BFF_OIDC_ISSUER`);
    return undefined;
  }
  const raw = {
    // Kept exactly as given: `iss` is compared byte for byte (some IdPs end theirs with /).
    issuer: value('BFF_OIDC_ISSUER'),
    clientId: value('BFF_OIDC_CLIENT_ID'),
    audience: value('BFF_OIDC_AUDIENCE'),
    groupsClaim: value('BFF_OIDC_GROUPS_CLAIM'),
    usernameClaim: value('BFF_OIDC_USERNAME_CLAIM'),
    roleMap: parseRoleMap(value('BFF_OIDC_ROLE_MAP') ?? ''),
    acrValues: list(value('BFF_OIDC_ACR')),
    amrValues: list(value('BFF_OIDC_AMR')),
    algorithms: list(value('BFF_OIDC_ALGORITHMS')),
    scopes: list(value('BFF_OIDC_SCOPES')),
    resource: value('BFF_OIDC_RESOURCE'),
    providerName: value('BFF_OIDC_PROVIDER_NAME'),
    allowPassword: booleanOf('BFF_OIDC_ALLOW_PASSWORD', value('BFF_OIDC_ALLOW_PASSWORD')),
    jwksCooldownSeconds: numberOf(value('BFF_OIDC_JWKS_COOLDOWN_SECONDS')),
  };
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = OidcSettings.safeParse(defined);
  if (!parsed.success) {
    throw new Error(`BFF_OIDC_* settings: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}
