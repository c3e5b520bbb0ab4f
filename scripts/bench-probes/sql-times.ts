// Per-statement time of the registry's hot reads inside libsql (issue 12): starts the
// BFF on a bulk-loaded SQLite file as registry-profile.ts does, wraps libsql's
// Statement.all to time each call, sends each read many times and prints, per SQL
// text, calls per request and µs per call. Run:
//   npx tsx scripts/bench-probes/sql-times.ts [--requests N]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'libsql';
import { startBff } from '../../bff/src/server.js';
import { rebuildModelSummaries } from '../../bff/src/store/model-summaries.js';
import { bulkLoad, cursorNearEnd, signIn } from '../bench/bff-registry.js';

const { values } = parseArgs({ options: { requests: { type: 'string' } } });
const requests = Number(values.requests ?? 500);
const times = new Map<string, { calls: number; micros: number; rows: number }>();
/** The last statement and arguments per SQL text, to run again in a tight loop. */
const lastCall = new Map<string, { statement: { all: (...args: unknown[]) => unknown[] }; args: unknown[] }>();
let counting = false;
const probe = new Database(':memory:').prepare('select 1');
const proto = Object.getPrototypeOf(probe) as { all: (...args: unknown[]) => unknown[] };
const all = proto.all;
proto.all = function (this: { source?: string; stmt: unknown }, ...args: unknown[]) {
  const started = process.hrtime.bigint();
  const rows = all.apply(this, args);
  if (counting) {
    const key = (this as unknown as { sqlText?: string }).sqlText ?? '?';
    const entry = times.get(key) ?? { calls: 0, micros: 0, rows: 0 };
    entry.calls++;
    entry.micros += Number(process.hrtime.bigint() - started) / 1000;
    entry.rows += rows.length;
    times.set(key, entry);
    lastCall.set(key, { statement: this as unknown as { all: (...args: unknown[]) => unknown[] }, args });
  }
  return rows;
};
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, text: string) {
  const statement = prepare.call(this, text);
  (statement as unknown as { sqlText: string }).sqlText = text;
  return statement;
} as typeof Database.prototype.prepare;

const dir = await mkdtemp(join(tmpdir(), 'sql-times-'));
const bff = await startBff({ dbFile: join(dir, 'bench.db'), port: 0, seedDemo: true, settings: { authRateLimitPerMinute: 1_000_000 } });
try {
  await bulkLoad(bff.ctx.db, new Date().toISOString());
  await rebuildModelSummaries(bff.ctx.db);
  const headers = { authorization: `Bearer ${await signIn(bff.url)}` };
  const paths = ['/admin/models', `/admin/models?cursor=${await cursorNearEnd(bff.url, headers)}`, '/admin/models/bench-model-00000'];
  for (const path of paths) {
    for (let i = 0; i < 100; i++) await (await fetch(`${bff.url}${path}`, { headers })).arrayBuffer();
    times.clear();
    counting = true;
    for (let i = 0; i < requests; i++) await (await fetch(`${bff.url}${path}`, { headers })).arrayBuffer();
    counting = false;
    console.log(`\n${path.slice(0, 60)}`);
    for (const [text, entry] of times) {
      console.log(
        `  ${(entry.calls / requests).toFixed(2)} calls/request, ${(entry.micros / entry.calls).toFixed(1).padStart(7)} µs/call, ${(entry.rows / entry.calls).toFixed(1)} rows: ${text.replace(/\s+/g, ' ').slice(0, 110)}`,
      );
      // The same statement alone, in a tight loop: this process's CPU time per call.
      const { statement, args } = lastCall.get(text)!;
      const cpuStarted = process.cpuUsage();
      for (let i = 0; i < 300; i++) statement.all(...args);
      const cpu = process.cpuUsage(cpuStarted);
      console.log(`      alone: ${((cpu.user + cpu.system) / 300).toFixed(1)} µs CPU per call`);
    }
  }
} finally {
  await bff.close();
  await rm(dir, { recursive: true, force: true });
}
