// People from the company IdP as users rows (docs/decisions/0012): one row per
// (issuer, subject), created at the person's first request, never able to sign
// in with a password, its user name bound to that subject for good — so every
// audit entry naming the user name names one IdP identity.
import type { Kysely } from 'kysely';
import { Role, type Role as RoleType } from '../../../shared/domain/user.js';
import { ApiError } from '../errors.js';
import type { DB } from './schema.js';
import { newId } from './ids.js';
import { appendAudit } from './audit-log.js';

/** The password hash of an IdP person: verifyPassword never accepts it (as clearPassword's). */
const NO_PASSWORD = '!';

export interface IdpPerson {
  issuer: string;
  subject: string;
  username: string;
  displayName: string;
  roles: RoleType[];
}

export interface LinkedUser {
  userId: string;
  username: string;
  displayName: string;
}

async function findLinked(db: Kysely<DB>, issuer: string, subject: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'roles', 'disabled'])
    .where('idp_issuer', '=', issuer)
    .where('idp_subject', '=', subject)
    .executeTakeFirst();
}

const sameRoles = (json: string, roles: readonly RoleType[]) => {
  const stored = Role.array().safeParse(JSON.parse(json));
  return stored.success && stored.data.length === roles.length && stored.data.every((role, i) => role === roles[i]);
};

/**
 * The users row of an IdP person, created on first sight (audited
 * `user.idp_linked`). The roles the IdP's groups give now are written back
 * when they changed (audited `user.idp_roles_changed`), so `/auth/me`, the
 * audit and any list of users show what the IdP said last. Undefined for a
 * disabled account: an admin can still shut an IdP person out locally.
 */
export async function linkIdpUser(db: Kysely<DB>, person: IdpPerson, now: Date): Promise<LinkedUser | undefined> {
  const at = now.toISOString();
  const idp = { issuer: person.issuer, subject: person.subject };
  let row = await findLinked(db, person.issuer, person.subject);
  if (!row) {
    try {
      await db.transaction().execute(async (trx) => {
        const taken = await trx.selectFrom('users').select('id').where('username', '=', person.username).executeTakeFirst();
        if (taken) {
          throw new ApiError('forbidden', `the user name ${person.username} already belongs to another account; ask an admin to resolve it`);
        }
        await trx
          .insertInto('users')
          .values({
            id: newId('usr'),
            username: person.username,
            display_name: person.displayName,
            password_hash: NO_PASSWORD,
            roles: JSON.stringify(person.roles),
            totp_secret: null,
            created_at: at,
            idp_issuer: person.issuer,
            idp_subject: person.subject,
          })
          .execute();
        await appendAudit(trx, {
          at,
          actor: person.username,
          action: 'user.idp_linked',
          target: `user:${person.username}`,
          details: { ...idp, roles: person.roles },
        });
      });
    } catch (error) {
      // Two first requests at once: the other one linked the person; use its row.
      if (!(await findLinked(db, person.issuer, person.subject))) throw error;
    }
    row = await findLinked(db, person.issuer, person.subject);
    if (!row) throw new ApiError('internal', 'the IdP user could not be stored');
  } else if (!sameRoles(row.roles, person.roles) || row.display_name !== person.displayName) {
    const before = row.roles;
    await db.transaction().execute(async (trx) => {
      // Conditional on the roles read, so concurrent requests audit a change once.
      const result = await trx
        .updateTable('users')
        .set({ roles: JSON.stringify(person.roles), display_name: person.displayName })
        .where('id', '=', row!.id)
        .where('roles', '=', before)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n && !sameRoles(before, person.roles)) {
        await appendAudit(trx, {
          at,
          actor: row!.username,
          action: 'user.idp_roles_changed',
          target: `user:${row!.username}`,
          details: { ...idp, from: Role.array().parse(JSON.parse(before)), to: person.roles },
        });
      }
    });
  }
  if (row.disabled !== 0) return undefined;
  return { userId: row.id, username: row.username, displayName: person.displayName };
}

/** The IdP identity of a user, or undefined for a local user. */
export async function idpIdentityOf(db: Kysely<DB>, userId: string): Promise<{ issuer: string; subject: string } | undefined> {
  const row = await db.selectFrom('users').select(['idp_issuer', 'idp_subject']).where('id', '=', userId).executeTakeFirst();
  return row?.idp_issuer && row.idp_subject ? { issuer: row.idp_issuer, subject: row.idp_subject } : undefined;
}

/** Spends the nonce of one IdP step-up; false when it was spent before (a replayed ID token). */
export async function spendStepUpNonce(db: Kysely<DB>, id: string, userId: string, at: string): Promise<boolean> {
  const result = await db
    .insertInto('idp_step_up_nonces')
    .values({ id, user_id: userId, spent_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) === 1n;
}


/**
 * Deletes nonces spent before `cutoff`, at most `limit` of them (bounded work per run:
 * housekeeping catches up on the next one). Returns how many went.
 */
export async function deleteSpentStepUpNoncesBefore(db: Kysely<DB>, cutoff: string, limit = 10_000): Promise<number> {
  const result = await db
    .deleteFrom('idp_step_up_nonces')
    .where('id', 'in', (eb) => eb.selectFrom('idp_step_up_nonces').select('id').where('spent_at', '<', cutoff).orderBy('spent_at').limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
