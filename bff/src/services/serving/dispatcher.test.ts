import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPATCH_SETTINGS } from '../../context.js';
import { dispatchSettingsFromEnv } from './dispatch-settings.js';
import { backoffMs, describeDrift } from './dispatcher.js';

describe('backoff', () => {
  it('doubles from the base up to the cap, with half of each delay random', () => {
    const settings = { retryBaseMs: 1000, retryMaxMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => backoffMs(n, settings, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, settings, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(50, settings, () => 1)).toBe(60_000);
    expect(backoffMs(50, settings, () => 0)).toBe(30_000);
  });
});

describe('drift in words', () => {
  it('names each version whose share differs from the approved one', () => {
    const deployment = { stable_version: '2.0.0', canary_version: '2.1.0', canary_pct: 5 };
    expect(describeDrift({ '2.0.0': 88, '2.1.0': 12 }, deployment)).toBe('HAProxy sends 88 % to 2.0.0, approved 95 %; HAProxy sends 12 % to 2.1.0, approved 5 %');
    expect(describeDrift({ '2.0.0': 95, '2.1.0': 5, '1.5.0': 0 }, deployment)).toBe('HAProxy weights differ from the approved state');
  });
});

describe('dispatch settings from the environment', () => {
  it('keeps the defaults, reads what is set and refuses nonsense', () => {
    expect(dispatchSettingsFromEnv({})).toEqual(DEFAULT_DISPATCH_SETTINGS);
    expect(dispatchSettingsFromEnv({ BFF_RECONCILE_INTERVAL_MS: '500', BFF_REAPPLY_ON_DRIFT: 'true' })).toMatchObject({ reconcileIntervalMs: 500, reapplyOnDrift: true });
    expect(() => dispatchSettingsFromEnv({ BFF_RECONCILE_INTERVAL_MS: 'soon' })).toThrow(/BFF_RECONCILE_INTERVAL_MS/);
    expect(() => dispatchSettingsFromEnv({ BFF_REAPPLY_ON_DRIFT: 'yes' })).toThrow(/true or false/);
    expect(() => dispatchSettingsFromEnv({ BFF_DISPATCH_RETRY_BASE_MS: '5000', BFF_DISPATCH_RETRY_MAX_MS: '1000' })).toThrow(/not be below/);
  });
});
