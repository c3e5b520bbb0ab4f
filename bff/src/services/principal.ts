// Who is calling: what the access plugin authenticated, as services see it.
// Plain data with no HTTP in it, so services take it without knowing Fastify.

import type { Role, ServiceRole } from '../../../shared/domain/user.js';

export interface Principal {
  /** A person (signed in with a password or at the company IdP), or a service account with its token. */
  kind: 'user' | 'service';
  /** The user's id, or the service account's id. */
  userId: string;
  /** The user name, or `svc:<name>` for a service account (what audits and `reported_by` name). */
  username: string;
  displayName: string;
  /** A person's roles; always empty for a service account, so no person's route admits it. */
  roles: Role[];
  /** A service account's roles; always empty for a person. */
  serviceRoles: ServiceRole[];
  /** The sign-in session (refresh family) an access token belongs to; services and IdP people have none. */
  sessionId?: string;
  /** A person signed in at the company IdP: who the IdP says they are, and when their access token ends. */
  idp?: { issuer: string; subject: string; expiresAt: string };
}
