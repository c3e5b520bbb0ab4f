// BFF_OIDC_* parsing: a usable configuration, and every half or unsafe one refused at start.
import { describe, expect, it } from 'vitest';
import { oidcSettingsFromEnv, parseRoleMap } from './settings.js';

const base = {
  BFF_OIDC_ISSUER: 'https://login.example.com/realms/corp',
  BFF_OIDC_CLIENT_ID: 'modelops-console',
  BFF_OIDC_AUDIENCE: 'modelops-bff',
  BFF_OIDC_ROLE_MAP: 'ml-ops-operators=operator, ml-ops-approvers=approver, ml-ops-leads=operator+approver',
};

describe('oidcSettingsFromEnv', () => {
  it('is off without an issuer, and refuses stray settings without one', () => {
    expect(oidcSettingsFromEnv({})).toBeUndefined();
    expect(() => oidcSettingsFromEnv({ BFF_OIDC_CLIENT_ID: 'x' })).toThrow(/without BFF_OIDC_ISSUER/);
  });

  it('reads a full configuration with safe defaults', () => {
    const settings = oidcSettingsFromEnv({ ...base, BFF_OIDC_ACR: 'mfa', BFF_OIDC_PROVIDER_NAME: 'Keycloak' })!;
    expect(settings).toMatchObject({
      issuer: base.BFF_OIDC_ISSUER,
      groupsClaim: 'groups',
      usernameClaim: 'preferred_username',
      roleMap: { 'ml-ops-operators': ['operator'], 'ml-ops-approvers': ['approver'], 'ml-ops-leads': ['operator', 'approver'] },
      acrValues: ['mfa'],
      allowPassword: false,
      providerName: 'Keycloak',
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    });
  });

  it('refuses a missing client or audience, an unknown role, http off loopback, HS256 and none', () => {
    expect(() => oidcSettingsFromEnv({ ...base, BFF_OIDC_AUDIENCE: '' })).toThrow(/audience/);
    expect(() => oidcSettingsFromEnv({ ...base, BFF_OIDC_ROLE_MAP: 'ops=root' })).toThrow(/unknown role "root"/);
    expect(() => oidcSettingsFromEnv({ ...base, BFF_OIDC_ROLE_MAP: '' })).toThrow(/at least one group/);
    expect(() => oidcSettingsFromEnv({ ...base, BFF_OIDC_ISSUER: 'http://idp.example.com' })).toThrow(/https/);
    expect(oidcSettingsFromEnv({ ...base, BFF_OIDC_ISSUER: 'http://127.0.0.1:8080/realms/dev' })?.issuer).toBe('http://127.0.0.1:8080/realms/dev');
    expect(() => oidcSettingsFromEnv({ ...base, BFF_OIDC_ALGORITHMS: 'RS256,HS256' })).toThrow(/algorithms/);
    expect(() => oidcSettingsFromEnv({ ...base, BFF_OIDC_ALGORITHMS: 'none' })).toThrow(/algorithms/);
    expect(() => oidcSettingsFromEnv({ ...base, BFF_OIDC_ALLOW_PASSWORD: 'maybe' })).toThrow(/true or false/);
  });

  it('parses GROUP=ROLE+ROLE lists; with ; as separator group names may hold , and =', () => {
    expect(parseRoleMap('cn=ops,ou=groups=operator; cn=leads,ou=groups=operator+approver')).toEqual({
      'cn=ops,ou=groups': ['operator'],
      'cn=leads,ou=groups': ['operator', 'approver'],
    });
  });
});
