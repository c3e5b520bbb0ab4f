// CredentialVault: the one door to the OS keychain (keytar), three functions and
// nothing else, so that swapping keytar for safeStorage touches this file only.
import { ClientError } from './client-error.js';

export interface CredentialVault {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  /** True when an entry was there. */
  delete(service: string, account: string): Promise<boolean>;
}

type Keytar = typeof import('keytar');

/**
 * keytar is loaded on first use: a machine without libsecret (or with the
 * native build missing) still starts, and only "stay signed in" fails, with
 * `keychain_unavailable`.
 */
export function createKeytarVault(options: { timeoutMs?: number } = {}): CredentialVault {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let loaded: Promise<Keytar> | null = null;
  const keytar = () => (loaded ??= import('keytar').then((module) => ((module as { default?: Keytar }).default ?? module) as Keytar));

  // A Secret Service that is not there can make D-Bus wait for its own 25 s timeout.
  const call = async <T>(what: string, run: (k: Keytar) => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        keytar().then(run),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ClientError('keychain_unavailable', `The OS keychain could not ${what}: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get: (service, account) => call('read the saved sign-in', (k) => k.getPassword(service, account)),
    set: (service, account, secret) => call('save the sign-in', (k) => k.setPassword(service, account, secret)),
    delete: (service, account) => call('remove the saved sign-in', (k) => k.deletePassword(service, account)),
  };
}

/** Keychain entry of a saved sign-in: one per BFF origin and user. */
export function keychainEntry(sessionOrigin: string, username: string): { service: string; account: string } {
  return { service: `model-ops-console:${sessionOrigin}`, account: username };
}
