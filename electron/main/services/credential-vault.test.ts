// The keytar-backed CredentialVault against the real OS keychain (gnome-keyring
// over D-Bus in CI): round trip, overwrite, deletion, absent entries.
import { beforeAll, describe, expect, it } from 'vitest';
import { probeKeychain } from '../test-support/harness.js';
import { keychainEntry, type CredentialVault } from './credential-vault.js';

const keychain = await probeKeychain();

describe.skipIf(!keychain.vault)(`CredentialVault on the OS keychain${keychain.vault ? '' : ` — skipped: ${keychain.reason}`}`, () => {
  let vault: CredentialVault;
  const { service, account } = keychainEntry(`http://vault-test-${process.pid}.invalid`, 'olivia');
  beforeAll(() => {
    vault = keychain.vault!;
  });

  it('stores, reads back, overwrites and deletes a secret', async () => {
    expect(await vault.get(service, account)).toBeNull();
    await vault.set(service, account, 'first-secret');
    expect(await vault.get(service, account)).toBe('first-secret');
    await vault.set(service, account, 'second-secret');
    expect(await vault.get(service, account)).toBe('second-secret');
    expect(await vault.delete(service, account)).toBe(true);
    expect(await vault.get(service, account)).toBeNull();
    expect(await vault.delete(service, account)).toBe(false);
  });

  it('keeps entries of different BFF origins and users apart', async () => {
    const a = keychainEntry('https://a.example', 'olivia');
    const b = keychainEntry('https://b.example', 'olivia');
    await vault.set(a.service, a.account, 'for-a');
    await vault.set(b.service, b.account, 'for-b');
    try {
      expect(await vault.get(a.service, a.account)).toBe('for-a');
      expect(await vault.get(b.service, 'arjun')).toBeNull();
    } finally {
      await vault.delete(a.service, a.account);
      await vault.delete(b.service, b.account);
    }
  });
});

it('names keychain entries by BFF origin and user name', () => {
  expect(keychainEntry('https://bff.example:8443', 'olivia')).toEqual({ service: 'model-ops-console:https://bff.example:8443', account: 'olivia' });
});
