import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext } from '../server.js';
import { openDatabase } from '../store/database.js';
import { testDatabase } from '../testing/harness.js';
import { deleteSpentStepUpNoncesBefore } from '../store/idp-users.js';
import { runHousekeeping } from './housekeeping.js';

describe('housekeeping', () => {
  it('deletes expired idempotency keys, step-up and refresh tokens and spent IdP step-up nonces, and keeps live ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'housekeeping-'));
    const db = await openDatabase(await testDatabase(dir, 'h.db'));
    try {
      const now = new Date('2026-06-01T12:00:00.000Z');
      const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000).toISOString();
      await db
        .insertInto('users')
        .values({ id: 'usr_a', username: 'olivia', display_name: 'O', password_hash: 'x', roles: '[]', totp_secret: null, created_at: ago(100) })
        .execute();
      const key = (k: string, createdAt: string) => ({ user_id: 'usr_a', key: k, method: 'POST', route: '/x', request_hash: 'h', status_code: 200, response: '{}', created_at: createdAt });
      await db.insertInto('idempotency_keys').values([key('old-key-1', ago(25)), key('new-key-1', ago(1))]).execute();
      const stepUp = (id: string, expiresAt: string) => ({ id, user_id: 'usr_a', purpose: null, auth_time: ago(50), expires_at: expiresAt, used_at: null });
      await db.insertInto('step_up_tokens').values([stepUp('s-old', ago(25)), stepUp('s-recent', ago(1))]).execute();
      const refresh = (id: string, expiresAt: string) => ({ id, user_id: 'usr_a', token_hash: id, family_id: 'f', created_at: ago(900), expires_at: expiresAt, revoked_at: null, replaced_by: null });
      await db.insertInto('refresh_tokens').values([refresh('r-old', ago(25)), refresh('r-live', ago(-5))]).execute();

      const nonce = (id: string, spentAt: string) => ({ id, user_id: 'usr_a', spent_at: spentAt });
      await db.insertInto('idp_step_up_nonces').values([nonce('n-old', ago(25)), nonce('n-recent', ago(1))]).execute();

      await runHousekeeping(createContext(db, { now: () => now }));

      expect((await db.selectFrom('idempotency_keys').select('key').execute()).map((r) => r.key)).toEqual(['new-key-1']);
      expect((await db.selectFrom('step_up_tokens').select('id').execute()).map((r) => r.id)).toEqual(['s-recent']);
      expect((await db.selectFrom('refresh_tokens').select('id').execute()).map((r) => r.id)).toEqual(['r-live']);
      expect((await db.selectFrom('idp_step_up_nonces').select('id').execute()).map((r) => r.id)).toEqual(['n-recent']);
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prunes spent IdP step-up nonces in bounded batches, oldest first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'housekeeping-'));
    const db = await openDatabase(await testDatabase(dir, 'n.db'));
    try {
      await db
        .insertInto('users')
        .values({ id: 'usr_a', username: 'oscar', display_name: 'O', password_hash: 'x', roles: '[]', totp_secret: null, created_at: '2026-01-01T00:00:00.000Z' })
        .execute();
      const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString();
      await db.insertInto('idp_step_up_nonces').values([0, 1, 2, 3, 4].map((minute) => ({ id: `n-${minute}`, user_id: 'usr_a', spent_at: at(minute) }))).execute();
      const left = async () => (await db.selectFrom('idp_step_up_nonces').select('id').orderBy('id').execute()).map((r) => r.id);

      expect(await deleteSpentStepUpNoncesBefore(db, at(4), 2)).toBe(2);
      expect(await left()).toEqual(['n-2', 'n-3', 'n-4']);
      expect(await deleteSpentStepUpNoncesBefore(db, at(4), 2)).toBe(2);
      expect(await deleteSpentStepUpNoncesBefore(db, at(4), 2)).toBe(0);
      expect(await left()).toEqual(['n-4']);
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
