// Per-statement time of the registry's hot reads inside libsql (issue 12): starts the
// BFF on a bulk-loaded SQLite file as registry-profile.ts does, wraps libsql's
// Statement.all and .get to time each call, sends each read many times and prints, per SQL
// text, calls per request and µs per call. Run:
//   npx tsx scripts/bench-probes/sql-times.ts [--requests N]
import { parseArgs } from 'node:util';
import Database from 'libsql';
import { startLoadedRegistry } from '../bench/bff-registry.js';

const { values } = parseArgs({ options: { requests: { type: 'string' } } });
const requests = Number(values.requests ?? 500);
const times = new Map<string, { calls: number; micros: number; rows: number }>();
/** The last call per SQL text (statement, method, arguments), to run again in a tight loop. */
const lastCall = new Map<string, { run: () => unknown }>();
let counting = false;
type Method = (...args: unknown[]) => unknown;
const proto = Object.getPrototypeOf(new Database(':memory:').prepare('select 1')) as Record<'all' | 'get', Method>;
// `all` reads a result set, `get` one row (store/prepared.ts firstRow): both are timed.
for (const name of ['all', 'get'] as const) {
  const original = proto[name];
  proto[name] = function (this: unknown, ...args: unknown[]) {
    const started = process.hrtime.bigint();
    const result = original.apply(this, args);
    if (counting) {
      const key = (this as { sqlText?: string }).sqlText ?? '?';
      const entry = times.get(key) ?? { calls: 0, micros: 0, rows: 0 };
      entry.calls++;
      entry.micros += Number(process.hrtime.bigint() - started) / 1000;
      entry.rows += Array.isArray(result) ? result.length : result === undefined ? 0 : 1;
      times.set(key, entry);
      lastCall.set(key, { run: () => original.apply(this, args) });
    }
    return result;
  };
}
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, text: string) {
  const statement = prepare.call(this, text);
  (statement as unknown as { sqlText: string }).sqlText = text;
  return statement;
} as typeof Database.prototype.prepare;

const { bff, headers, paths, close } = await startLoadedRegistry('sql-times-');
try {
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
      const { run } = lastCall.get(text)!;
      const cpuStarted = process.cpuUsage();
      for (let i = 0; i < 300; i++) run();
      const cpu = process.cpuUsage(cpuStarted);
      console.log(`      alone: ${((cpu.user + cpu.system) / 300).toFixed(1)} µs CPU per call`);
    }
  }
} finally {
  await close();
}
