// Command line of the reference BFF (`npm run bff -- …`): serve, verify the
// audit chain, and manage users. Passwords come from MODELOPS_PASSWORD or
// stdin, never from argv (argv is visible to every user of the machine).
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { AuditAction } from '../../shared/domain/audit.js';
import { Role, ServiceRole } from '../../shared/domain/user.js';
import { connectDatabase, openDatabase, type Db } from './store/database.js';
import { engineOf, redactLocation } from './store/engine.js';
import { migrateToLatest } from './store/migrate.js';
import { appendAudit, verifyAudit } from './store/audit-log.js';
import { revokeUserRefreshTokens } from './store/refresh-tokens.js';
import { revokeUserSessions } from './store/sessions.js';
import { MIN_PASSWORD_LENGTH, createUser, findUserByUsername, setPassword, setRoles, setTotpSecret } from './store/users.js';
import { startBff } from './server.js';
import { generateTotpSecret, totpUri } from './services/totp.js';
import { rotateSigningKey, signingKeyConfigFor } from './services/report-signing.js';
import { ApiError } from './errors.js';
import { dispatchSettingsFromEnv } from './services/serving/dispatch-settings.js';
import { canaryAnalysisSettingsFromEnv } from './services/canary/canary-settings.js';
import { oidcSettingsFromFlagsAndEnv } from './services/oidc/cli-options.js';
import { createServiceAccount, parseDuration, revokeServiceAccount } from './services/service-accounts.js';
import { listServiceAccounts } from './store/service-accounts.js';
import { DEMO_USERS, demoPassword } from './seed/demo.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The whole of stdin (for a password); only read when MODELOPS_PASSWORD is unset. */
  readStdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
  now(): Date;
}

const DEMO_USERS_LINE = `demo users: ${DEMO_USERS.map((user) => `${user.username} / ${demoPassword(user.username)} (${user.roles.join(', ')})`).join(', ')}`;
const CLI_ACTOR = 'cli';

const USAGE = `usage:
  bff [--port N] [--host H] [--db DB] [--seed-demo] [--trusted-proxies IP,CIDR…]
                                                           serve (default db ./modelops.db, host 127.0.0.1);
                                                           X-Forwarded-For is believed only from the trusted proxies
                                                           (or BFF_TRUSTED_PROXIES)
        [--oidc-issuer URL --oidc-client-id ID --oidc-audience AUD --oidc-role-map GROUP=ROLE,…]
                                                           company sign-in (or BFF_OIDC_*; see README)
  bff migrate --db DB                                      apply pending migrations, then exit
  bff verify-audit --db DB                                 verify the audit chain
  bff user create --db FILE --username U --display-name D --roles operator,approver
  bff user set-roles --db FILE --username U --roles viewer
  bff user reset-password --db FILE --username U
  bff user enroll-totp --db FILE --username U              prints the otpauth:// URI once
  bff rotate-signing-key --db FILE [--key-dir DIR]         new report-signing key; old reports stay verifiable
  bff service-account create --db FILE --name N --roles eval_runner,router,metrics_reporter [--expires-in 90d]
                                                           prints the token once
  bff service-account list --db FILE
  bff service-account revoke --db FILE --name N
DB is a SQLite file or a postgres://user@host:port/database URL; without --db,
BFF_DATABASE_URL is used when set. Replicas on PostgreSQL share BFF_ACCESS_TOKEN_SECRET
and BFF_SIGNING_KEY_SECRET (see README); --trusted-proxies names the load balancer's address.
passwords are read from MODELOPS_PASSWORD or stdin, never from arguments`;

class UsageError extends Error {}

function parseRoles(text: string | undefined): Role[] {
  if (!text) throw new UsageError('--roles is required (comma-separated: viewer, operator, approver, admin)');
  return text.split(',').map((part) => {
    const role = Role.safeParse(part.trim());
    if (!role.success) throw new UsageError(`unknown role "${part.trim()}"`);
    return role.data;
  });
}

async function readPassword(io: CliIo): Promise<string> {
  const fromEnv = io.env.MODELOPS_PASSWORD;
  const password = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (await io.readStdin()).replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`the password (MODELOPS_PASSWORD or stdin) must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return password;
}

/** --db, else BFF_DATABASE_URL. */
function databaseOf(given: string | undefined, io: CliIo): string | undefined {
  if (given) return given;
  const fromEnv = io.env.BFF_DATABASE_URL;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
}

async function withDb<T>(file: string | undefined, action: (db: Db) => Promise<T>): Promise<T> {
  if (!file) throw new UsageError('--db FILE or postgres:// URL (or BFF_DATABASE_URL) is required');
  const db = await openDatabase(file);
  try {
    return await action(db);
  } finally {
    await db.destroy();
  }
}

async function requireUser(db: Db, username: string | undefined) {
  if (!username) throw new UsageError('--username is required');
  const stored = await findUserByUsername(db, username);
  if (!stored) throw new UsageError(`no user ${username}`);
  return stored;
}

/** verify-audit: 0 when the chain holds, 1 naming the first broken entry. */
export async function verifyAuditCommand(dbFile: string | undefined, io: CliIo): Promise<number> {
  return withDb(databaseOf(dbFile, io), async (db) => {
    const result = await verifyAudit(db);
    if (result.ok) {
      io.out(`OK: audit chain verified, ${result.entries} entries`);
      return 0;
    }
    io.out(`BROKEN: audit chain fails at seq ${result.first_bad_seq} (${result.entries} entries in the log)`);
    return 1;
  });
}

/** rotate-signing-key: a new active key; the old one is retired, stays listed, and its private half is destroyed. */
export async function rotateSigningKeyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, 'key-dir': { type: 'string' } }, strict: true });
  const location = databaseOf(values.db, io);
  return withDb(location, async (db) => {
    const config = signingKeyConfigFor(location!, values['key-dir'] ? { ...io.env, BFF_SIGNING_KEY_DIR: values['key-dir'] } : io.env);
    const { retired, active } = await rotateSigningKey({ db, keyDir: config.keyDir, sealingKey: config.sealingKey, now: () => io.now() }, CLI_ACTOR);
    io.out(`signing key ${active.key_id} is active${retired ? `; ${retired} retired (still listed for verification)` : ''}`);
    return 0;
  });
}

/** migrate: applies pending migrations (once, even with replicas starting meanwhile) and exits. */
export async function migrateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' } }, strict: true });
  const location = databaseOf(values.db, io);
  if (!location) throw new UsageError('--db FILE or postgres:// URL (or BFF_DATABASE_URL) is required');
  const db = connectDatabase(location);
  try {
    const applied = await migrateToLatest(db as never);
    const engine = engineOf(db);
    io.out(applied.length === 0 ? `${engine}: schema current, nothing to apply` : `${engine}: applied ${applied.length} migrations: ${applied.join(', ')}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

async function userCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      db: { type: 'string' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      roles: { type: 'string' },
    },
    strict: true,
  });
  const now = io.now();
  const audit = (db: Db, action: AuditAction, username: string, details: Record<string, string | string[] | null>) =>
    appendAudit(db, { at: now.toISOString(), actor: CLI_ACTOR, action, target: `user:${username}`, details });

  switch (sub) {
    case 'create': {
      const roles = parseRoles(values.roles);
      if (!values.username) throw new UsageError('--username is required');
      const password = await readPassword(io);
      return withDb(databaseOf(values.db, io), async (db) => {
        const user = await db.transaction().execute(async (trx) => {
          const created = await createUser(
            trx,
            { username: values.username!, displayName: values['display-name'] ?? values.username!, password, roles },
            now,
          );
          await audit(trx, 'user.created', created.username, { roles: created.roles });
          return created;
        });
        io.out(`created ${user.username} (${user.id}) with roles ${user.roles.join(', ') || '(none)'}`);
        return 0;
      });
    }
    case 'set-roles': {
      const roles = parseRoles(values.roles);
      return withDb(databaseOf(values.db, io), async (db) => {
        const stored = await requireUser(db, values.username);
        await db.transaction().execute(async (trx) => {
          await setRoles(trx, stored.user.id, roles);
          await audit(trx, 'user.roles_set', stored.user.username, { from: stored.user.roles, to: roles });
        });
        io.out(`${stored.user.username}: roles ${roles.join(', ')}`);
        return 0;
      });
    }
    case 'reset-password': {
      const password = await readPassword(io);
      return withDb(databaseOf(values.db, io), async (db) => {
        const stored = await requireUser(db, values.username);
        await db.transaction().execute(async (trx) => {
          await setPassword(trx, stored.user.id, password);
          // A reset usually follows a suspected leak: end every session of the user.
          await revokeUserRefreshTokens(trx, stored.user.id, now.toISOString());
          await revokeUserSessions(trx, stored.user.id, now.toISOString());
          await audit(trx, 'user.password_reset', stored.user.username, {});
        });
        io.out(`${stored.user.username}: password reset, sessions ended, lockout cleared`);
        return 0;
      });
    }
    case 'enroll-totp': {
      return withDb(databaseOf(values.db, io), async (db) => {
        const stored = await requireUser(db, values.username);
        const secret = generateTotpSecret();
        await db.transaction().execute(async (trx) => {
          await setTotpSecret(trx, stored.user.id, secret);
          await audit(trx, 'user.totp_enrolled', stored.user.username, {});
        });
        io.out(totpUri(stored.user.username, secret));
        io.err('shown once: add it to the authenticator app now; step-up will ask for its code');
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown user command "${sub ?? ''}"`);
  }
}

function parseServiceRoles(text: string | undefined): ServiceRole[] {
  if (!text) throw new UsageError(`--roles is required (comma-separated: ${ServiceRole.options.join(', ')})`);
  return text.split(',').map((part) => {
    const role = ServiceRole.safeParse(part.trim());
    if (!role.success) throw new UsageError(`unknown service role "${part.trim()}" (${ServiceRole.options.join(', ')})`);
    return role.data;
  });
}

/** service-account create | list | revoke: machines' credentials; the token is printed once, on stdout alone. */
async function serviceAccountCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { db: { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' }, 'expires-in': { type: 'string' } },
    strict: true,
  });
  const now = io.now();
  switch (sub) {
    case 'create': {
      if (!values.name) throw new UsageError('--name is required');
      const roles = parseServiceRoles(values.roles);
      let ttlSeconds: number | undefined;
      if (values['expires-in'] !== undefined) {
        ttlSeconds = parseDuration(values['expires-in']);
        if (ttlSeconds === undefined) throw new UsageError('--expires-in takes a number and d, h or m, e.g. 90d');
      }
      return withDb(values.db, async (db) => {
        const { account, token } = await createServiceAccount(db, { name: values.name!, roles, ttlSeconds, actor: CLI_ACTOR, now });
        io.out(token);
        io.err(
          `created service account ${account.name} (${account.roles.join(', ')}), expires ${account.expires_at}; ` +
            'the token above is shown once: store it in the machine\'s secret store now',
        );
        return 0;
      });
    }
    case 'list':
      return withDb(values.db, async (db) => {
        const accounts = await listServiceAccounts(db);
        if (accounts.length === 0) io.out('no service accounts');
        for (const account of accounts) {
          const state = account.revoked_at !== null ? `revoked ${account.revoked_at}` : account.expires_at <= now.toISOString() ? `expired ${account.expires_at}` : `expires ${account.expires_at}`;
          io.out(`${account.name}\t${account.roles.join(',')}\t${state}\tcreated ${account.created_at} by ${account.created_by}`);
        }
        return 0;
      });
    case 'revoke': {
      if (!values.name) throw new UsageError('--name is required');
      return withDb(values.db, async (db) => {
        await revokeServiceAccount(db, { name: values.name!, actor: CLI_ACTOR, now });
        io.out(`${values.name}: revoked; its token is refused from now on`);
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown service-account command "${sub ?? ''}"`);
  }
}

/** `10.0.0.5,10.1.0.0/16,::1`: addresses or CIDR ranges of reverse proxies. */
export function parseTrustedProxies(text: string): string[] {
  const entries = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || rest.length > 0 || !bitsOk) throw new UsageError(`--trusted-proxies: "${entry}" is not an IP address or CIDR range`);
  }
  return entries;
}

/**
 * Runs one command and resolves to its exit code. `serve` resolves once the
 * server listens; `onServe` receives the running server (main wires signals).
 */
export async function runCli(
  argv: string[],
  io: CliIo,
  onServe: (running: Awaited<ReturnType<typeof startBff>>) => void = () => undefined,
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'verify-audit') {
      const { values } = parseArgs({ args: rest, options: { db: { type: 'string' } }, strict: true });
      return await verifyAuditCommand(values.db, io);
    }
    if (command === 'user') return await userCommand(rest, io);
    if (command === 'service-account') return await serviceAccountCommand(rest, io);
    if (command === 'migrate') return await migrateCommand(rest, io);
    if (command === 'rotate-signing-key') return await rotateSigningKeyCommand(rest, io);
    if (command === 'help' || command === '--help' || command === '-h') {
      io.out(USAGE);
      return 0;
    }
    if (command !== undefined && command !== 'serve' && !command.startsWith('-')) throw new UsageError(`unknown command "${command}"`);
    const { values } = parseArgs({
      args: command === 'serve' ? rest : argv,
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        db: { type: 'string' },
        'seed-demo': { type: 'boolean', default: false },
        'trusted-proxies': { type: 'string' },
        'oidc-issuer': { type: 'string' },
        'oidc-client-id': { type: 'string' },
        'oidc-audience': { type: 'string' },
        'oidc-role-map': { type: 'string' },
      },
      strict: true,
    });
    const port = Number(values.port);
    let oidc: ReturnType<typeof oidcSettingsFromFlagsAndEnv>;
    try {
      oidc = oidcSettingsFromFlagsAndEnv(values, io.env);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0-65535');
    const location = databaseOf(values.db, io) ?? './modelops.db';
    // Where report-signing keys live, from this invocation's environment (not the process's).
    let keyConfig: ReturnType<typeof signingKeyConfigFor>;
    try {
      keyConfig = signingKeyConfigFor(location, io.env);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const trustedProxies = parseTrustedProxies(values['trusted-proxies'] ?? io.env.BFF_TRUSTED_PROXIES ?? '');
    const drainMs = Number(io.env.BFF_SHUTDOWN_DRAIN_MS ?? 0);
    const eventPollMs = io.env.BFF_EVENT_POLL_MS === undefined ? undefined : Number(io.env.BFF_EVENT_POLL_MS);
    const authRateLimit = Number(io.env.BFF_AUTH_RATE_LIMIT_PER_MINUTE);
    const running = await startBff({
      dbFile: location,
      port,
      host: values.host,
      seedDemo: values['seed-demo'],
      logger: true,
      ...(Number.isFinite(drainMs) && drainMs > 0 ? { drainMs } : {}),
      ...(eventPollMs !== undefined && Number.isFinite(eventPollMs) && eventPollMs >= 0 ? { eventPollMs } : {}),
      settings: {
        dispatch: dispatchSettingsFromEnv(io.env),
        canaryAnalysis: canaryAnalysisSettingsFromEnv(io.env),
        trustedProxies,
        ...(keyConfig.keyDir ? { signingKeyDir: keyConfig.keyDir } : {}),
        ...(keyConfig.sealingKey ? { signingKeySecret: keyConfig.sealingKey } : {}),
        ...(oidc ? { oidc } : {}),
        ...(Number.isInteger(authRateLimit) && authRateLimit > 0 ? { authRateLimitPerMinute: authRateLimit } : {}),
      },
    });
    io.out(`Model Ops BFF listening on ${running.url} (database ${redactLocation(location)})`);
    io.out(
      running.migrationsApplied.length === 0
        ? 'migrations: schema current'
        : `migrations: applied ${running.migrationsApplied.length} (${running.migrationsApplied.join(', ')})`,
    );
    if (values['seed-demo']) io.out(DEMO_USERS_LINE);
    if (oidc) io.out(`company sign-in: ${oidc.issuer} (client ${oidc.clientId}, audience ${oidc.audience}); password sign-in ${oidc.allowPassword ? 'on' : 'off'}`);
    onServe(running);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`error: ${error.message}`);
      io.err(USAGE);
      return 2;
    }
    if (error instanceof ApiError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    // On a terminal, one line is the password.
    if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: readAllStdin,
    env: process.env,
    now: () => new Date(),
  };
  const code = await runCli(process.argv.slice(2), io, (running) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      io.err(`${signal}: closing`);
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          io.err(`close failed: ${String(error)}`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (code !== 0 || ['verify-audit', 'user', 'rotate-signing-key', 'service-account', 'migrate'].includes(process.argv[2] ?? '')) process.exitCode = code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
