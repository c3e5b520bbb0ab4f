// Repository of service accounts: machines (eval runners, routers, metrics
// reporters) that call the BFF with an opaque bearer token. Only the token's
// sha256 is stored; the token is shown once, when the account is created.
import type { Db } from './database.js';
import { ServiceAccount, ServiceRole } from '../../../shared/domain/user.js';
import type { ServiceAccountRow } from './schema.js';

export interface NewServiceAccount {
  id: string;
  name: string;
  roles: ServiceRole[];
  tokenHash: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
}

function accountFromRow(row: ServiceAccountRow): ServiceAccount {
  return ServiceAccount.parse({
    id: row.id,
    name: row.name,
    roles: ServiceRole.array().parse(JSON.parse(row.roles)),
    created_at: row.created_at,
    created_by: row.created_by,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
  });
}

/** Inserts an account; false when the name is taken (by a live or a revoked account: names are never reused). */
export async function insertServiceAccount(db: Db, account: NewServiceAccount): Promise<boolean> {
  const result = await db
    .insertInto('service_accounts')
    .values({
      id: account.id,
      name: account.name,
      roles: JSON.stringify(ServiceRole.options.filter((role) => account.roles.includes(role))),
      token_hash: account.tokenHash,
      created_at: account.createdAt,
      created_by: account.createdBy,
      expires_at: account.expiresAt,
      revoked_at: null,
    })
    .onConflict((conflict) => conflict.doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

export async function findServiceAccountByName(db: Db, name: string): Promise<ServiceAccount | undefined> {
  const row = await db.selectFrom('service_accounts').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? accountFromRow(row) : undefined;
}

export async function findServiceAccountByTokenHash(db: Db, tokenHash: string): Promise<ServiceAccount | undefined> {
  const row = await db.selectFrom('service_accounts').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row ? accountFromRow(row) : undefined;
}

export async function listServiceAccounts(db: Db): Promise<ServiceAccount[]> {
  const rows = await db.selectFrom('service_accounts').selectAll().orderBy('name').execute();
  return rows.map(accountFromRow);
}

/** Revokes a live account; false when there is none of that name or it was revoked already. */
export async function revokeServiceAccount(db: Db, name: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('service_accounts')
    .set({ revoked_at: at })
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
