import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from './cli.js';
import { openDatabase } from './store/database.js';
import { compiledBffCli } from './testing/compiled-bff.js';
import { TEST_CHILD_ENV, TEST_SIGNING_KEY_SECRET, testDatabase } from './testing/harness.js';
import { findUserByUsername } from './store/users.js';
import { verifyPassword } from './services/passwords.js';
import { verifyAudit, listAudit } from './store/audit-log.js';
import { startBff } from './server.js';

let dir: string;
let dbFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-test-'));
  dbFile = await testDatabase(dir, 'cli.db');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv = {}, stdin = ''): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l), readStdin: async () => stdin, env, now: () => new Date() };
}

async function inspect<T>(action: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(dbFile);
  try {
    return await action(db);
  } finally {
    await db.destroy();
  }
}

describe('bff user …', () => {
  it('creates a user with the password from MODELOPS_PASSWORD, audited', async () => {
    const console_ = io({ MODELOPS_PASSWORD: 'from-the-env-1' });
    const code = await runCli(
      ['user', 'create', '--db', dbFile, '--username', 'olivia', '--display-name', 'Olivia N', '--roles', 'operator,approver'],
      console_,
    );
    expect(code).toBe(0);
    expect(console_.out_[0]).toMatch(/^created olivia \(usr_[a-z2-7]{20}\) with roles operator, approver$/);
    await inspect(async (db) => {
      const stored = await findUserByUsername(db, 'olivia');
      expect(stored?.user).toMatchObject({ display_name: 'Olivia N', roles: ['operator', 'approver'] });
      expect(await verifyPassword('from-the-env-1', stored!.passwordHash)).toBe(true);
      const audit = await listAudit(db, { action: 'user.created', limit: 5 });
      expect(audit.items[0]).toMatchObject({ actor: 'cli', target: 'user:olivia', details: { roles: ['operator', 'approver'] } });
      expect(JSON.stringify(audit.items)).not.toContain('from-the-env-1');
    });
  });

  it('reads the password from stdin when the env is unset, and refuses short ones and duplicates', async () => {
    expect(await runCli(['user', 'create', '--db', dbFile, '--username', 'arjun', '--roles', 'approver'], io({}, 'stdin-password-2\n'))).toBe(0);
    await inspect(async (db) => expect(await verifyPassword('stdin-password-2', (await findUserByUsername(db, 'arjun'))!.passwordHash)).toBe(true));
    const short = io({}, 'short\n');
    expect(await runCli(['user', 'create', '--db', dbFile, '--username', 'ben', '--roles', 'viewer'], short)).toBe(2);
    const duplicate = io({ MODELOPS_PASSWORD: 'long-enough-3' });
    expect(await runCli(['user', 'create', '--db', dbFile, '--username', 'arjun', '--roles', 'viewer'], duplicate)).toBe(1);
    expect(duplicate.err_[0]).toContain('already exists');
  });

  it('has no way to pass a password as an argument', async () => {
    const console_ = io({ MODELOPS_PASSWORD: 'long-enough-4' });
    expect(await runCli(['user', 'create', '--db', dbFile, '--username', 'carl', '--roles', 'viewer', '--password', 'x'], console_)).toBe(2);
    expect(console_.err_.join('\n')).toContain("Unknown option '--password'");
  });

  it('sets roles, resets the password (ending sessions and lockout), enrolls TOTP', async () => {
    expect(await runCli(['user', 'set-roles', '--db', dbFile, '--username', 'olivia', '--roles', 'viewer'], io())).toBe(0);
    expect(await runCli(['user', 'set-roles', '--db', dbFile, '--username', 'olivia', '--roles', 'boss'], io())).toBe(2);
    await inspect(async (db) => {
      await db.updateTable('users').set({ failed_logins: 3, locked_until: '2999-01-01T00:00:00.000Z' }).where('username', '=', 'olivia').execute();
    });
    expect(await runCli(['user', 'reset-password', '--db', dbFile, '--username', 'olivia'], io({ MODELOPS_PASSWORD: 'brand-new-pass' }))).toBe(0);
    const enroll = io();
    expect(await runCli(['user', 'enroll-totp', '--db', dbFile, '--username', 'olivia'], enroll)).toBe(0);
    expect(enroll.out_[0]).toMatch(/^otpauth:\/\/totp\/Model%20Ops%20Console:olivia\?issuer=Model%20Ops%20Console&secret=[A-Z2-7]{32}&/);
    await inspect(async (db) => {
      const stored = (await findUserByUsername(db, 'olivia'))!;
      expect(stored.user.roles).toEqual(['viewer']);
      expect(stored.lockedUntil).toBeNull();
      expect(await verifyPassword('brand-new-pass', stored.passwordHash)).toBe(true);
      expect(stored.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
      expect(await verifyAudit(db)).toMatchObject({ ok: true });
    });
    expect(await runCli(['user', 'set-roles', '--db', dbFile, '--username', 'nobody', '--roles', 'viewer'], io())).toBe(2);
  });

  it('prints usage for unknown commands', async () => {
    const console_ = io();
    expect(await runCli(['frobnicate'], console_)).toBe(2);
    expect(console_.err_.join('\n')).toContain('usage:');
  });
});

describe('bff service-account …', () => {
  it('creates an account whose token (printed once, on stdout alone) a server accepts; lists it; revokes it; all audited', async () => {
    const created = io();
    const args = ['service-account', 'create', '--db', dbFile, '--name', 'edge-router', '--roles', 'router', '--expires-in', '30d'];
    expect(await runCli(args, created)).toBe(0);
    expect(created.out_).toHaveLength(1);
    const token = created.out_[0]!;
    expect(token).toMatch(/^mosa_[A-Za-z0-9_-]{43}$/);
    expect(created.err_.join('\n')).toContain('shown once');
    expect(created.err_.join('\n')).not.toContain(token);

    const stored = await inspect((db) => db.selectFrom('service_accounts').selectAll().where('name', '=', 'edge-router').executeTakeFirstOrThrow());
    // Only a hash is kept, and the expiry is the one asked for.
    expect(JSON.stringify(stored)).not.toContain(token.slice(5));
    expect(Date.parse(stored.expires_at) - Date.parse(stored.created_at)).toBe(30 * 86_400_000);

    // On PostgreSQL the run's sealed signing keys need their secret, as every replica does.
    const server = await startBff({ dbFile, port: 0, settings: TEST_SIGNING_KEY_SECRET ? { signingKeySecret: TEST_SIGNING_KEY_SECRET } : {} });
    try {
      const routing = await fetch(`${server.url}/routing`, { headers: { authorization: `Bearer ${token}` } });
      expect(routing.status).toBe(200);
      const models = await fetch(`${server.url}/admin/models`, { headers: { authorization: `Bearer ${token}` } });
      expect(models.status).toBe(403);

      const listed = io();
      expect(await runCli(['service-account', 'list', '--db', dbFile], listed)).toBe(0);
      expect(listed.out_.join('\n')).toMatch(/^edge-router\trouter\texpires /m);
      expect(listed.out_.join('\n')).not.toContain(token);

      expect(await runCli(['service-account', 'revoke', '--db', dbFile, '--name', 'edge-router'], io())).toBe(0);
      expect((await fetch(`${server.url}/routing`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    } finally {
      await server.close();
    }
    const again = io();
    expect(await runCli(['service-account', 'revoke', '--db', dbFile, '--name', 'edge-router'], again)).toBe(1);
    expect(await runCli(['service-account', 'create', '--db', dbFile, '--name', 'edge-router', '--roles', 'router'], io())).toBe(1);
    expect(await runCli(['service-account', 'create', '--db', dbFile, '--name', 'x', '--roles', 'operator'], io())).toBe(2);
    expect(await runCli(['service-account', 'create', '--db', dbFile, '--name', 'runner', '--roles', 'eval_runner', '--expires-in', 'forever'], io())).toBe(2);
    expect(await runCli(['service-account', 'create', '--db', dbFile, '--name', 'runner', '--roles', 'eval_runner', '--expires-in', '400d'], io())).toBe(1);

    await inspect(async (db) => {
      const audit = await listAudit(db, { limit: 100 });
      const actions = audit.items.filter((entry) => entry.target === 'service_account:edge-router').map((entry) => [entry.actor, entry.action]);
      expect(actions).toEqual(
        expect.arrayContaining([
          ['cli', 'service_account.created'],
          ['cli', 'service_account.revoked'],
        ]),
      );
      expect(JSON.stringify(audit.items)).not.toContain(token.slice(5));
      expect(await verifyAudit(db)).toMatchObject({ ok: true });
    });
  });
});

describe('bff serve', () => {
  it('serves with --seed-demo, prints the URL and demo users, and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [await compiledBffCli(), '--port', '0', '--db', await testDatabase(dir, 'serve.db'), '--seed-demo'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, ...TEST_CHILD_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Seeding hashes four demo passwords at the default cost (scrypt N=2^17): seconds on a busy machine.
    const deadline = Date.now() + 60_000;
    while (!/demo users:/.test(stdout) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(url, stdout).toBeDefined();
    expect(stdout).toContain('olivia / demo-olivia (operator)');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olivia', password: 'demo-olivia' }),
    });
    expect(login.status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 90_000);
});
