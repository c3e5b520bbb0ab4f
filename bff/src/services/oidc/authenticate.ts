// A request bearing the company IdP's access token: verified, its person
// linked to their users row, and their roles taken from the token's groups on
// this very request (never cached across tokens).
import type { BffContext } from '../../context.js';
import type { Principal } from '../../plugins/access.js';
import { linkIdpUser } from '../../store/idp-users.js';
import type { OidcResourceServer } from './resource-server.js';

export async function authenticateIdpToken(ctx: BffContext, oidc: OidcResourceServer, token: string): Promise<Principal | null> {
  const identity = await oidc.verifyAccessToken(token, ctx.now());
  if (!identity) return null;
  const linked = await linkIdpUser(
    ctx.db,
    { issuer: identity.issuer, subject: identity.subject, username: identity.username, displayName: identity.displayName, roles: identity.roles },
    ctx.now(),
  );
  if (!linked) return null;
  return {
    kind: 'user',
    userId: linked.userId,
    username: linked.username,
    displayName: linked.displayName,
    roles: identity.roles,
    serviceRoles: [],
    idp: { issuer: identity.issuer, subject: identity.subject, expiresAt: identity.expiresAt },
  };
}
