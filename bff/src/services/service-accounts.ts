// Service accounts: machines, not people (docs/decisions/0008-roles-are-not-a-ladder.md). An admin creates one from
// the CLI with its roles and an expiry; the opaque token is printed once and
// only its sha256 is kept. Creation and revocation are audited in the same
// transaction. The access plugin admits a token only on routes naming its role.
import { randomBytes } from 'node:crypto';
import { ServiceAccountName, ServiceRole, serviceActor, type ServiceAccount } from '../../../shared/domain/user.js';
import { ApiError } from '../errors.js';
import type { Principal } from './principal.js';
import { appendAudit } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { newId } from '../store/ids.js';
import {
  findServiceAccountByName,
  findServiceAccountByTokenHash,
  insertServiceAccount,
  revokeServiceAccount as revokeStored,
} from '../store/service-accounts.js';
import { sha256Hex } from './sha256.js';

/** Service tokens start with this, so secret scanners and the access plugin tell them from JWTs. */
export const SERVICE_TOKEN_PREFIX = 'mosa_';
export const DEFAULT_SERVICE_ACCOUNT_TTL_SECONDS = 90 * 24 * 3600;
/** A machine credential that never expires is one nobody remembers to rotate. */
export const MAX_SERVICE_ACCOUNT_TTL_SECONDS = 366 * 24 * 3600;

const tokenHash = sha256Hex;

export function isServiceToken(token: string): boolean {
  return token.startsWith(SERVICE_TOKEN_PREFIX);
}

/** `90d`, `12h`, `30m` as seconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^([1-9]\d{0,5})([dhm])$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { d: 86_400, h: 3_600, m: 60 }[match[2] as 'd' | 'h' | 'm'];
  return Number(match[1]) * unit;
}

export interface CreatedServiceAccount {
  account: ServiceAccount;
  /** Shown once; the BFF keeps only its hash. */
  token: string;
}

export async function createServiceAccount(
  db: Db,
  input: { name: string; roles: ServiceRole[]; ttlSeconds?: number; actor: string; now: Date },
): Promise<CreatedServiceAccount> {
  const name = ServiceAccountName.safeParse(input.name);
  if (!name.success) throw new ApiError('invalid_request', `invalid service account name: ${name.error.issues[0]?.message ?? ''}`);
  const roles = ServiceRole.array().min(1).safeParse(input.roles);
  if (!roles.success) throw new ApiError('invalid_request', `a service account needs at least one of: ${ServiceRole.options.join(', ')}`);
  const ttlSeconds = input.ttlSeconds ?? DEFAULT_SERVICE_ACCOUNT_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_SERVICE_ACCOUNT_TTL_SECONDS) {
    throw new ApiError('invalid_request', 'a service account expires within 366 days');
  }
  const token = `${SERVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const at = input.now.toISOString();
  const expiresAt = new Date(input.now.getTime() + ttlSeconds * 1000).toISOString();
  const id = newId('svc');
  await db.transaction().execute(async (trx) => {
    const inserted = await insertServiceAccount(trx, {
      id,
      name: name.data,
      roles: roles.data,
      tokenHash: tokenHash(token),
      createdAt: at,
      createdBy: input.actor,
      expiresAt,
    });
    if (!inserted) throw new ApiError('already_exists', `service account ${name.data} already exists (names are not reused, even revoked)`);
    await appendAudit(trx, {
      at,
      actor: input.actor,
      action: 'service_account.created',
      target: `service_account:${name.data}`,
      details: { roles: roles.data, expires_at: expiresAt },
    });
  });
  const account = await findServiceAccountByName(db, name.data);
  if (!account) throw new Error(`service account ${name.data} vanished after creation`);
  return { account, token };
}

export async function revokeServiceAccount(db: Db, input: { name: string; actor: string; now: Date }): Promise<void> {
  const at = input.now.toISOString();
  await db.transaction().execute(async (trx) => {
    if (!(await revokeStored(trx, input.name, at))) {
      const existing = await findServiceAccountByName(trx, input.name);
      throw new ApiError(existing ? 'conflict' : 'not_found', existing ? `${input.name} was revoked already` : `no service account ${input.name}`);
    }
    await appendAudit(trx, {
      at,
      actor: input.actor,
      action: 'service_account.revoked',
      target: `service_account:${input.name}`,
      details: {},
    });
  });
}

/** The principal of a live service token, or null (unknown, revoked or expired: all simply unauthenticated). */
export async function authenticateServiceToken(db: Db, token: string, now: Date): Promise<Principal | null> {
  const account = await findServiceAccountByTokenHash(db, tokenHash(token));
  if (!account || account.revoked_at !== null || account.expires_at <= now.toISOString()) return null;
  return {
    kind: 'service',
    userId: account.id,
    username: serviceActor(account.name),
    displayName: account.name,
    roles: [],
    serviceRoles: account.roles,
  };
}
