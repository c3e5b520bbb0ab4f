// Reads the workstation policy file and works out the effective settings:
// policy locks > user's own values > policy defaults > built-in defaults.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { POLICY_FILE_ENV, POLICY_PATHS, WorkstationPolicy } from '../../../shared/settings/policy.js';
import { DEFAULT_SETTINGS, SettingKey, type Settings, type SettingsPatch } from '../../../shared/settings/settings.js';
import type { PolicyStatus } from '../../../shared/ipc/contract.js';

export interface LoadedPolicy {
  status: PolicyStatus;
  policy: WorkstationPolicy | null;
  /** PEM text of the extra CA certificates the policy names. */
  caCertificates: string[];
}

/** The documented policy path for this OS, or the MODELOPS_POLICY_FILE override. */
export function policyPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  const override = env[POLICY_FILE_ENV];
  if (override) return override;
  if (platform === 'win32') {
    return POLICY_PATHS.win32.replace('%ProgramData%', env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData');
  }
  return platform === 'darwin' ? POLICY_PATHS.darwin : POLICY_PATHS.linux;
}

const describeIssues = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`).join('; ');

/**
 * Loads and validates the policy. A missing file is fine (an unmanaged
 * machine); anything else wrong is `invalid`, with a message that names the
 * file and the problem — never silently ignored.
 */
export async function loadPolicy(path: string): Promise<LoadedPolicy> {
  const invalid = (problem: string): LoadedPolicy => ({
    status: { path, state: 'invalid', error: `Workstation policy ${path} is invalid: ${problem}` },
    policy: null,
    caCertificates: [],
  });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: { path, state: 'absent' }, policy: null, caCertificates: [] };
    return invalid(`cannot be read (${code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return invalid(`not valid JSON (${(error as Error).message})`);
  }
  const parsed = WorkstationPolicy.safeParse(json);
  if (!parsed.success) return invalid(describeIssues(parsed.error));
  const policy = parsed.data;

  const caCertificates: string[] = [];
  for (const file of policy.ca_certificate_files ?? []) {
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch (error) {
      return invalid(`ca_certificate_files: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
      return invalid(`ca_certificate_files: ${file} holds no PEM certificate`);
    }
    caCertificates.push(pem);
  }
  return { status: { path, state: 'loaded' }, policy, caCertificates };
}

export interface EffectiveSettings {
  settings: Settings;
  locked: SettingKey[];
}

/** Applies the policy over the user's stored values. */
export function effectiveSettings(user: SettingsPatch, policy: WorkstationPolicy | null): EffectiveSettings {
  const locked = new Set<SettingKey>(policy?.locked_settings ?? []);
  // A policy that names the BFF fixes it: a user could otherwise point the console elsewhere.
  if (policy?.bff_url) locked.add('bff_url');
  const policyValues: SettingsPatch = { ...policy?.settings, ...(policy?.bff_url ? { bff_url: policy.bff_url } : {}) };

  const settings = { ...DEFAULT_SETTINGS } as Record<SettingKey, unknown>;
  for (const key of SettingKey.options) {
    const fromPolicy = policyValues[key];
    const fromUser = user[key];
    if (locked.has(key)) settings[key] = fromPolicy !== undefined ? fromPolicy : DEFAULT_SETTINGS[key];
    else if (fromUser !== undefined) settings[key] = fromUser;
    else if (fromPolicy !== undefined) settings[key] = fromPolicy;
  }
  return { settings: settings as Settings, locked: SettingKey.options.filter((key) => locked.has(key)) };
}
