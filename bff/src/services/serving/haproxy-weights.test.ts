import { describe, expect, it } from 'vitest';
import { observedShares, planWeights, serverStem, versionOfServer } from './haproxy-weights.js';

const targets = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('HAProxy server naming', () => {
  it('names servers v + version with . and + as _, and maps names back to the longest matching version', () => {
    expect(serverStem('2.1.0')).toBe('v2_1_0');
    expect(serverStem('1.0.0+build.5')).toBe('v1_0_0_build_5');
    const versions = ['1.2.0', '1.2.0-rc.1', '2.1.0'];
    expect(versionOfServer('v2_1_0', versions)).toBe('2.1.0');
    expect(versionOfServer('v2_1_0-b', versions)).toBe('2.1.0');
    expect(versionOfServer('v1_2_0-rc_1', versions)).toBe('1.2.0-rc.1');
    expect(versionOfServer('v1_2_0-rc_1-b', versions)).toBe('1.2.0-rc.1');
    expect(versionOfServer('v1_2_0-x', versions)).toBe('1.2.0');
    expect(versionOfServer('v2_1_00', versions)).toBeNull();
    expect(versionOfServer('backup', versions)).toBeNull();
  });
});

describe('planWeights', () => {
  const versions = ['2.0.0', '2.1.0', '1.5.0'];

  it('gives each version its exact share whatever its number of servers (95 % over 3, 5 % over 1)', () => {
    const plan = planWeights(['v2_0_0', 'v2_0_0-b', 'v2_0_0-c', 'v2_1_0', 'v1_5_0', 'other'], versions, targets({ '2.0.0': 95, '2.1.0': 5 }));
    expect(Object.fromEntries(plan.weights)).toEqual({ v2_0_0: 19, 'v2_0_0-b': 19, 'v2_0_0-c': 19, v2_1_0: 3, v1_5_0: 0, other: 0 });
    expect(plan.maxErrorPts).toBeLessThan(1e-9);
  });

  it('stays within 256 and close to the target when no small integers are exact', () => {
    for (let pct = 1; pct <= 99; pct++) {
      const plan = planWeights(['v2_0_0', 'v2_0_0-b', 'v2_0_0-c', 'v2_1_0', 'v2_1_0-b'], versions, targets({ '2.0.0': 100 - pct, '2.1.0': pct }));
      for (const weight of plan.weights.values()) {
        expect(weight).toBeGreaterThanOrEqual(1);
        expect(weight).toBeLessThanOrEqual(256);
      }
      expect(plan.maxErrorPts).toBeLessThan(0.2);
      const shares = observedShares([...plan.weights].map(([name, weight]) => ({ name, weight })), versions);
      expect(shares['2.1.0']).toBeCloseTo(pct, 0);
    }
  });

  it('puts everything on one version at 100 % and refuses a live version without servers', () => {
    expect(Object.fromEntries(planWeights(['v2_0_0', 'v2_1_0'], versions, targets({ '2.1.0': 100 })).weights)).toEqual({ v2_0_0: 0, v2_1_0: 1 });
    expect(() => planWeights(['v2_0_0'], versions, targets({ '2.0.0': 95, '2.1.0': 5 }))).toThrow(/no server for version 2.1.0 .*v2_1_0/);
  });
});
