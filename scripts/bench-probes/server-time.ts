// Server time per request, from the HTTP 'request' event to the answer's
// 'finish' (process.hrtime), of this tree's BFF and optionally another
// checkout's (--base /path/to/repo), both in this one process on copies of one
// demo database, the client alternating batches between them: the machine's
// load weighs on both alike, which made differences of 10-20 µs visible on the
// shared 2-core machine where CPU-time probes could not resolve them
// (issue 12; docs/decisions/0013-registry-read-path.md). Besides the app's
// routes, /_probe/public and /_probe/viewer answer a constant. Run:
//   npx tsx scripts/bench-probes/server-time.ts [--base /work/main] [--batches 40] [--batch 100]
//     [--paths anon:/_probe/public,/_probe/viewer,/admin/models,/admin/models/ltr-ranker,/auth/me]
// "anon:/path" is sent without the access token. The window leaves out header
// parsing and the socket write; read it as the server's own work.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';

interface Side {
  name: string;
  url: string;
  token: string;
  times: number[];
  close(): Promise<void>;
}

const here = resolve(fileURLToPath(import.meta.url), '../../..');
const { values } = parseArgs({ options: { base: { type: 'string' }, batches: { type: 'string' }, batch: { type: 'string' }, paths: { type: 'string' } } });
const batches = Number(values.batches ?? 40);
const batch = Number(values.batch ?? 100);
const paths = values.paths?.split(',') ?? ['anon:/_probe/public', '/_probe/viewer', '/admin/models', '/admin/models/ltr-ranker', '/auth/me'];
const dir = await mkdtemp(join(tmpdir(), 'server-time-'));

const constant = (_request: unknown, reply: FastifyReply) => reply.type('application/json; charset=utf-8').send('{}');
const probeRoutes = async (app: FastifyInstance) => {
  app.get('/_probe/public', { config: { access: { role: 'public' } } }, constant);
  app.get('/_probe/viewer', { config: { access: { role: 'viewer' } } }, constant);
};

/** A BFF of the checkout at `root` on a copy of the demo database, timed per request. */
async function start(name: string, root: string, demoDb: string): Promise<Side> {
  const { startBff } = (await import(join(root, 'bff/src/server.ts'))) as typeof import('../../bff/src/server.js');
  const { signIn } = (await import(join(root, 'scripts/bench/bff-registry.ts'))) as typeof import('../bench/bff-registry.js');
  const dbFile = join(dir, `${name}.db`);
  // The closed database's -wal file too: it still holds the seed's last commits.
  await Promise.all([cp(demoDb, dbFile), cp(`${demoDb}-wal`, `${dbFile}-wal`).catch(() => undefined), cp(`${demoDb}.keys`, `${dbFile}.keys`, { recursive: true })]);
  const bff = await startBff({ dbFile, port: 0, seedDemo: false, settings: { authRateLimitPerMinute: 1_000_000 }, routes: [probeRoutes as never] });
  const times: number[] = [];
  bff.app.server.on('request', (_request: unknown, response: ServerResponse) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => times.push(Number(process.hrtime.bigint() - started) / 1000));
  });
  return { name, url: bff.url, token: await signIn(bff.url), times, close: () => bff.close() };
}

const median = (list: readonly number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const sides: Side[] = [];
try {
  // One demo database, made once by this tree, copied for each side.
  const { startBff } = await import('../../bff/src/server.js');
  const seeded = await startBff({ dbFile: join(dir, 'demo.db'), port: 0, seedDemo: true, listen: false });
  await seeded.close();
  if (values.base) sides.push(await start('base', resolve(values.base), join(dir, 'demo.db')));
  sides.push(await start('this', here, join(dir, 'demo.db')));
  for (const entry of paths) {
    const anonymous = entry.startsWith('anon:');
    const path = anonymous ? entry.slice('anon:'.length) : entry;
    const perSide = new Map<string, number[]>(sides.map((side) => [side.name, []]));
    // Five warm-up rounds, then the counted ones; each round runs a batch on every side.
    for (let round = -5; round < batches; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        side.times.length = 0;
        const init: RequestInit = anonymous ? {} : { headers: { authorization: `Bearer ${side.token}` } };
        for (let i = 0; i < batch; i++) await (await fetch(`${side.url}${path}`, init)).arrayBuffer();
        if (round >= 0) perSide.get(side.name)!.push(median(side.times));
      }
    }
    const figures = sides.map((side) => `${side.name} ${median(perSide.get(side.name)!).toFixed(1).padStart(6)} µs`).join(', ');
    console.log(`${entry.slice(0, 40).padEnd(40)} server time per request (median of ${batches} batch medians): ${figures}`);
  }
} finally {
  await Promise.all(sides.map((side) => side.close()));
  await rm(dir, { recursive: true, force: true });
}
