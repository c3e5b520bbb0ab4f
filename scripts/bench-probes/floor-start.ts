// The floor of local mode's start (compiled by the bff-registry benchmark, run by plain
// node as a fresh process): a bare Fastify app on a unix socket answering the registry's
// first page from memory, and one request to it. Prints the moments since the process
// started, in ms, as one JSON line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';

const body = readFileSync(process.argv[2]!, 'utf8');
const loaded = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'floor-'));
const socketPath = join(dir, 'floor.sock');
const app = Fastify();
app.get('/admin/models', (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ path: socketPath });
const listening = performance.now();
const text = await new Promise<string>((resolve, reject) => {
  const request = http.request({ socketPath, path: '/admin/models', method: 'GET' }, (response) => {
    let data = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (data += chunk));
    response.on('end', () => resolve(data));
  });
  request.on('error', reject);
  request.end();
});
const firstData = performance.now();
// CPU time of the whole process (every thread) until then: a figure a loaded machine disturbs less than wall time.
const usage = process.cpuUsage();
const cpu = (usage.user + usage.system) / 1000;
process.stdout.write(`${JSON.stringify({ loaded, listening, firstData, cpu, bytes: text.length })}\n`);
await app.close();
rmSync(dir, { recursive: true, force: true });
