// The console's offline check of exported reports, against reports exported
// by the real BFF: verified, altered, unknown key, rotation, and every kind of
// bad file getting its own message without a crash.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import { KeysResponse, REPORT_FILE_MAX_BYTES, type PinnedKey } from '../../../shared/report/report.js';
import { startDemoBff, tempDir, type DemoBff } from '../test-support/harness.js';
import { KeyPinStore, fingerprintKeyId } from './key-pin-store.js';
import { isJsonPrefix, openReportFile, parseReportBytes, verifyReport } from './report-verifier.js';

let bff: DemoBff;
let folder: ReturnType<typeof tempDir>;
let token: string;
let pins: KeyPinStore;
let exported: string;
let fileNumber = 0;

async function exportText(path: string): Promise<string> {
  const response = await fetch(`${bff.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** What the console does while signed in: fetch GET /admin/keys and pin them for this BFF. */
async function pinKeysOfBff(store: KeyPinStore = pins): Promise<void> {
  const keys = KeysResponse.parse(await (await fetch(`${bff.url}/admin/keys`)).json()).keys;
  await store.pin(bff.url, keys);
}

async function file(content: string | Buffer): Promise<string> {
  const path = join(folder.path, `report-${(fileNumber += 1)}.json`);
  await writeFile(path, content);
  return path;
}

async function open(content: string | Buffer, keys?: PinnedKey[]) {
  return openReportFile(await file(content), keys ?? (await pins.all()));
}

/** Replaces the first occurrence of `find` in `text`, failing loudly when it is absent. */
function replaceOnce(text: string, find: string, replacement: string): string {
  const at = text.indexOf(find);
  expect(at, `"${find}" in the report`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

beforeAll(async () => {
  bff = await startDemoBff();
  folder = tempDir('moc-reports-');
  const login = await fetch(`${bff.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'olivia', password: 'demo-olivia' }),
  });
  token = ((await login.json()) as { access_token: string }).access_token;
  pins = new KeyPinStore(join(folder.path, 'app-data'));
  await pinKeysOfBff();
  exported = await exportText('/admin/models/ltr-ranker/eval-report');
});
afterAll(async () => {
  await bff?.stop();
  folder?.remove();
});

describe('openReportFile on exported reports', () => {
  it('export -> open -> verified, naming the BFF the key was pinned from and the key', async () => {
    const { verification, signed } = await open(exported);
    const keyId = (JSON.parse(exported) as { signature: { key_id: string } }).signature.key_id;
    expect(verification).toEqual({
      status: 'verified',
      key_id: keyId,
      bff_origin: new URL(bff.url).origin,
      key_label: null,
      key_retired_at: null,
      report_origin: bff.url,
    });
    expect(signed?.report.model.id).toBe('ltr-ranker');
    // Re-indented by an editor, still the same signed values.
    expect((await open(JSON.stringify(JSON.parse(exported), null, 2))).verification.status).toBe('verified');
  });

  it('one changed byte in a value -> altered', async () => {
    const digitAt = exported.indexOf('"ndcg@10":0.') + '"ndcg@10":0.'.length;
    const digit = exported[digitAt]!;
    const altered = exported.slice(0, digitAt) + (digit === '9' ? '8' : String(Number(digit) + 1)) + exported.slice(digitAt + 1);
    const { verification, signed } = await open(altered);
    expect(verification).toMatchObject({ status: 'altered' });
    // What the altered file claims can still be shown, under the verdict.
    expect(signed).not.toBeNull();
  });

  it('a change that schema parsing would normalise away is still altered: the check runs over the file as parsed, not as read by zod', async () => {
    // Checksums are lower-case hex; the schema lower-cases them, so a check over the schema's copy would pass.
    const checksum = /"checksum":"([0-9a-f]{64})"/.exec(exported)![1]!;
    const upper = replaceOnce(exported, checksum, checksum.toUpperCase());
    expect((await open(upper)).verification.status).toBe('altered');
  });

  it('a changed signature -> altered; a signature spelled in non-canonical base64 -> altered', async () => {
    const value = (JSON.parse(exported) as { signature: { value: string } }).signature.value;
    const flipped = `${value[0] === 'A' ? 'B' : 'A'}${value.slice(1)}`;
    expect((await open(replaceOnce(exported, value, flipped))).verification.status).toBe('altered');
    // The last character before "==" carries 4 unused bits: setting one decodes to the same bytes but is not the file that was signed.
    const lastIndex = value.length - 3;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sloppy = value.slice(0, lastIndex) + alphabet[alphabet.indexOf(value[lastIndex]!) + 1]! + value.slice(lastIndex + 1);
    expect((await open(replaceOnce(exported, value, sloppy))).verification.status).toBe('altered');
  });

  it('signed by a key that is not pinned -> unknown_key; importing that key by hand makes it verified', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const document = JSON.parse(exported) as { report: unknown; signature: Record<string, string> };
    const keyId = fingerprintKeyId(publicKey);
    const resigned = JSON.stringify({
      report: document.report,
      signature: { alg: 'Ed25519', key_id: keyId, value: sign(null, Buffer.from(canonicalJson(document.report)), privateKey).toString('base64') },
    });
    const unknown = await open(resigned);
    expect(unknown.verification).toEqual({ status: 'unknown_key', key_id: keyId });
    expect(unknown.signed).not.toBeNull();

    const store = new KeyPinStore(join(folder.path, 'hand-imported'));
    await pinKeysOfBff(store);
    await store.importKey(publicKey.export({ type: 'spki', format: 'pem' }) as string, { label: 'from the audit team' });
    expect((await open(resigned, await store.all())).verification).toMatchObject({
      status: 'verified',
      key_id: keyId,
      bff_origin: null,
      key_label: 'from the audit team',
    });
  });

  it('a key pinned under the same id but a different key -> altered', async () => {
    const keyId = (JSON.parse(exported) as { signature: { key_id: string } }).signature.key_id;
    const impostor = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const keys: PinnedKey[] = [
      { key_id: keyId, alg: 'Ed25519', public_key_pem: impostor, source: { kind: 'imported', label: '' }, pinned_at: new Date().toISOString() },
    ];
    expect((await open(exported, keys)).verification).toEqual({ status: 'altered', key_id: keyId });
  });

  it('key rotation: a report signed before still verifies with the retired key; new exports use the new key', async () => {
    const before = await exportText('/admin/models/bert-sentiment/eval-report');
    const oldKeyId = (JSON.parse(before) as { signature: { key_id: string } }).signature.key_id;

    // The admin rotates from the command line while the BFF runs.
    const cli = spawn(process.execPath, ['--import', 'tsx', 'bff/src/cli.ts', 'rotate-signing-key', '--db', bff.dbFile], {
      cwd: join(import.meta.dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise((resolve) => cli.on('exit', resolve)), output).toBe(0);

    const after = await exportText('/admin/models/bert-sentiment/eval-report');
    const newKeyId = (JSON.parse(after) as { signature: { key_id: string } }).signature.key_id;
    expect(newKeyId).not.toBe(oldKeyId);

    // A console that has not signed in since does not know the new key yet.
    expect((await open(after)).verification).toEqual({ status: 'unknown_key', key_id: newKeyId });
    await pinKeysOfBff();
    expect((await open(after)).verification).toMatchObject({ status: 'verified', key_id: newKeyId, key_retired_at: null });
    expect((await open(before)).verification).toMatchObject({ status: 'verified', key_id: oldKeyId, key_retired_at: expect.any(String) });
  });
});

describe('openReportFile on files that are not reports', () => {
  const problemOf = async (content: string | Buffer) => {
    const { verification, signed } = await open(content);
    expect(signed).toBeNull();
    expect(verification.status).toBe('invalid');
    return verification as { problem: string; message: string };
  };

  it('truncated -> says it is cut off', async () => {
    for (const cut of [exported.length - 1, Math.floor(exported.length / 2), 20, 1]) {
      const verdict = await problemOf(exported.slice(0, cut));
      expect(verdict.problem, `cut at ${cut}`).toBe('truncated');
      expect(verdict.message).toMatch(/cut off/);
    }
  });

  it('not JSON -> says so; binary -> not text; empty -> empty', async () => {
    expect(await problemOf('Dear reviewer, the report is attached.')).toMatchObject({ problem: 'not_json', message: expect.stringMatching(/not JSON/) });
    expect(await problemOf(`${exported}}`)).toMatchObject({ problem: 'not_json' });
    expect(await problemOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]))).toMatchObject({ problem: 'not_text' });
    expect(await problemOf('  \n')).toMatchObject({ problem: 'empty', message: 'The file is empty.' });
  });

  it('JSON of the wrong shape -> not a report', async () => {
    const runs = await exportText('/admin/models/ltr-ranker/eval-runs');
    expect(await problemOf(runs)).toMatchObject({ problem: 'not_a_report', message: expect.stringMatching(/not an exported eval report/) });
    expect(await problemOf('[1, 2, 3]')).toMatchObject({ problem: 'not_a_report' });
    const unsigned = JSON.stringify({ report: (JSON.parse(exported) as { report: unknown }).report });
    expect(await problemOf(unsigned)).toMatchObject({ problem: 'not_a_report' });
    // Report-shaped but unknown key and missing fields: nothing to show and nothing to check.
    expect(await problemOf(JSON.stringify({ report: { schema_version: 1 }, signature: { alg: 'Ed25519', key_id: 'k', value: 'x' } }))).toMatchObject({
      problem: 'not_a_report',
    });
  });

  it('an unknown schema version -> names the version', async () => {
    const future = replaceOnce(exported, '"schema_version":1', '"schema_version":2');
    expect(await problemOf(future)).toMatchObject({ problem: 'unknown_schema_version', message: expect.stringContaining('schema version 2') });
    const odd = replaceOnce(exported, '"schema_version":1', '"schema_version":"one"');
    expect(await problemOf(odd)).toMatchObject({ problem: 'unknown_schema_version', message: expect.stringContaining('"one"') });
  });

  it('another signature algorithm -> says it cannot be checked', async () => {
    expect(await problemOf(replaceOnce(exported, '"alg":"Ed25519"', '"alg":"RS256"'))).toMatchObject({
      problem: 'unsupported_algorithm',
      message: expect.stringContaining('RS256'),
    });
  });

  it('over 50 MB -> refused by size before reading (a sparse file: nothing is written)', async () => {
    const path = join(folder.path, 'huge.json');
    await writeFile(path, '');
    await truncate(path, REPORT_FILE_MAX_BYTES + 1);
    const { verification } = await openReportFile(path, await pins.all());
    expect(verification).toMatchObject({ status: 'invalid', problem: 'too_large', message: expect.stringContaining('over 50 MB') });
    // Exactly at the limit is still read (and here it is not JSON: NUL bytes).
    await truncate(path, REPORT_FILE_MAX_BYTES);
    expect((await openReportFile(path, [])).verification).toMatchObject({ problem: 'not_json' });
  });

  it('a folder, a missing file -> their own messages', async () => {
    const directory = join(folder.path, 'a-folder.json');
    await mkdir(directory);
    expect((await openReportFile(directory, [])).verification).toMatchObject({ problem: expect.stringMatching(/^(not_a_file|unreadable)$/) });
    expect((await openReportFile(join(folder.path, 'missing.json'), [])).verification).toMatchObject({
      problem: 'unreadable',
      message: expect.stringContaining('does not exist'),
    });
  });

  it('never throws: absurd nesting, huge numbers, odd values', async () => {
    const deep = `{"report":${'['.repeat(200_000)}${']'.repeat(200_000)},"signature":{}}`;
    expect((await open(deep)).verification.status).toBe('invalid');
    const nested = `{"report":{"schema_version":1,"x":${'['.repeat(200_000)}${']'.repeat(200_000)}},"signature":{"alg":"Ed25519","key_id":"k","value":"v"}}`;
    expect((await open(nested)).verification.status).toBe('invalid');
    const infinite = replaceOnce(exported, '"runs_omitted":0', '"runs_omitted":1e999');
    expect((await open(infinite)).verification.status).toBe('altered');
    for (const value of [null, 0, 'report', [], {}, { report: null, signature: null }]) {
      expect(verifyReport(value, []).status).toBe('invalid');
    }
  });
});

describe('isJsonPrefix', () => {
  it('holds for every cut of any JSON text that no longer parses, and not for trailing garbage', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        const text = JSON.stringify(value, null, seed % 3);
        const cut = text.slice(0, seed % (text.length + 1));
        let parses = true;
        try {
          JSON.parse(cut);
        } catch {
          parses = false;
        }
        if (!parses) expect(isJsonPrefix(cut)).toBe(true);
        expect(isJsonPrefix(`${text} x`)).toBe(false);
      }),
    );
  });

  it('tells cut-off text from text that was never JSON', () => {
    for (const cut of ['{', '{"a', '{"a":', '{"a":tr', '[1,', '[-', '"\\u00', '{"a":1.5e']) expect(isJsonPrefix(cut), cut).toBe(true);
    for (const bad of ['{a', '[1,]', '{"a":1,}', '01', 'nul!', '"\\x"', '{"a" 1', 'hello']) expect(isJsonPrefix(bad), bad).toBe(false);
  });

  it('parseReportBytes drops a byte-order mark', () => {
    expect(parseReportBytes(Buffer.from('\uFEFF{"a":1}'))).toMatchObject({ ok: true, document: { a: 1 } });
  });
});
