// The BFF as an OAuth resource server of the company IdP: verifies the IdP's
// JWT access tokens and the ID tokens of step-ups with the issuer's keys
// (discovery -> jwks_uri; jose caches the set and fetches it again when a
// token names an unknown `kid`, at most once per cooldown: key rotation),
// checks iss, aud, exp, nbf and the algorithm allow-list, and maps the groups
// claim to roles on every request (docs/decisions/0012-company-sign-in-oidc.md).
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { Role, type Role as RoleType } from '../../../../shared/domain/user.js';
import { Username } from '../../../../shared/domain/primitives.js';
import { ApiError } from '../../errors.js';
import type { OidcSettings } from './settings.js';

const DiscoveryDocument = z.looseObject({ issuer: z.string(), jwks_uri: z.url() });

/** Who an IdP access token names, with the roles its groups map to at this moment. */
export interface IdpIdentity {
  issuer: string;
  subject: string;
  username: string;
  displayName: string;
  groups: string[];
  roles: RoleType[];
  /** The access token's `exp`, ISO-8601: an event stream opened with it ends then. */
  expiresAt: string;
}

export interface OidcResourceServer {
  readonly settings: OidcSettings;
  /** Whether a bearer token says it comes from the IdP (unverified: only picks the verifier). */
  claimsIdpIssuer(token: string): boolean;
  /** The identity of a valid access token for this BFF, or undefined for any invalid token. */
  verifyAccessToken(token: string, now: Date): Promise<IdpIdentity | undefined>;
  /** The claims of a valid ID token for the console's client; throws `invalid_credentials` otherwise. */
  verifyIdToken(token: string, now: Date): Promise<JWTPayload>;
}

/** The roles of a set of groups under the configured map, in the canonical order. */
export function rolesOfGroups(roleMap: OidcSettings['roleMap'], groups: readonly string[]): RoleType[] {
  const granted = new Set(groups.flatMap((group) => roleMap[group] ?? []));
  return Role.options.filter((role) => granted.has(role));
}

/** `Olivia.Smith@corp.example` -> `olivia.smith`; undefined when that is not a valid user name. */
export function usernameOfClaim(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const local = value.split('@')[0]!.toLowerCase();
  return Username.safeParse(local).success ? local : undefined;
}

/** Groups as an array of strings (most IdPs) or one space-separated string. */
function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

export function createOidcResourceServer(settings: OidcSettings, fetchImpl: typeof fetch = fetch): OidcResourceServer {
  let keySet: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  async function discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const url = `${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
    if (!response.ok) throw new Error(`OIDC discovery at ${url} answered ${response.status}`);
    const document = DiscoveryDocument.parse(await response.json());
    // A discovery document for another issuer is a misconfiguration or an attack (OIDC Discovery 4.3).
    if (document.issuer !== settings.issuer) throw new Error(`OIDC discovery names issuer ${document.issuer}, not ${settings.issuer}`);
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      cooldownDuration: settings.jwksCooldownSeconds * 1000,
      cacheMaxAge: settings.jwksMaxAgeSeconds * 1000,
      timeoutDuration: 5000,
    });
  }

  /** The issuer's key set; a failed discovery is tried again at the next token, not cached. */
  function keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!keySet) {
      keySet = discover();
      keySet.catch(() => {
        keySet = undefined;
      });
    }
    return keySet;
  }

  const common = (now: Date) => ({
    issuer: settings.issuer,
    algorithms: [...settings.algorithms],
    currentDate: now,
    clockTolerance: settings.clockToleranceSeconds,
  });

  /** A token issued to another client of the same IdP (azp / client_id) is not the console's. */
  function issuedToConsole(payload: JWTPayload): boolean {
    for (const claim of ['azp', 'client_id'] as const) {
      const value = payload[claim];
      if (value !== undefined && value !== settings.clientId) return false;
    }
    return true;
  }

  return {
    settings,

    claimsIdpIssuer(token) {
      try {
        return decodeJwt(token).iss === settings.issuer;
      } catch {
        return false;
      }
    },

    async verifyAccessToken(token, now) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await keys(), {
          ...common(now),
          audience: settings.audience,
          requiredClaims: ['sub', 'exp', 'iat'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) return undefined;
        throw new ApiError('unavailable', `the company IdP's keys cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!issuedToConsole(payload)) return undefined;
      const username = usernameOfClaim(payload[settings.usernameClaim]);
      if (!username) {
        throw new ApiError('forbidden', `the IdP's ${settings.usernameClaim} claim does not give a usable user name (2-32: a-z 0-9 . _ -)`);
      }
      const groups = groupsOf(payload[settings.groupsClaim]);
      const name = typeof payload.name === 'string' && payload.name.trim() !== '' ? payload.name.trim().slice(0, 120) : username;
      return {
        issuer: settings.issuer,
        subject: payload.sub!,
        username,
        displayName: name,
        groups,
        roles: rolesOfGroups(settings.roleMap, groups),
        expiresAt: new Date(payload.exp! * 1000).toISOString(),
      };
    },

    async verifyIdToken(token, now) {
      try {
        const { payload } = await jwtVerify(token, await keys(), {
          ...common(now),
          audience: settings.clientId,
          requiredClaims: ['sub', 'exp', 'iat', 'auth_time', 'nonce'],
        });
        // With several audiences, azp must name this client (OIDC Core 3.1.3.7).
        const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        if (audiences.length > 1 && payload.azp !== settings.clientId) throw new ApiError('invalid_credentials', 'the ID token is for another client');
        return payload;
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (error instanceof joseErrors.JOSEError) {
          throw new ApiError('invalid_credentials', 'the ID token is not valid for this console', { reason: error.code });
        }
        throw new ApiError('unavailable', `the company IdP's keys cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
