// Reads the workstation policy file and works out the effective settings:
// policy locks > user's own values > policy defaults > built-in defaults.
import { constants } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { POLICY_FILE_ENV, POLICY_PATHS, WorkstationPolicy } from '../../../shared/settings/policy.js';
import { DEFAULT_SETTINGS, SettingKey, type Settings, type SettingsPatch } from '../../../shared/settings/settings.js';
import type { PolicyStatus } from '../../../shared/ipc/contract.js';
import { describeIssues } from './describe-issues.js';

export interface LoadedPolicy {
  status: PolicyStatus;
  policy: WorkstationPolicy | null;
  /** PEM text of the extra CA certificates the policy names. */
  caCertificates: string[];
}

export interface PolicyLocationOptions {
  /**
   * A packaged (installed) app never honours MODELOPS_POLICY_FILE: the user
   * could otherwise switch the policy off by pointing it at an empty file.
   */
  packaged: boolean;
  /**
   * Windows: the ProgramData known folder as the OS reports it (adapter), not
   * from the environment, which the user controls. Null: C:\ProgramData.
   */
  programDataDir?: string | null;
}

/** The documented policy path for this OS; MODELOPS_POLICY_FILE only in an unpackaged build (development, tests). */
export function policyPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, options: PolicyLocationOptions = { packaged: true }): string {
  const override = env[POLICY_FILE_ENV];
  if (override && !options.packaged) return override;
  if (platform === 'win32') {
    return POLICY_PATHS.win32.replace('%ProgramData%', (options.programDataDir ?? 'C:\\ProgramData').replace(/[\\/]+$/, ''));
  }
  return platform === 'darwin' ? POLICY_PATHS.darwin : POLICY_PATHS.linux;
}

export interface LoadPolicyOptions {
  /** Ownership and mode are checked on POSIX only (Windows ACLs are IT's to set on ProgramData). */
  platform?: NodeJS.Platform;
  /** Who may own the file: root, and for an unpackaged build's override also the user running it. */
  trustedOwners?: readonly number[];
}

/**
 * Why a policy file cannot be trusted, or null: on POSIX it must be owned by
 * root (or a trusted owner) and writable by nobody else, or any user could
 * rewrite what IT decided.
 */
export function untrustedPolicyReason(stats: { uid: number; mode: number }, trustedOwners: readonly number[]): string | null {
  if (!trustedOwners.includes(stats.uid)) return `it is owned by user id ${stats.uid}, not by root, so any change to it may not come from IT`;
  if ((stats.mode & 0o022) !== 0) {
    return `it is writable by ${(stats.mode & 0o020) !== 0 ? 'its group' : 'other users'} (mode ${(stats.mode & 0o777).toString(8).padStart(3, '0')}); IT must make it writable by root only (chmod 644)`;
  }
  return null;
}

/** A policy is a few lines of JSON; anything far larger is not one. */
const POLICY_MAX_BYTES = 1024 * 1024;

/**
 * Loads and validates the policy. A missing file is fine (an unmanaged
 * machine); anything else wrong is `invalid`, with a message that names the
 * file and the problem — never silently ignored.
 */
export async function loadPolicy(path: string, options: LoadPolicyOptions = {}): Promise<LoadedPolicy> {
  const invalid = (problem: string): LoadedPolicy => ({
    status: { path, state: 'invalid', error: `Workstation policy ${path} is invalid: ${problem}` },
    policy: null,
    caCertificates: [],
  });
  const platform = options.platform ?? process.platform;
  let text: string;
  let handle: FileHandle;
  try {
    // Non-blocking, so a FIFO put in its place cannot hang the start; checked on the open handle, so
    // what is checked is what is read.
    handle = await open(path, constants.O_RDONLY | (platform === 'win32' ? 0 : constants.O_NONBLOCK));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: { path, state: 'absent' }, policy: null, caCertificates: [] };
    return invalid(`cannot be read (${code ?? String(error)})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return invalid('it is not a regular file');
    if (platform !== 'win32') {
      const reason = untrustedPolicyReason(stats, options.trustedOwners ?? [0]);
      if (reason) return invalid(`refused: ${reason}.`);
    }
    if (stats.size > POLICY_MAX_BYTES) return invalid(`it is larger than ${POLICY_MAX_BYTES / 1024} KB`);
    text = await handle.readFile('utf8');
  } catch (error) {
    return invalid(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    await handle.close().catch(() => undefined);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return invalid(`not valid JSON (${(error as Error).message})`);
  }
  const parsed = WorkstationPolicy.safeParse(json);
  if (!parsed.success) return invalid(describeIssues(parsed.error, Number.POSITIVE_INFINITY));
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
