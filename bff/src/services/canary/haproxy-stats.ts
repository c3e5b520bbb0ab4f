// Live traffic per version from HAProxy itself (no agent): `show stat` over
// the Runtime API gives each server's cumulative responses by status class and
// its average response time. The servers of a version are found by the
// dispatch naming rule (`v2_1_0`, `v2_1_0-b`); an interval's traffic is the
// difference between two readings of the counters.
import type { LiveVersionMetrics } from '../../../../shared/domain/online-gate.js';
import { DispatchError } from '../serving/dispatch-error.js';
import { runtimeApi, type RuntimeApi } from '../serving/haproxy-runtime-api.js';
import { versionOfServer } from '../serving/haproxy-weights.js';

export interface ServerCounters {
  /** Responses sent (sum of hrsp_1xx … hrsp_other), cumulative since HAProxy started. */
  responses: number;
  /** 5xx responses, cumulative. */
  errors: number;
  /** Average response time of the last 1024 requests (rtime, ms). */
  rtimeMs: number;
}

const RESPONSE_COLUMNS = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'];

/** Parses `show stat` CSV: one row per proxy/server, columns found by name in the `# pxname,…` header. */
export function parseShowStat(answer: string, backend: string): Map<string, ServerCounters> {
  const lines = answer.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const header = lines.find((line) => line.startsWith('#'));
  if (!header) throw new DispatchError(`unexpected answer to "show stat": ${answer.slice(0, 200)}`, false);
  const columns = header.slice(1).trim().split(',');
  const index = (name: string) => {
    const at = columns.indexOf(name);
    if (at < 0) throw new DispatchError(`"show stat" has no ${name} column`, false);
    return at;
  };
  const [proxy, server, rtime] = [index('pxname'), index('svname'), index('rtime')];
  const responses = RESPONSE_COLUMNS.map(index);
  const errors = index('hrsp_5xx');
  const counters = new Map<string, ServerCounters>();
  let backendSeen = false;
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    const fields = line.split(',');
    if (fields[proxy] !== backend) continue;
    backendSeen = true;
    const name = fields[server] ?? '';
    if (name === 'BACKEND' || name === 'FRONTEND' || name === '') continue;
    const number = (at: number) => {
      const value = Number(fields[at] ?? '');
      return fields[at] === '' || !Number.isFinite(value) ? 0 : value;
    };
    counters.set(name, { responses: responses.reduce((sum, at) => sum + number(at), 0), errors: number(errors), rtimeMs: number(rtime) });
  }
  if (!backendSeen) throw new DispatchError(`HAProxy has no backend "${backend}"`, true);
  return counters;
}

export async function readServerCounters(address: { runtime_api: string; backend: string }, api: RuntimeApi = runtimeApi(address.runtime_api)): Promise<Map<string, ServerCounters>> {
  return parseShowStat(await api.command('show stat'), address.backend);
}

/** What a counter reading keeps between intervals: per server, responses and 5xx so far. */
export type CounterSnapshot = Record<string, { responses: number; errors: number }>;

export function snapshotOf(counters: ReadonlyMap<string, ServerCounters>): CounterSnapshot {
  const snapshot: CounterSnapshot = {};
  for (const [name, counter] of counters) snapshot[name] = { responses: counter.responses, errors: counter.errors };
  return snapshot;
}

/**
 * Each version's traffic between `before` and `now`, by the naming rule.
 * A counter that went down means HAProxy restarted (counters start at 0):
 * the reading itself is then the traffic since the restart. Latency is the
 * servers' rtime, weighted by their responses in the interval.
 */
export function trafficSince(before: CounterSnapshot | null, now: ReadonlyMap<string, ServerCounters>, versions: readonly string[]): Map<string, LiveVersionMetrics> {
  const perVersion = new Map<string, { requests: number; errors: number; latencySum: number; latencyWeight: number }>();
  for (const [name, counter] of now) {
    const version = versionOfServer(name, versions);
    if (version === null) continue;
    const previous = before?.[name];
    const restarted = previous !== undefined && (counter.responses < previous.responses || counter.errors < previous.errors);
    // No earlier reading at all: nothing is known about this interval yet (the reading becomes the baseline).
    // A server added since the last reading, or a restart: everything it counted is new.
    const base = before === null ? counter : previous === undefined || restarted ? { responses: 0, errors: 0 } : previous;
    const responses = Math.max(0, counter.responses - base.responses);
    const errors = Math.min(responses, Math.max(0, counter.errors - base.errors));
    const entry = perVersion.get(version) ?? { requests: 0, errors: 0, latencySum: 0, latencyWeight: 0 };
    entry.requests += responses;
    entry.errors += errors;
    if (responses > 0) {
      entry.latencySum += counter.rtimeMs * responses;
      entry.latencyWeight += responses;
    }
    perVersion.set(version, entry);
  }
  const traffic = new Map<string, LiveVersionMetrics>();
  for (const [version, entry] of perVersion) {
    traffic.set(version, {
      requests: entry.requests,
      errors: entry.errors,
      ...(entry.latencyWeight > 0 ? { latency_avg_ms: entry.latencySum / entry.latencyWeight } : {}),
    });
  }
  return traffic;
}
