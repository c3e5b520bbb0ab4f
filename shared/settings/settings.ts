// The user's settings of the console (non-secret, stored in the app's data
// folder) and the keys a workstation policy may fix or lock.
import { z } from 'zod';

/** Where the BFF is: http(s) only, no credentials or fragment in the URL. */
export const BffUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((url) => {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '' && parsed.hash === '' && parsed.search === '';
  }, 'must be a plain http(s) URL without user name, password, query or fragment');

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

/** A change the user asks for: any subset of the settings. */
export const SettingsPatch = Settings.partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
