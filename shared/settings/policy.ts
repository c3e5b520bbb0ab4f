// The workstation policy file IT places on managed machines: it fixes the BFF
// URL, extra CA certificates and proxy, and which settings users may change.
import { z } from 'zod';
import { BffUrl, SettingKey, Settings } from './settings.js';

/** Documented location per OS; MODELOPS_POLICY_FILE overrides it (tests, staging). */
export const POLICY_PATHS = {
  linux: '/etc/model-ops-console/policy.json',
  darwin: '/Library/Application Support/ModelOpsConsole/policy.json',
  win32: '%ProgramData%\\ModelOpsConsole\\policy.json',
} as const;
export const POLICY_FILE_ENV = 'MODELOPS_POLICY_FILE';

const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'must be an absolute path');

export const ProxyUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((url) => new URL(url).hash === '', 'must not have a fragment');

/** Unknown keys are errors: a misspelt lock must never be silently ignored. */
export const WorkstationPolicy = z.strictObject({
  /** Schema version of the file. */
  version: z.literal(1),
  /** Fixes the BFF (implies bff_url is locked and local mode is off). */
  bff_url: BffUrl.optional(),
  /**
   * Origins (scheme://host[:port]) the user may point the console at; absent:
   * any https origin. Local mode stays available unless bff_url is set.
   */
  allowed_bff_origins: z
    .array(BffUrl.refine((url) => new URL(url).origin === url.replace(/\/$/, ''), 'an origin: scheme://host[:port], no path'))
    .max(64)
    .optional(),
  /** PEM files of extra CA certificates trusted for the BFF (in addition to the system's). */
  ca_certificate_files: z.array(AbsolutePath).max(32).optional(),
  /** HTTP(S) proxy for BFF traffic. */
  proxy: z
    .strictObject({
      url: ProxyUrl,
      /** Host names (or suffixes starting with ".") reached directly. */
      bypass: z.array(z.string().min(1).max(253)).max(64).optional(),
    })
    .optional(),
  /** Values applied over the user's own. */
  settings: Settings.partial().optional(),
  /** Settings the user may not change (their value is the policy's, or the default). */
  locked_settings: z.array(SettingKey).optional(),
  /**
   * Company sign-in (OIDC): the only issuer the console signs in at, whatever a
   * BFF names (a BFF pointing people at another IdP is refused: docs/decisions/0012).
   */
  oidc_issuer: z.url({ protocol: /^https$/ }).max(2048).optional(),
  /** false: the sign-in screen offers only the company IdP, no password form. */
  password_sign_in: z.boolean().optional(),
});
export type WorkstationPolicy = z.infer<typeof WorkstationPolicy>;
