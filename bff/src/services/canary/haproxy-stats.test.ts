// `show stat` parsing and per-interval traffic by the server naming rule
// (the live path is covered against a real HAProxy in canary-haproxy.test.ts).
import { describe, expect, it } from 'vitest';
import { parseShowStat, snapshotOf, trafficSince } from './haproxy-stats.js';

const HEADER = '# pxname,svname,scur,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,rtime,';
const stat = (rows: string[]) => [HEADER, 'fe,FRONTEND,0,,,,,,,,', ...rows, 'be,BACKEND,0,0,999,0,0,1,0,2,', 'other,v2_1_0,0,0,5,0,0,5,0,1,'].join('\n');
const VERSIONS = ['2.0.0', '2.1.0'];

describe('HAProxy show stat', () => {
  it('reads responses, 5xx and rtime per server of the backend only', () => {
    const counters = parseShowStat(stat(['be,v2_0_0,0,0,90,0,10,0,0,3,', 'be,v2_1_0,0,0,8,0,0,2,0,4,', 'be,spare,0,,,,,,,,']), 'be');
    expect([...counters]).toEqual([
      ['v2_0_0', { responses: 100, errors: 0, rtimeMs: 3 }],
      ['v2_1_0', { responses: 10, errors: 2, rtimeMs: 4 }],
      ['spare', { responses: 0, errors: 0, rtimeMs: 0 }],
    ]);
    expect(() => parseShowStat(stat([]), 'missing')).toThrow(/no backend "missing"/);
    expect(() => parseShowStat('Unknown command', 'be')).toThrow(/unexpected answer/);
  });

  it('counts an interval as the difference of two readings, per version, and survives a restart', () => {
    const first = parseShowStat(stat(['be,v2_0_0,0,0,100,0,0,0,0,3,', 'be,v2_1_0,0,0,10,0,0,0,0,4,']), 'be');
    // The first reading is only the baseline.
    expect([...trafficSince(null, first, VERSIONS)]).toEqual([
      ['2.0.0', { requests: 0, errors: 0 }],
      ['2.1.0', { requests: 0, errors: 0 }],
    ]);
    const second = parseShowStat(stat(['be,v2_0_0,0,0,190,0,0,0,0,3,', 'be,v2_1_0,0,0,18,0,0,2,0,5,', 'be,v2_1_0-b,0,0,4,0,0,1,0,7,']), 'be');
    expect(trafficSince(snapshotOf(first), second, VERSIONS)).toEqual(
      new Map([
        ['2.0.0', { requests: 90, errors: 0, latency_avg_ms: 3 }],
        // v2_1_0-b is new since the first reading: all it counted is new.
        ['2.1.0', { requests: 15, errors: 3, latency_avg_ms: (10 * 5 + 5 * 7) / 15 }],
      ]),
    );
    const restarted = parseShowStat(stat(['be,v2_0_0,0,0,7,0,0,0,0,3,', 'be,v2_1_0,0,0,1,0,0,0,0,4,']), 'be');
    expect(trafficSince(snapshotOf(second), restarted, VERSIONS).get('2.0.0')).toEqual({ requests: 7, errors: 0, latency_avg_ms: 3 });
  });
});
