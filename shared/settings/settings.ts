// The user's settings of the console (non-secret, stored in the app's data
// folder) and the keys a workstation policy may fix or lock.
import { z } from 'zod';

/** Loopback hosts: traffic to them never leaves the machine, so plain http is acceptable there. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** https anywhere, http only to a loopback host: passwords and tokens never cross a network in clear. */
export function isSecureBffOrigin(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
  } catch {
    return false;
  }
}

/** Where the BFF is: https (http only on loopback), no credentials, query or fragment in the URL. */
export const BffUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((url) => {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '' && parsed.hash === '' && parsed.search === '';
  }, 'must be a plain http(s) URL without user name, password, query or fragment')
  .refine(isSecureBffOrigin, 'must use https (plain http only to this computer: localhost, 127.0.0.1, [::1])');

export const Theme = z.enum(['system', 'light', 'dark']);

export const RunInBackground = z.enum(['approvers', 'always', 'never']);
export type RunInBackground = z.infer<typeof RunInBackground>;

export const Settings = z.strictObject({
  /** The BFF to talk to; null = local mode (the embedded reference BFF). */
  bff_url: BffUrl.nullable(),
  /** Native notifications for approvals, decisions and rollbacks. */
  notifications_enabled: z.boolean(),
  theme: Theme,
  /**
   * Closing the window keeps the console in the tray / menu bar (so approvers
   * still hear of requests): `approvers` = for users with the approver role.
   */
  run_in_background: RunInBackground,
  /** Start with the OS session (login item), in the background. */
  launch_at_login: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const SettingKey = z.enum(['bff_url', 'notifications_enabled', 'theme', 'run_in_background', 'launch_at_login']);
export type SettingKey = z.infer<typeof SettingKey>;

export const DEFAULT_SETTINGS: Settings = {
  bff_url: null,
  notifications_enabled: true,
  theme: 'system',
  run_in_background: 'approvers',
  launch_at_login: false,
};

/** Any subset of the settings, as stored in the user's settings file. */
export const SettingsPatch = Settings.partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/**
 * What the renderer may change directly: everything but `bff_url`. Changing
 * the BFF is a main-process flow with a native confirmation that shows the
 * origin (`app:settings:change-bff`), so a compromised page cannot repoint
 * the console (and the user's passwords) somewhere else.
 */
export const RendererSettingsPatch = Settings.omit({ bff_url: true }).partial();
export type RendererSettingsPatch = z.infer<typeof RendererSettingsPatch>;
