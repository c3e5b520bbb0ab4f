// A throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb in a
// temporary folder, pg_ctl start on a free loopback port, stop and remove in
// teardown. PostgreSQL refuses to run as root, so as root it runs as the
// `postgres` user (Debian's package creates it) in a folder that user owns.
import { execFile } from 'node:child_process';
import { access, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const PG_BIN_DIR = process.env.BFF_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
/** The database every fresh test database is copied from. */
const TEMPLATE_DATABASE = 'modelops_template';

export interface PgCluster {
  /** postgres://… of the `postgres` maintenance database (superuser `modelops`). */
  adminUrl: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (pg_ctl needs a number, not 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function asPostgres(command: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN_DIR, command), ...args]] : [join(PG_BIN_DIR, command), args];
  await run(file, argv, { timeout: 60_000 });
}

export async function startPgCluster(): Promise<PgCluster> {
  try {
    await access(join(PG_BIN_DIR, 'initdb'));
  } catch {
    throw new Error(
      `PostgreSQL 15 is not installed (no ${PG_BIN_DIR}/initdb): apt-get install postgresql, ` +
        'or run only the SQLite tests with `npx vitest run --project node`',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'bff-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  // C collation and UTF-8: text compares byte-wise, the same order as SQLite.
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'modelops', '-E', 'UTF8', '--locale=C', '--no-sync']);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // Durability off: the cluster lives for one test run and is thrown away.
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    try {
      await asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
      const adminUrl = `postgres://modelops@127.0.0.1:${port}/postgres`;
      await withClient(adminUrl, (client) => client.query(`create database ${TEMPLATE_DATABASE}`));
      return {
        adminUrl,
        port,
        dir,
        stop: async () => {
          await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Most likely the port was taken meanwhile: try another.
      lastError = error;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`could not start PostgreSQL: ${String(lastError)}`);
}

export async function withClient<T>(url: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

let counter = 0;

/** A new, empty database in the cluster; returns its URL. */
export async function createTestDatabase(adminUrl: string): Promise<string> {
  counter += 1;
  const name = `t_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(adminUrl, (client) => client.query(`create database ${name} template ${TEMPLATE_DATABASE}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
