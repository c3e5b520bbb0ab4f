// Where a registry read's fixed cost goes (issue 12): p50 wall and CPU time of interleaved GETs
// against a bare Fastify floor, a public route without database (the app's hooks
// and zod serializer), the health route (two reads), an authenticated trivial route (the access check: token,
// session, user) and the registry reads, on the demo data. Run:
//   npx tsx scripts/bench-probes/registry-stages.ts [--samples N]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { startBff } from '../../bff/src/server.js';
import { signIn } from '../bench/bff-registry.js';

const { values } = parseArgs({ options: { samples: { type: 'string' } } });
const samples = Number(values.samples ?? 2000);
const dir = await mkdtemp(join(tmpdir(), 'registry-stages-'));
const bff = await startBff({ dbFile: join(dir, 'demo.db'), port: 0, seedDemo: true, settings: { authRateLimitPerMinute: 1_000_000 } });
const floor = Fastify();
const bodies = new Map<string, string>();
floor.get('/*', (request, reply) => reply.type('application/json; charset=utf-8').send(bodies.get(request.url) ?? '{}'));
const floorUrl = await floor.listen({ host: '127.0.0.1', port: 0 });
try {
  const headers = { authorization: `Bearer ${await signIn(bff.url)}` };
  const stages: { label: string; url: string; headers?: Record<string, string> }[] = [
    { label: 'floor (bare Fastify, /admin/models bytes)', url: `${floorUrl}/admin/models` },
    { label: 'GET /auth/config (public, no database)', url: `${bff.url}/auth/config` },
    { label: 'GET /healthz (public, two reads)', url: `${bff.url}/healthz` },
    { label: 'GET /auth/me (access check only)', url: `${bff.url}/auth/me`, headers },
    { label: 'GET /admin/models (7 models)', url: `${bff.url}/admin/models`, headers },
    { label: 'GET /admin/models/ltr-ranker', url: `${bff.url}/admin/models/ltr-ranker`, headers },
  ];
  bodies.set('/admin/models', await (await fetch(`${bff.url}/admin/models`, { headers })).text());
  const times = stages.map(() => [] as number[]);
  const cpuTimes = stages.map(() => [] as number[]);
  for (let i = 0; i < samples + 200; i++) {
    for (const [index, stage] of stages.entries()) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const response = await fetch(stage.url, stage.headers ? { headers: stage.headers } : {});
      await response.arrayBuffer();
      const cpu = process.cpuUsage(cpuStarted);
      if (i >= 200) {
        times[index]!.push(performance.now() - started);
        cpuTimes[index]!.push((cpu.user + cpu.system) / 1000);
      }
    }
  }
  for (const [index, stage] of stages.entries()) {
    const sorted = times[index]!.sort((a, b) => a - b);
    const cpuSorted = cpuTimes[index]!.sort((a, b) => a - b);
    const p50 = (values: number[]) => values[Math.floor(values.length / 2)]!.toFixed(3);
    console.log(`${stage.label.padEnd(44)} p50 ${p50(sorted)} ms, cpu p50 ${p50(cpuSorted)} ms (this process: client and server)`);
  }
} finally {
  await floor.close();
  await bff.close();
  await rm(dir, { recursive: true, force: true });
}
