// Dispatch settings from the environment of `npm run bff` (README, "Connecting
// your serving layer"); anything unset keeps its default.
import { DEFAULT_DISPATCH_SETTINGS, type DispatchSettings } from '../../context.js';

const NUMERIC: Array<[keyof DispatchSettings, string]> = [
  ['reconcileIntervalMs', 'BFF_RECONCILE_INTERVAL_MS'],
  ['retryBaseMs', 'BFF_DISPATCH_RETRY_BASE_MS'],
  ['retryMaxMs', 'BFF_DISPATCH_RETRY_MAX_MS'],
  ['leaseMs', 'BFF_DISPATCH_LEASE_MS'],
  ['pollIntervalMs', 'BFF_DISPATCH_POLL_MS'],
];

export function dispatchSettingsFromEnv(env: NodeJS.ProcessEnv): DispatchSettings {
  const settings: DispatchSettings = { ...DEFAULT_DISPATCH_SETTINGS };
  for (const [key, name] of NUMERIC) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 10 || value > 24 * 3600 * 1000) throw new Error(`${name} must be milliseconds between 10 and 86400000`);
    (settings[key] as number) = value;
  }
  const reapply = env.BFF_REAPPLY_ON_DRIFT;
  if (reapply !== undefined && reapply !== '') {
    if (reapply !== 'true' && reapply !== 'false') throw new Error('BFF_REAPPLY_ON_DRIFT must be true or false');
    settings.reapplyOnDrift = reapply === 'true';
  }
  if (settings.retryMaxMs < settings.retryBaseMs) throw new Error('BFF_DISPATCH_RETRY_MAX_MS must not be below BFF_DISPATCH_RETRY_BASE_MS');
  return settings;
}
