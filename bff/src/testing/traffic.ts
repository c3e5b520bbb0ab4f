// Test and demo support: a bounded traffic generator for a frontend (HAProxy
// on 127.0.0.1). It paces GET requests at a steady rate over keep-alive
// connections until stopped or `maxRequests` went out, and counts the answers
// per version and status, so a suite can tell what the serving layer did.
import { Agent, request as httpRequest } from 'node:http';

export interface TrafficCounts {
  sent: number;
  /** Answers per `<version> <status>`, e.g. `1.1.0 500`. */
  answers: Map<string, number>;
  failures: number;
}

export interface RunningTraffic {
  counts: TrafficCounts;
  /** Answers of `version` so far (any status). */
  answersOf(version: string): number;
  stop(): Promise<TrafficCounts>;
}

export function startTraffic(port: number, options: { ratePerSecond: number; maxRequests: number; concurrency?: number }): RunningTraffic {
  const concurrency = options.concurrency ?? 4;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const counts: TrafficCounts = { sent: 0, answers: new Map(), failures: 0 };
  let stopped = false;
  const started = Date.now();
  const one = () =>
    new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          const key = `${String(res.headers['x-model-version'] ?? '?')} ${res.statusCode ?? 0}`;
          counts.answers.set(key, (counts.answers.get(key) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', () => {
        counts.failures += 1;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (!stopped && counts.sent < options.maxRequests) {
      // Pace: request k goes out no earlier than k / rate seconds after the start.
      const due = started + (counts.sent * 1000) / options.ratePerSecond;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) return;
      counts.sent += 1;
      await one();
    }
  };
  const workers = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    counts,
    answersOf: (version) => [...counts.answers].filter(([key]) => key.startsWith(`${version} `)).reduce((sum, [, n]) => sum + n, 0),
    async stop() {
      stopped = true;
      await workers;
      agent.destroy();
      return counts;
    },
  };
}
