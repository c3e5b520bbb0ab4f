// Users, their roles and credentials, and the lockout bookkeeping of sign-in.
// Password hashing lives in services/passwords.ts; this module only stores hashes.
import type { Db } from './database.js';
import { firstRow, preparedQuery } from './prepared.js';
import { Role, User, type User as UserType } from '../../../shared/domain/user.js';
import { Username } from '../../../shared/domain/primitives.js';
import { ApiError } from '../errors.js';
import { hashPassword, type PasswordCost } from '../services/passwords.js';
import type { UserRow } from './schema.js';
import { newId } from './ids.js';

/** Minimum length of a new password (NIST SP 800-63B asks at least 8; we ask 12). Stored ones keep working. */
export const MIN_PASSWORD_LENGTH = 12;

export interface PasswordPolicy {
  cost?: PasswordCost;
  /** Only the demo seed lowers it, for its published demo passwords (local trial only). */
  minLength?: number;
}

function checkNewPassword(password: string, policy: PasswordPolicy): void {
  const minLength = policy.minLength ?? MIN_PASSWORD_LENGTH;
  if (password.length < minLength) throw new ApiError('invalid_request', `the password must be at least ${minLength} characters`);
}

/** A user with what sign-in needs; never leaves the BFF. */
export interface StoredUser {
  user: UserType;
  passwordHash: string;
  totpSecret: string | null;
  /** Time step of the last TOTP code accepted (replay guard). */
  totpLastStep: number | null;
  failedLogins: number;
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  /** null: no password signs in (a stored hash verifyPassword never accepts). */
  password: string | null;
  roles: Role[];
}

/** Built once: building a zod schema per call cost more than parsing with it (each request reads its caller's roles). */
const Roles = Role.array();

/** The stored hash of an account no password signs in to: verifyPassword rejects it. */
const NO_PASSWORD_HASH = '!';

/** The roles a stored `roles` text may hold; anything else goes to the schema, which refuses it. */
const ROLE_NAMES: ReadonlySet<unknown> = new Set(Role.options);

function parseRoles(json: string): Role[] {
  const parsed: unknown = JSON.parse(json);
  // Every authenticated request reads its caller's roles: the usual case (an array of known role
  // names) is checked here without zod's parse machinery (profiles of the registry reads, issue 12);
  // anything else is parsed by the schema, which throws as before. Same rule, same result.
  if (Array.isArray(parsed) && parsed.every((role) => ROLE_NAMES.has(role))) return [...(parsed as Role[])];
  return Roles.parse(parsed);
}

/** The shared User of a row's identity columns. */
function userOf(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'roles'>): UserType {
  return { id: row.id, username: row.username, display_name: row.display_name, roles: parseRoles(row.roles) };
}

/** Whether a row's account is disabled (0 or 1 on both engines). */
const isDisabled = (row: Pick<UserRow, 'disabled'>) => row.disabled !== 0;

function toStoredUser(row: UserRow): StoredUser {
  return {
    user: userOf(row),
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
    disabled: isDisabled(row),
    createdAt: row.created_at,
  };
}

function uniqueRoles(roles: readonly Role[]): Role[] {
  return Role.options.filter((role) => roles.includes(role));
}

export async function createUser(db: Db, input: NewUser, now: Date, policy: PasswordPolicy = {}): Promise<UserType> {
  const username = Username.safeParse(input.username);
  if (!username.success) throw new ApiError('invalid_request', `invalid username: ${username.error.issues[0]?.message ?? ''}`);
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > 120) throw new ApiError('invalid_request', 'display name must be 1-120 characters');
  if (input.password !== null) checkNewPassword(input.password, policy);
  const roles = uniqueRoles(Role.array().parse(input.roles));
  const user: UserType = User.parse({ id: newId('usr'), username: username.data, display_name: displayName, roles });
  const passwordHash = input.password === null ? NO_PASSWORD_HASH : await hashPassword(input.password, policy.cost);
  const existing = await db.selectFrom('users').select('id').where('username', '=', user.username).executeTakeFirst();
  if (existing) throw new ApiError('already_exists', `user ${user.username} already exists`);
  await db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      display_name: user.display_name,
      password_hash: passwordHash,
      roles: JSON.stringify(user.roles),
      totp_secret: null,
      created_at: now.toISOString(),
    })
    .execute();
  return user;
}

export async function findUserByUsername(db: Db, username: string): Promise<StoredUser | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row ? toStoredUser(row) : undefined;
}

export async function findUserById(db: Db, id: string): Promise<StoredUser | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toStoredUser(row) : undefined;
}

/** What the access check needs of a user: who they are and whether the account is disabled. */
export interface SessionUser {
  user: UserType;
  disabled: boolean;
}

/**
 * The user of a live session (the session not revoked and not ended at `now`,
 * as liveSessionEnd checks it), in one read: every authenticated request asks.
 * Only the columns the access check uses are read (never the password hash or
 * TOTP secret), and only the one row a session id can match.
 */
export async function findUserOfLiveSession(db: Db, userId: string, sessionId: string, now: string): Promise<SessionUser | undefined> {
  const row = await firstRow(db, userOfLiveSession(db, userId, sessionId, now));
  return row ? { user: userOf(row), disabled: isDisabled(row) } : undefined;
}

const userOfLiveSession = preparedQuery((db: Db, userId: string, sessionId: string, now: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.roles', 'users.disabled'])
    .where('sessions.id', '=', sessionId)
    .where('sessions.user_id', '=', userId)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now),
);

async function requireUpdated(result: { numUpdatedRows: bigint }, userId: string): Promise<void> {
  if (result.numUpdatedRows === 0n) throw new ApiError('not_found', `no user ${userId}`);
}

export async function setRoles(db: Db, userId: string, roles: Role[]): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ roles: JSON.stringify(uniqueRoles(Role.array().parse(roles))) })
    .where('id', '=', userId)
    .executeTakeFirst();
  await requireUpdated(result, userId);
}

/** Sets a new password and clears any lockout (an admin reset is the way out of one). */
export async function setPassword(db: Db, userId: string, password: string, policy: PasswordPolicy = {}): Promise<void> {
  checkNewPassword(password, policy);
  const passwordHash = await hashPassword(password, policy.cost);
  const result = await db
    .updateTable('users')
    .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
    .where('id', '=', userId)
    .executeTakeFirst();
  await requireUpdated(result, userId);
}

/**
 * Leaves the account with no password that can sign in (a stored value
 * verifyPassword never accepts). The console's local mode does this to the
 * demo users at every start, and sets a random one only when it signs one in.
 */
export async function clearPassword(db: Db, userId: string): Promise<void> {
  const result = await db.updateTable('users').set({ password_hash: NO_PASSWORD_HASH }).where('id', '=', userId).executeTakeFirst();
  await requireUpdated(result, userId);
}

/** Replaces a stored hash with one of the current cost (at sign-in, when the password is known to be right). */
export async function replacePasswordHash(db: Db, userId: string, expectedOld: string, passwordHash: string): Promise<void> {
  // Conditional: a reset that landed meanwhile wins.
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).where('password_hash', '=', expectedOld).execute();
}

/**
 * Records that the TOTP code of time step `step` was spent. False when that
 * step or a later one was spent already: the code is a replay. One conditional
 * UPDATE, so of two concurrent uses of one code only one wins.
 */
export async function spendTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** `secret` is base32 (RFC 4648); null removes the enrolment. */
export async function setTotpSecret(db: Db, userId: string, secret: string | null): Promise<void> {
  const result = await db.updateTable('users').set({ totp_secret: secret, totp_last_step: null }).where('id', '=', userId).executeTakeFirst();
  await requireUpdated(result, userId);
}

/** Whether the account is locked at `now`; an expired lock no longer counts. */
export function isLockedOut(user: Pick<StoredUser, 'lockedUntil'>, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil > now.toISOString();
}

export interface LockoutPolicy {
  threshold: number;
  lockoutSeconds: number;
}

/**
 * Counts one failed sign-in (or step-up). On reaching the threshold the account
 * locks for `lockoutSeconds` and the counter restarts, so the next lock needs
 * `threshold` fresh failures. One UPDATE, so concurrent failures all count.
 * Returns whether this failure locked the account.
 */
export async function recordFailedLogin(
  db: Db,
  userId: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<{ locked: boolean; lockedUntil: string | null }> {
  const lockedUntil = new Date(now.getTime() + policy.lockoutSeconds * 1000).toISOString();
  const row = await db
    .updateTable('users')
    .set((eb) => ({
      failed_logins: eb
        .case()
        .when(eb('failed_logins', '+', 1), '>=', policy.threshold)
        .then(0)
        .else(eb('failed_logins', '+', 1))
        .end(),
      locked_until: eb
        .case()
        .when(eb('failed_logins', '+', 1), '>=', policy.threshold)
        .then(lockedUntil)
        .else(eb.ref('locked_until'))
        .end(),
    }))
    .where('id', '=', userId)
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirst();
  const locked = row !== undefined && row.locked_until === lockedUntil;
  return { locked, lockedUntil: row?.locked_until ?? null };
}

/** A successful sign-in clears the failure count and any expired lock. */
export async function clearFailedLogins(db: Db, userId: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
}
