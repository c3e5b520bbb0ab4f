// The HAProxy adapter against a real HAProxy: weights set over the Runtime
// API, read back, and the traffic that then flows through it measured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureSplit, startHaproxy, startModelServer, type RunningHaproxy } from '../../testing/haproxy.js';
import { applyToHaproxy, observeHaproxy } from './haproxy-target.js';
import { runtimeApi, setServerWeight } from './haproxy-runtime-api.js';

const VERSIONS = ['2.0.0', '2.1.0'];
const state = (stable: string, canary: string | null, pct: number) => ({
  delivery_id: 'dlv_test',
  model_id: 'ltr',
  stable_version: stable,
  canary_version: canary,
  canary_pct: pct,
  state_version: 1,
  salt: 's',
  at: new Date().toISOString(),
});

describe('HAProxy adapter (real HAProxy)', () => {
  let haproxy: RunningHaproxy;
  let target: { runtime_api: string; backend: string };

  beforeAll(async () => {
    const servers = await Promise.all([
      startModelServer('2.0.0'),
      startModelServer('2.0.0', 'b'),
      startModelServer('2.0.0', 'c'),
      startModelServer('2.1.0'),
    ]);
    haproxy = await startHaproxy([{ name: 'ltr', servers, initialWeights: { v2_0_0: 100, 'v2_0_0-b': 100, 'v2_0_0-c': 100 } }]);
    target = { runtime_api: haproxy.runtimeApi, backend: 'ltr' };
  });
  afterAll(async () => haproxy?.stop());

  it('sets weights so the canary gets its share of real requests, reads them back, and sees a hand change', async () => {
    const applied = await applyToHaproxy(target, state('2.0.0', '2.1.0', 5), VERSIONS);
    expect(applied.observed).toEqual({ '2.0.0': 95, '2.1.0': 5 });
    const counts = await measureSplit(haproxy.frontendPorts.get('ltr')!, 4000);
    const canaryShare = (100 * (counts.get('2.1.0') ?? 0)) / 4000;
    expect(canaryShare).toBeGreaterThanOrEqual(3.5);
    expect(canaryShare).toBeLessThanOrEqual(6.5);

    expect((await observeHaproxy(target, state('2.0.0', '2.1.0', 5), VERSIONS)).differences).toEqual([]);
    await setServerWeight(runtimeApi(target.runtime_api), 'ltr', 'v2_1_0', 9);
    const drifted = await observeHaproxy(target, state('2.0.0', '2.1.0', 5), VERSIONS);
    expect(drifted.differences).toEqual([{ server: 'v2_1_0', expected: 3, actual: 9 }]);
    expect(drifted.observed['2.1.0']).toBeCloseTo(13.64, 1);

    // Applying again is idempotent and repairs the hand change.
    expect((await applyToHaproxy(target, state('2.0.0', '2.1.0', 5), VERSIONS)).observed).toEqual({ '2.0.0': 95, '2.1.0': 5 });
  });

  it('refuses an unknown backend and a live version without servers as permanent errors', async () => {
    await expect(applyToHaproxy({ ...target, backend: 'nope' }, state('2.0.0', null, 0), VERSIONS)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringContaining('no backend "nope"'),
    });
    await expect(applyToHaproxy(target, state('2.0.0', '2.2.0', 5), [...VERSIONS, '2.2.0'])).rejects.toMatchObject({ permanent: true });
  });

  it('speaks the Runtime API over a unix socket too', async () => {
    const servers = await Promise.all([startModelServer('2.0.0'), startModelServer('2.1.0')]);
    const overUnix = await startHaproxy([{ name: 'ltr', servers, initialWeights: { v2_0_0: 100 } }], { runtimeApi: 'unix' });
    try {
      expect(overUnix.runtimeApi).toMatch(/^unix:\/\/\/.*admin\.sock$/);
      const applied = await applyToHaproxy({ runtime_api: overUnix.runtimeApi, backend: 'ltr' }, state('2.0.0', '2.1.0', 25), VERSIONS);
      expect(applied.observed).toEqual({ '2.0.0': 75, '2.1.0': 25 });
    } finally {
      await overUnix.stop();
    }
  });

  it('reports an unreachable Runtime API as a transient error', async () => {
    await expect(applyToHaproxy({ runtime_api: 'tcp://127.0.0.1:1', backend: 'ltr' }, state('2.0.0', null, 0), VERSIONS)).rejects.toMatchObject({
      permanent: false,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
