// Where a registry read's fixed cost goes (issue 12): p50 of interleaved GETs
// against a bare Fastify floor, the BFF's public health route (the app's hooks,
// no credentials), an authenticated trivial route (the access check: token,
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
    { label: 'GET /healthz (public)', url: `${bff.url}/healthz` },
    { label: 'GET /auth/me (access check only)', url: `${bff.url}/auth/me`, headers },
    { label: 'GET /admin/models (7 models)', url: `${bff.url}/admin/models`, headers },
    { label: 'GET /admin/models/ltr-ranker', url: `${bff.url}/admin/models/ltr-ranker`, headers },
  ];
  bodies.set('/admin/models', await (await fetch(`${bff.url}/admin/models`, { headers })).text());
  const times = stages.map(() => [] as number[]);
  for (let i = 0; i < samples + 200; i++) {
    for (const [index, stage] of stages.entries()) {
      const started = performance.now();
      const response = await fetch(stage.url, stage.headers ? { headers: stage.headers } : {});
      await response.arrayBuffer();
      if (i >= 200) times[index]!.push(performance.now() - started);
    }
  }
  for (const [index, stage] of stages.entries()) {
    const sorted = times[index]!.sort((a, b) => a - b);
    console.log(`${stage.label.padEnd(44)} p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} ms`);
  }
} finally {
  await floor.close();
  await bff.close();
  await rm(dir, { recursive: true, force: true });
}
