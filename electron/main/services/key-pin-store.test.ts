// Pinned report-signing keys: added per BFF origin and never forgotten,
// swapped keys refused, hand imports, and a file that survives crashes and corruption.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SigningKeyInfo } from '../../../shared/report/report.js';
import { tempDir } from '../test-support/harness.js';
import { KeyPinError, KeyPinStore, PIN_FILE_NAME, fingerprintKeyId } from './key-pin-store.js';

let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir('moc-pins-');
});
afterEach(() => folder.remove());

const NOW = new Date('2026-11-20T10:00:00.000Z');
const store = (warnings: string[] = []) =>
  new KeyPinStore(folder.path, { now: () => NOW, onWarning: (message) => warnings.push(message) });

const pemOf = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }) as string;

function signingKey(extra: Partial<SigningKeyInfo> = {}): SigningKeyInfo & { publicKey: KeyObject } {
  const { publicKey } = generateKeyPairSync('ed25519');
  return { key_id: fingerprintKeyId(publicKey), alg: 'Ed25519', public_key_pem: pemOf(publicKey), created_at: '2026-11-01T00:00:00.000Z', ...extra, publicKey };
}
const info = ({ publicKey: _publicKey, ...rest }: SigningKeyInfo & { publicKey: KeyObject }): SigningKeyInfo => rest;

describe('KeyPinStore.pin', () => {
  it('pins what a BFF lists under its origin, and keeps it across restarts', async () => {
    const key = signingKey();
    expect(await store().pin('http://127.0.0.1:8787/some/path', [info(key)])).toEqual({ added: [key.key_id], updated: [], conflicts: [] });
    const pinned = await store().all();
    expect(pinned).toEqual([
      { ...info(key), source: { kind: 'bff', origin: 'http://127.0.0.1:8787' }, pinned_at: NOW.toISOString() },
    ]);
    // Pinning the same list again changes nothing.
    expect(await store().pin('http://127.0.0.1:8787', [info(key)])).toEqual({ added: [], updated: [], conflicts: [] });
  });

  it('records a rotation (retired_at) and never forgets a key the BFF stops listing', async () => {
    const pins = store();
    const old = signingKey();
    await pins.pin('https://bff.example', [info(old)]);
    const next = signingKey();
    const retiredAt = '2026-11-10T00:00:00.000Z';
    expect(await pins.pin('https://bff.example', [info(next), { ...info(old), retired_at: retiredAt }])).toEqual({
      added: [next.key_id],
      updated: [old.key_id],
      conflicts: [],
    });
    await pins.pin('https://bff.example', [info(next)]);
    const all = await store().all();
    expect(all.map((pin) => [pin.key_id, pin.retired_at])).toEqual([
      [old.key_id, retiredAt],
      [next.key_id, undefined],
    ]);
  });

  it('refuses to replace a pinned key with another under the same id, and a fingerprint id that does not match its key', async () => {
    const pins = store();
    const genuine = signingKey({ key_id: 'bff-key-1' });
    await pins.pin('https://bff.example', [info(genuine)]);
    const swapped = signingKey({ key_id: 'bff-key-1' });
    expect(await pins.pin('https://bff.example', [info(swapped)])).toEqual({ added: [], updated: [], conflicts: ['bff-key-1'] });
    expect((await pins.all())[0]!.public_key_pem).toBe(genuine.public_key_pem);

    const lying = signingKey();
    const other = signingKey();
    expect(await pins.pin('https://bff.example', [{ ...info(lying), key_id: other.key_id }])).toMatchObject({ conflicts: [other.key_id] });
    // The same id from another origin is another pin.
    expect(await pins.pin('https://other.example', [info(swapped)])).toMatchObject({ added: ['bff-key-1'] });
  });

  it('refuses a bad origin or a key that is not Ed25519', async () => {
    const pins = store();
    await expect(pins.pin('file:///etc', [])).rejects.toMatchObject({ code: 'invalid_origin' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    await expect(pins.pin('https://bff.example', [{ ...info(signingKey()), key_id: 'rsa-1', public_key_pem: pemOf(rsa) }])).rejects.toBeInstanceOf(
      KeyPinError,
    );
    expect(await pins.all()).toEqual([]);
  });

  it('runs concurrent pins one after another: none drops the other', async () => {
    const pins = store();
    const keys = Array.from({ length: 5 }, () => signingKey());
    await Promise.all(keys.map((key, i) => pins.pin(`https://bff-${i}.example`, [info(key)])));
    expect((await store().all()).map((pin) => pin.key_id).sort()).toEqual(keys.map((key) => key.key_id).sort());
  });
});

describe('KeyPinStore.importKey', () => {
  it('imports a PEM by hand under its fingerprint id with a label, once', async () => {
    const pins = store();
    const { publicKey } = generateKeyPairSync('ed25519');
    const pin = await pins.importKey(pemOf(publicKey), { label: '  from the audit team ' });
    expect(pin).toEqual({
      key_id: fingerprintKeyId(publicKey),
      alg: 'Ed25519',
      public_key_pem: pemOf(publicKey),
      source: { kind: 'imported', label: 'from the audit team' },
      pinned_at: NOW.toISOString(),
    });
    expect(await pins.importKey(pemOf(publicKey).replace(/\n/g, '\r\n'))).toEqual(pin);
    expect(await store().all()).toEqual([pin]);
  });

  it('takes an explicit id, refuses a second key under it, private keys, and non-keys', async () => {
    const pins = store();
    await pins.importKey(pemOf(generateKeyPairSync('ed25519').publicKey), { keyId: 'legacy-1' });
    await expect(pins.importKey(pemOf(generateKeyPairSync('ed25519').publicKey), { keyId: 'legacy-1' })).rejects.toMatchObject({
      code: 'key_conflict',
    });
    const privatePem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await expect(pins.importKey(privatePem)).rejects.toMatchObject({ code: 'invalid_key', message: expect.stringContaining('private key') });
    await expect(pins.importKey('hello')).rejects.toMatchObject({ code: 'invalid_key' });
    expect(await pins.all()).toHaveLength(1);
  });
});

describe('the pin file', () => {
  it('is written atomically (no temporary left), readable JSON, 0600', async () => {
    await store().pin('https://bff.example', [info(signingKey())]);
    expect(await readdir(folder.path)).toEqual([PIN_FILE_NAME]);
    const file = join(folder.path, PIN_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, keys: [{ source: { kind: 'bff' } }] });
  });

  it('when unreadable, is set aside (not overwritten) and the store starts empty', async () => {
    await mkdir(folder.path, { recursive: true });
    await writeFile(join(folder.path, PIN_FILE_NAME), '{"version": 1, "keys": [');
    const warnings: string[] = [];
    const pins = store(warnings);
    expect(await pins.all()).toEqual([]);
    expect(warnings).toHaveLength(1);
    const files = await readdir(folder.path);
    expect(files.some((name) => name.startsWith(`${PIN_FILE_NAME}.unreadable-`))).toBe(true);
    await pins.pin('https://bff.example', [info(signingKey())]);
    expect(await store().all()).toHaveLength(1);
  });
});
