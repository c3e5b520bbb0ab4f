// The server's own CPU time per registry read, against the bare Fastify floor
// (issue 12; docs/decisions/0013-registry-read-path.md). The bench counts the
// client's fetch with the server's in one process; here the BFF and the floor
// run in a child process, the client in this one, and the child's CPU time is
// read over IPC around batches of requests (floor batch, BFF batch, alternating),
// so the figure is the server's alone. The child can be profiled. Run:
//   npx tsx scripts/bench-probes/server-cpu.ts [--db bench.db] [--batches N] [--batch N] [--warmup N]
//     [--profile out.cpuprofile] [--trace-gc] [--paths /a,/b,anon:/c]
// Besides the app's routes, /_probe/public, /_probe/viewer (a constant answer) and
// /_probe/viewer-read (one more access-check read) split a request into stages.
// --profile: the child's CPU profile over the counted BFF batches only (not start-up, not the
// bulk load, not the floor's batches, which then run first), for profile-summary.ts; its
// sampling slows the child, so read proportions.
// --db: a SQLite file the probe copies and uses (else it bulk-loads a new one as the bench does).
import { fork, type ChildProcess } from 'node:child_process';
import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BffContext } from '../../bff/src/context.js';

type ToChild = { kind: 'cpu' } | { kind: 'profile-start' } | { kind: 'profile-stop'; file: string };
type FromChild = { kind: 'ready'; bff: string; floor: string; token: string } | { kind: 'cpu'; micros: number } | { kind: 'profiled' };

async function child(dbFile: string, fresh: boolean): Promise<void> {
  const Fastify = (await import('fastify')).default;
  const { startBff } = await import('../../bff/src/server.js');
  const { rebuildModelSummaries } = await import('../../bff/src/store/model-summaries.js');
  const { bulkLoad, signIn } = await import('../bench/bff-registry.js');
  const { findUserOfLiveSession } = await import('../../bff/src/store/users.js');
  // Stages of a request, for --paths (the BFF's own hooks apply): a public route and a viewer route
  // answering a constant, and a viewer route running the access check's read once more.
  const probeRoutes = async (app: FastifyInstance, { ctx }: { ctx: BffContext }) => {
    const constant = (_request: unknown, reply: FastifyReply) => reply.type('application/json; charset=utf-8').send('{}');
    app.get('/_probe/public', { config: { access: { role: 'public' } } }, constant);
    app.get('/_probe/viewer', { config: { access: { role: 'viewer' } } }, constant);
    app.get('/_probe/viewer-read', { config: { access: { role: 'viewer' } } }, async (request, reply) => {
      const principal = request.principal!;
      if (principal.kind !== 'user') throw new Error('a user token is expected');
      await findUserOfLiveSession(ctx.db, principal.userId, principal.sessionId!, ctx.now().toISOString());
      return constant(request, reply);
    });
  };
  const bff = await startBff({ dbFile, port: 0, seedDemo: fresh, settings: { authRateLimitPerMinute: 1_000_000 }, routes: [probeRoutes as never] });
  if (fresh) {
    await bulkLoad(bff.ctx.db, new Date().toISOString());
    await rebuildModelSummaries(bff.ctx.db);
  }
  const floor = Fastify();
  const bodies = new Map<string, string>();
  floor.get('/*', (request, reply) => reply.type('application/json; charset=utf-8').send(bodies.get(request.url) ?? '{}'));
  floor.post('/_body', (request, reply) => {
    const { path, body } = request.body as { path: string; body: string };
    bodies.set(path, body);
    return reply.send({ ok: true });
  });
  const floorUrl = await floor.listen({ host: '127.0.0.1', port: 0 });
  const token = await signIn(bff.url);
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  process.on('message', (message: ToChild) => {
    if (message.kind === 'cpu') {
      const usage = process.cpuUsage();
      process.send!({ kind: 'cpu', micros: usage.user + usage.system } satisfies FromChild);
    } else if (message.kind === 'profile-start') {
      session.connect();
      void session
        .post('Profiler.enable')
        .then(() => session.post('Profiler.setSamplingInterval', { interval: 100 }))
        .then(() => session.post('Profiler.start'))
        .then(() => process.send!({ kind: 'profiled' } satisfies FromChild));
    } else {
      void session
        .post('Profiler.stop')
        .then(({ profile }) => writeFile(message.file, JSON.stringify(profile)))
        .then(() => {
          session.disconnect();
          process.send!({ kind: 'profiled' } satisfies FromChild);
        });
    }
  });
  process.on('disconnect', () => {
    void Promise.all([floor.close(), bff.close()]).then(() => process.exit(0));
  });
  process.send!({ kind: 'ready', bff: bff.url, floor: floorUrl, token } satisfies FromChild);
}

async function parent(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      batches: { type: 'string' },
      batch: { type: 'string' },
      warmup: { type: 'string' },
      profile: { type: 'string' },
      'trace-gc': { type: 'boolean' },
      paths: { type: 'string' },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'server-cpu-'));
  const dbFile = join(dir, 'bench.db');
  // The database and its signing keys' directory (report-signing.ts).
  if (values.db) await Promise.all([copyFile(values.db, dbFile), cp(`${values.db}.keys`, `${dbFile}.keys`, { recursive: true })]);
  const execArgv = ['--import', 'tsx'];
  if (values['trace-gc']) execArgv.push('--trace-gc');
  const worker: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', dbFile, values.db ? 'existing' : 'fresh'], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<FromChild>((resolve) => worker.once('message', (message: FromChild) => resolve(message)));
  const ready = await next();
  if (ready.kind !== 'ready') throw new Error('child did not start');
  const cpuNow = async () => {
    const answer = next();
    worker.send({ kind: 'cpu' } satisfies ToChild);
    const message = await answer;
    if (message.kind !== 'cpu') throw new Error('unexpected message');
    return message.micros;
  };
  const headers = { authorization: `Bearer ${ready.token}` };
  const paths = values.paths?.split(',') ?? ['/admin/models', '/admin/models/bench-model-00000', '/auth/me'];
  const batches = Number(values.batches ?? 20);
  const batch = Number(values.batch ?? 50);
  const warmup = Number(values.warmup ?? 10);
  try {
    for (const entry of paths) {
      // "anon:/path": sent without the access token.
      const anonymous = entry.startsWith('anon:');
      const path = anonymous ? entry.slice('anon:'.length) : entry;
      const init: RequestInit = anonymous ? {} : { headers };
      const body = await (await fetch(`${ready.bff}${path}`, init)).text();
      await fetch(`${ready.floor}/_body`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path, body }) });
      const run = async (url: string, init: RequestInit) => {
        const started = await cpuNow();
        for (let i = 0; i < batch; i++) await (await fetch(url, init)).arrayBuffer();
        return (await cpuNow()) - started;
      };
      // Warm-up: until the JIT has settled, the first path measured ran markedly slower than later ones.
      for (let b = 0; b < warmup; b++) {
        await run(`${ready.floor}${path}`, {});
        await run(`${ready.bff}${path}`, init);
      }
      const floor: number[] = [];
      const bff: number[] = [];
      if (values.profile) {
        // The profile holds the BFF's batches only (the floor runs the same Fastify and Node code in
        // the same process, which would blur what the BFF adds); the floor's batches run before it.
        for (let b = 0; b < batches; b++) floor.push((await run(`${ready.floor}${path}`, {})) / batch);
        const started = next();
        worker.send({ kind: 'profile-start' } satisfies ToChild);
        await started;
      }
      for (let b = 0; b < batches; b++) {
        if (!values.profile) floor.push((await run(`${ready.floor}${path}`, {})) / batch);
        bff.push((await run(`${ready.bff}${path}`, init)) / batch);
      }
      if (values.profile) {
        const stopped = next();
        worker.send({ kind: 'profile-stop', file: paths.length === 1 ? values.profile : `${values.profile}.${paths.indexOf(entry)}` } satisfies ToChild);
        await stopped;
      }
      const median = (list: number[]) => [...list].sort((a, c) => a - c)[Math.floor(list.length / 2)]!;
      console.log(
        `${entry.slice(0, 50).padEnd(50)} server CPU per request: floor ${median(floor).toFixed(0).padStart(4)} µs, BFF ${median(bff).toFixed(0).padStart(5)} µs = ${(median(bff) / median(floor)).toFixed(2)}x (+${(median(bff) - median(floor)).toFixed(0)} µs; ${(body.length / 1024).toFixed(0)} KiB)`,
      );
    }
  } finally {
    worker.disconnect();
    await new Promise((resolve) => worker.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4] === 'fresh');
else await parent();
