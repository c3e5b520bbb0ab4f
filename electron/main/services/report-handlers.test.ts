// Offline review through the IPC handler table, as the renderer uses it, against
// the real BFF: export writes the BFF's own bytes, open verifies with no network
// and no sign-in, one changed byte is "altered", unknown keys can be imported,
// every bad file gets its message, keys are pinned at sign-in and survive rotation.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcResult, OpenedReport, PushChannel, ReportExportResult, ReportOpenResult } from '../../../shared/ipc/contract.js';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import { REPORT_FILE_MAX_BYTES, type PinnedKey, type SignedReport } from '../../../shared/report/report.js';
import { startDemoBff, tempDir, waitFor, type DemoBff } from '../test-support/harness.js';
import { testPorts } from '../test-support/runtime-ports.js';
import { createConsoleRuntime, type ConsoleRuntime } from './console-runtime.js';
import { fingerprintKeyId, KeyPinStore, PIN_FILE_NAME } from './key-pin-store.js';
import { reportPathsFromArgv } from './report-files.js';
import { defaultReportFileName, withReportSuffix, type FileDialogs } from './report-service.js';
import type { ConfirmDialog } from './confirmations.js';

/** An HTTP forwarder in front of the BFF that keeps every eval-report answer body exactly as it went out. */
interface RecordingProxy {
  url: string;
  reportBodies: Buffer[];
  close(): Promise<void>;
}

async function startRecordingProxy(target: () => string): Promise<RecordingProxy> {
  const reportBodies: Buffer[] = [];
  const server = http.createServer((request, response) => {
    const upstream = http.request(new URL(request.url ?? '/', target()), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      if ((request.url ?? '').includes('/eval-report')) {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => reportBodies.push(Buffer.concat(chunks)));
      }
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reportBodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The native dialogs, answered with queued paths; none queued is Cancel. Confirmations: queued answers, none queued is confirm. */
function scriptedDialogs() {
  const confirmations: ConfirmDialog[] = [];
  const confirmAnswers: boolean[] = [];
  const confirm = async (dialog: ConfirmDialog) => {
    confirmations.push(dialog);
    return confirmAnswers.shift() ?? true;
  };
  const answers = { save: [] as (string | null)[], open: [] as (string | null)[] };
  const requests: { kind: 'save' | 'open'; defaultName?: string; format?: string }[] = [];
  const dialogs: FileDialogs = {
    chooseSavePath: async ({ defaultName, format }) => {
      requests.push({ kind: 'save', defaultName, format });
      return answers.save.shift() ?? null;
    },
    chooseOpenPath: async () => {
      requests.push({ kind: 'open' });
      return answers.open.shift() ?? null;
    },
  };
  return { dialogs, answers, requests, confirm, confirmations, confirmAnswers };
}

interface Console {
  runtime: ConsoleRuntime;
  dataDir: string;
  dialogs: ReturnType<typeof scriptedDialogs>;
  pushes: { channel: PushChannel; payload: unknown }[];
  call<T = unknown>(channel: string, payload?: unknown): Promise<IpcResult<T>>;
}

let bff: DemoBff;
let proxy: RecordingProxy;
let folder: ReturnType<typeof tempDir>;
const consoles: Console[] = [];

async function startConsole(dataDir: string): Promise<Console> {
  mkdirSync(dataDir, { recursive: true });
  const dialogs = scriptedDialogs();
  const pushes: Console['pushes'] = [];
  const runtime = await createConsoleRuntime(
    testPorts(
      { dataDir, bffUrl: proxy.url },
      {
        fileDialogs: dialogs.dialogs,
        confirm: dialogs.confirm,
        push: (channel, payload) => pushes.push({ channel, payload }),
        eventStream: { backoffMs: () => 50 },
      },
    ),
  );
  const handle: Console = {
    runtime,
    dataDir,
    dialogs,
    pushes,
    call: async (channel, payload = {}) => (await runtime.dispatch(channel, payload)) as IpcResult<never>,
  };
  consoles.push(handle);
  return handle;
}

const value = <T>(result: IpcResult<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
};

async function signIn(seat: Console): Promise<void> {
  value(await seat.call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: false }));
}

/** Keys pinned from `origin`, waiting for the pin that follows a sign-in. */
async function pinnedFrom(seat: Console, origin: string, atLeast = 1): Promise<PinnedKey[]> {
  let keys: PinnedKey[] = [];
  const deadline = Date.now() + 5000;
  for (;;) {
    keys = value(await seat.call<{ keys: PinnedKey[] }>('app:reports:keys')).keys.filter((key) => key.source.kind === 'bff' && key.source.origin === origin);
    if (keys.length >= atLeast || Date.now() > deadline) return keys;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let fileNumber = 0;
const freshPath = (name = 'report.modelreport.json') => join(folder.path, 'files', `${(fileNumber += 1)}-${name}`);

/** Exports the JSON report of a model through the console, saved at a fresh path; answers the result and the path. */
async function exportJson(seat: Console, modelId: string, versions?: string[]) {
  const path = freshPath();
  seat.dialogs.answers.save.push(path);
  const result = value(await seat.call<ReportExportResult>('app:reports:export', { format: 'json', model_id: modelId, ...(versions ? { versions } : {}) }));
  if (result.status !== 'saved') throw new Error('not saved');
  return { result, path, text: readFileSync(path, 'utf8') };
}

async function openWithDialog(seat: Console, path: string): Promise<OpenedReport> {
  seat.dialogs.answers.open.push(path);
  const result = value(await seat.call<ReportOpenResult>('app:reports:open'));
  if (result.status !== 'opened') throw new Error('cancelled');
  return result.report;
}

async function openText(seat: Console, content: string | Buffer, name = 'x.modelreport.json'): Promise<OpenedReport> {
  const path = freshPath(name);
  await writeFile(path, content);
  return openWithDialog(seat, path);
}

function replaceOnce(text: string, find: string, replacement: string): string {
  const at = text.indexOf(find);
  expect(at, `"${find}" in the report`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

let olivia: Console;
let exported: { result: Extract<ReportExportResult, { status: 'saved' }>; path: string; text: string };

beforeAll(async () => {
  // The forwarder first, so the BFF can name it as its own origin: the reports then name the BFF the console pinned.
  proxy = await startRecordingProxy(() => bff.url);
  bff = await startDemoBff({ publicOrigin: proxy.url });
  folder = tempDir('moc-report-handlers-');
  mkdirSync(join(folder.path, 'files'));
  olivia = await startConsole(join(folder.path, 'olivia'));
  await signIn(olivia);
  await pinnedFrom(olivia, proxy.url);
  const first = await exportJson(olivia, 'ltr-ranker');
  exported = { ...first, result: first.result as Extract<ReportExportResult, { status: 'saved' }> };
});

afterAll(async () => {
  for (const seat of consoles) await seat.runtime.shutdown();
  await proxy?.close();
  await bff?.stop();
  folder?.remove();
});

describe('report keys are pinned at sign-in', () => {
  it('pins GET /admin/keys under the BFF origin after signing in', async () => {
    const keys = await pinnedFrom(olivia, proxy.url);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys[0]).toMatchObject({ alg: 'Ed25519', source: { kind: 'bff', origin: proxy.url } });
    expect(readFileSync(join(olivia.dataDir, PIN_FILE_NAME), 'utf8')).toContain(keys[0]!.key_id);
  });

  it('a failure to pin does not fail the sign-in; it is logged', async () => {
    const dataDir = join(folder.path, 'unpinnable');
    // A folder where the pin file should be: reading it fails with EISDIR.
    mkdirSync(join(dataDir, PIN_FILE_NAME), { recursive: true });
    const seat = await startConsole(dataDir);
    expect(value(await seat.call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: false }))).toMatchObject({
      status: 'signed_in',
    });
    await waitFor(() => {
      try {
        return readFileSync(join(dataDir, 'logs', 'main.log'), 'utf8').includes("could not pin the BFF's keys at sign-in");
      } catch {
        return false;
      }
    }, 'the pin failure in the log');
    expect(value(await seat.call('app:models:get', { model_id: 'ltr-ranker' }))).toMatchObject({ model: { id: 'ltr-ranker' } });
  });
});

describe('app:reports:export', () => {
  it('json: writes exactly the bytes the BFF sent, under <model>-<versions>.modelreport.json, atomically', async () => {
    const body = proxy.reportBodies.at(-1)!;
    expect(readFileSync(exported.path).equals(body)).toBe(true);
    const signed = JSON.parse(exported.text) as SignedReport;
    const versions = signed.report.versions.map((version) => version.version);
    expect(olivia.dialogs.requests.at(-1)).toEqual({ kind: 'save', format: 'json', defaultName: `ltr-ranker-${versions.join('_')}.modelreport.json` });
    expect(exported.result).toMatchObject({ file_name: exported.path.split('/').pop(), bytes: body.length, verification: { status: 'verified' } });
    // Write-then-rename left no temporary file behind.
    expect(readdirSync(join(folder.path, 'files')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('json with named versions; a path typed without the extension gets it', async () => {
    const path = freshPath('typed-without-extension');
    olivia.dialogs.answers.save.push(path);
    const result = value(await olivia.call<ReportExportResult>('app:reports:export', { format: 'json', model_id: 'ltr-ranker', versions: ['2.2.0', '2.0.0'] }));
    expect(result).toMatchObject({ status: 'saved', path: `${path}.modelreport.json` });
    expect(olivia.dialogs.requests.at(-1)).toMatchObject({ defaultName: 'ltr-ranker-2.2.0_2.0.0.modelreport.json' });
    expect((JSON.parse(readFileSync(`${path}.modelreport.json`, 'utf8')) as SignedReport).report.versions.map((v) => v.version)).toEqual(['2.2.0', '2.0.0']);
  });

  it('html: saves the page the renderer built; cancel writes nothing; an unwritable place is a file_write_failed error', async () => {
    const html = '<!doctype html><html lang="en"><title>ltr-ranker</title><p>Report ✓</p></html>';
    const path = freshPath('page.html');
    olivia.dialogs.answers.save.push(path);
    const saved = value(await olivia.call<ReportExportResult>('app:reports:export', { format: 'html', model_id: 'ltr-ranker', versions: ['2.2.0', '2.0.0'], html }));
    expect(saved).toMatchObject({ status: 'saved', path, verification: null, bytes: Buffer.byteLength(html) });
    expect(readFileSync(path, 'utf8')).toBe(html);
    expect(olivia.dialogs.requests.at(-1)).toEqual({ kind: 'save', format: 'html', defaultName: 'ltr-ranker-2.2.0_2.0.0.html' });

    const before = readdirSync(join(folder.path, 'files')).length;
    expect(value(await olivia.call('app:reports:export', { format: 'html', model_id: 'ltr-ranker', html }))).toEqual({ status: 'cancelled' });
    expect(readdirSync(join(folder.path, 'files'))).toHaveLength(before);

    olivia.dialogs.answers.save.push(join(folder.path, 'no-such-folder', 'page.html'));
    expect(await olivia.call('app:reports:export', { format: 'html', model_id: 'ltr-ranker', html })).toMatchObject({
      ok: false,
      error: { code: 'file_write_failed', message: expect.stringContaining('the folder does not exist') },
    });
    expect(await olivia.call('app:reports:export', { format: 'html', model_id: 'ltr-ranker', html: '<p>not a document</p>' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_ipc_payload' },
    });
  });
});

describe('app:reports:open', () => {
  it('export -> open -> verified, naming the BFF and the key', async () => {
    const keyId = (JSON.parse(exported.text) as SignedReport).signature.key_id;
    const opened = await openWithDialog(olivia, exported.path);
    expect(opened).toMatchObject({
      file_name: exported.path.split('/').pop(),
      path: exported.path,
      verification: { status: 'verified', key_id: keyId, bff_origin: proxy.url, key_label: null, key_retired_at: null },
      signed: { report: { model: { id: 'ltr-ranker' } }, signature: { key_id: keyId } },
    });
    expect(value(await olivia.call('app:reports:open'))).toEqual({ status: 'cancelled' });
  });

  it('trust is per origin: the same key pinned only for another BFF gives the amber other_origin verdict, not verified', async () => {
    // A console that pinned this BFF's key while signed in to https://staging.example (say, the same key
    // deployed twice) must not take it as proof for a report that names another BFF.
    const pins = JSON.parse(readFileSync(join(olivia.dataDir, PIN_FILE_NAME), 'utf8')) as { version: 1; keys: PinnedKey[] };
    const elsewhere = join(folder.path, 'console-staging');
    mkdirSync(elsewhere, { recursive: true });
    const staging = { version: 1, keys: pins.keys.map((key) => ({ ...key, source: { kind: 'bff', origin: 'https://staging.example' } })) };
    writeFileSync(join(elsewhere, PIN_FILE_NAME), JSON.stringify(staging));
    const other = await startConsole(elsewhere);
    const keyId = (JSON.parse(exported.text) as SignedReport).signature.key_id;
    const opened = await openWithDialog(other, exported.path);
    expect(opened.verification).toEqual({ status: 'other_origin', key_id: keyId, key_origin: 'https://staging.example', report_origin: proxy.url });
    // An altered copy is still altered, whoever's key it names.
    expect((await openText(other, exported.text.replace('"ltr-ranker"', '"ltr-rankeR"'))).verification.status).toBe('altered');
  });

  it('keys are never pinned from a plain-http BFF on another machine', async () => {
    const store = new KeyPinStore(join(folder.path, 'pins-http'));
    await expect(store.pin('http://bff.corp.example', [])).rejects.toMatchObject({ code: 'invalid_origin' });
    await expect(store.pin('https://bff.corp.example', [])).resolves.toMatchObject({ added: [] });
    await expect(store.pin('http://127.0.0.1:8787', [])).resolves.toMatchObject({ added: [] });
  });

  it('one changed byte -> altered, by the dialog and by a drop', async () => {
    const digitAt = exported.text.indexOf('"ndcg@10":0.') + '"ndcg@10":0.'.length;
    const digit = exported.text[digitAt]!;
    const tampered = exported.text.slice(0, digitAt) + (digit === '9' ? '8' : String(Number(digit) + 1)) + exported.text.slice(digitAt + 1);
    expect((await openText(olivia, tampered)).verification).toMatchObject({ status: 'altered' });
    const dropped = value(
      await olivia.call<OpenedReport>('app:reports:open-dropped', { file_name: 'tampered.modelreport.json', bytes: new Uint8Array(Buffer.from(tampered)) }),
    );
    expect(dropped).toMatchObject({ file_name: 'tampered.modelreport.json', path: null, verification: { status: 'altered' } });
    // The same bytes untouched, dropped: verified.
    const genuine = value(await olivia.call<OpenedReport>('app:reports:open-dropped', { file_name: 'x.json', bytes: new Uint8Array(readFileSync(exported.path)) }));
    expect(genuine.verification.status).toBe('verified');
  });

  it('signed by an unknown key -> unknown_key; importing the PEM by hand -> verified on re-check', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const document = JSON.parse(exported.text) as SignedReport;
    const keyId = fingerprintKeyId(publicKey);
    const resigned = JSON.stringify({
      report: document.report,
      signature: { alg: 'Ed25519', key_id: keyId, value: sign(null, Buffer.from(canonicalJson(document.report)), privateKey).toString('base64') },
    });
    const opened = await openText(olivia, resigned);
    expect(opened.verification).toEqual({ status: 'unknown_key', key_id: keyId });

    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(await olivia.call('app:reports:import-key', { public_key_pem: 'hello' })).toMatchObject({ ok: false, error: { code: 'invalid_key' } });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(await olivia.call('app:reports:import-key', { public_key_pem: privatePem })).toMatchObject({
      ok: false,
      error: { code: 'invalid_key', message: expect.stringContaining('private key') },
    });
    // The key is trusted only once the user confirmed its fingerprint in the main process's own dialog.
    const fingerprint = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').toUpperCase().match(/../g)!.join(':');
    olivia.dialogs.confirmAnswers.push(false);
    expect(await olivia.call('app:reports:import-key', { public_key_pem: pem, label: 'from the audit team' })).toMatchObject({
      ok: false,
      error: { code: 'cancelled_by_user' },
    });
    expect(olivia.dialogs.confirmations.at(-1)).toMatchObject({ kind: 'key_import', detail: expect.stringContaining(fingerprint) });
    expect(value(await olivia.call<{ keys: PinnedKey[] }>('app:reports:keys')).keys.some((k) => k.key_id === keyId)).toBe(false);
    expect(value(await olivia.call<OpenedReport>('app:reports:reverify', { opened_id: opened.opened_id })).verification.status).toBe('unknown_key');
    const { key } = value(await olivia.call<{ key: PinnedKey }>('app:reports:import-key', { public_key_pem: pem, label: 'from the audit team' }));
    expect(key).toMatchObject({ key_id: keyId, source: { kind: 'imported', label: 'from the audit team' } });
    const again = value(await olivia.call<OpenedReport>('app:reports:reverify', { opened_id: opened.opened_id }));
    expect(again).toMatchObject({ opened_id: opened.opened_id, verification: { status: 'verified', key_id: keyId, bff_origin: null, key_label: 'from the audit team' } });
    expect(await olivia.call('app:reports:reverify', { opened_id: 'opened_0000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('each bad file gives its own message, and nothing crashes', async () => {
    const problemOf = async (content: string | Buffer) => {
      const opened = await openText(olivia, content);
      expect(opened.signed).toBeNull();
      expect(opened.verification.status).toBe('invalid');
      return opened.verification as { problem: string; message: string };
    };
    expect(await problemOf(exported.text.slice(0, Math.floor(exported.text.length / 2)))).toMatchObject({ problem: 'truncated', message: expect.stringContaining('cut off') });
    expect(await problemOf('Dear reviewer, the report is attached.')).toMatchObject({ problem: 'not_json', message: expect.stringContaining('not JSON') });
    expect(await problemOf('{"items": []}')).toMatchObject({ problem: 'not_a_report', message: expect.stringContaining('not an exported eval report') });
    expect(await problemOf(replaceOnce(exported.text, '"schema_version":1', '"schema_version":2'))).toMatchObject({
      problem: 'unknown_schema_version',
      message: expect.stringContaining('schema version 2'),
    });
    expect(await problemOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]))).toMatchObject({ problem: 'not_text' });

    // Over 50 MB: a sparse file, refused by its size before anything is read.
    const huge = freshPath('huge.modelreport.json');
    await writeFile(huge, '');
    await truncate(huge, REPORT_FILE_MAX_BYTES + 1);
    const tooLarge = await openWithDialog(olivia, huge);
    expect(tooLarge.verification).toMatchObject({ status: 'invalid', problem: 'too_large', message: expect.stringContaining('over 50 MB') });
    // A drop of more than 50 MB never reaches the verifier (the renderer refuses it by size first).
    expect(
      await olivia.call('app:reports:open-dropped', { file_name: 'huge.json', bytes: new Uint8Array(REPORT_FILE_MAX_BYTES + 1) }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_ipc_payload' } });
    expect((await openWithDialog(olivia, join(folder.path, 'missing.modelreport.json'))).verification).toMatchObject({
      problem: 'unreadable',
      message: expect.stringContaining('does not exist'),
    });
  });

  it('a file the OS opens (file association, command line) is pushed to the renderer', async () => {
    await olivia.runtime.openReportFile(exported.path);
    const push = olivia.pushes.findLast((p) => p.channel === 'app:reports:opened');
    expect(push?.payload).toMatchObject({ path: exported.path, verification: { status: 'verified' } });
  });
});

describe('rotation and offline use', () => {
  it('key rotation keeps an old export verifiable through the console; the new key is pinned by the next export', async () => {
    const before = await exportJson(olivia, 'bert-sentiment');
    const oldKeyId = (JSON.parse(before.text) as SignedReport).signature.key_id;

    const cli = spawn(process.execPath, ['--import', 'tsx', 'bff/src/cli.ts', 'rotate-signing-key', '--db', bff.dbFile], {
      cwd: join(import.meta.dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise((resolve) => cli.on('exit', resolve)), output).toBe(0);

    // Signed with the new key, which this console has not pinned yet: the export pins it and verifies.
    const after = await exportJson(olivia, 'bert-sentiment');
    const newKeyId = (JSON.parse(after.text) as SignedReport).signature.key_id;
    expect(newKeyId).not.toBe(oldKeyId);
    expect(after.result.verification).toMatchObject({ status: 'verified', key_id: newKeyId });

    expect((await openWithDialog(olivia, after.path)).verification).toMatchObject({ status: 'verified', key_id: newKeyId, key_retired_at: null });
    expect((await openWithDialog(olivia, before.path)).verification).toMatchObject({ status: 'verified', key_id: oldKeyId, key_retired_at: expect.any(String) });
  });

  it('opens and verifies with no sign-in and no BFF at all; export needs a sign-in', async () => {
    const offline = await startConsole(olivia.dataDir);
    await bff.stop();
    expect(value(await offline.call('app:session:state'))).toMatchObject({ status: 'signed_out' });
    expect((await openWithDialog(offline, exported.path)).verification).toMatchObject({ status: 'verified', bff_origin: proxy.url });
    offline.dialogs.answers.save.push(freshPath());
    expect(await offline.call('app:reports:export', { format: 'json', model_id: 'ltr-ranker' })).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
  });
});

describe('file names', () => {
  it('<model>-<versions> with the format suffix, bounded', () => {
    expect(defaultReportFileName('ltr-ranker', ['2.2.0', '2.0.0'], 'json')).toBe('ltr-ranker-2.2.0_2.0.0.modelreport.json');
    expect(defaultReportFileName('ltr-ranker', [], 'html')).toBe('ltr-ranker.html');
    expect(defaultReportFileName('m', ['1.0.0-rc.1+build.5'], 'json')).toBe('m-1.0.0-rc.1+build.5.modelreport.json');
    const many = Array.from({ length: 20 }, (_, i) => `1.${i}.0-${'x'.repeat(20)}`);
    expect(defaultReportFileName('m', many, 'json').length).toBeLessThan(200);
    expect(withReportSuffix('/tmp/a', 'json')).toBe('/tmp/a.modelreport.json');
    expect(withReportSuffix('/tmp/a.JSON', 'json')).toBe('/tmp/a.JSON');
    expect(withReportSuffix('/tmp/a.htm', 'html')).toBe('/tmp/a.htm');
    expect(withReportSuffix('/tmp/a.modelreport.json', 'html')).toBe('/tmp/a.modelreport.json.html');
  });
});

describe('report files on the command line', () => {
  it('takes absolute *.json paths only, never switches, links or the executable', () => {
    expect(
      reportPathsFromArgv(
        ['/opt/Model Ops Console/model-ops-console', '--no-sandbox', 'modelops://requests/req_12345678', 'a.modelreport.json', '/home/r/b.JSON', 'notes.txt', '.'],
        'linux',
      ),
    ).toEqual(['/home/r/b.JSON']);
    expect(reportPathsFromArgv(['x.json', '/y.json'], 'linux')).toEqual(['/y.json']);
    expect(reportPathsFromArgv(['app', ...Array.from({ length: 9 }, (_, i) => `/${i}.json`)], 'linux')).toHaveLength(4);
  });

  it('drops URL-like arguments without // (a deep link is never a report path), and reads file:// URLs as paths', () => {
    expect(
      reportPathsFromArgv(
        ['app', 'modelops:/../Downloads/evil.modelreport.json', 'modelops:evil.json', 'https:/x/y.json', 'javascript:a.json', 'file:///home/r/My%20Report.modelreport.json', 'file://server/share/x.json'],
        'linux',
      ),
    ).toEqual(['/home/r/My Report.modelreport.json']);
    // Windows: drive paths are paths, not a URL scheme "c:"; UNC paths too; a relative one is not.
    expect(
      reportPathsFromArgv(['app.exe', 'C:\\Users\\r\\Downloads\\a.modelreport.json', 'modelops:/../b.json', '..\\c.json', 'file:///C:/Users/r/d.json', '\\\\srv\\share\\e.json'], 'win32'),
    ).toEqual(['C:\\Users\\r\\Downloads\\a.modelreport.json', 'C:\\Users\\r\\d.json', '\\\\srv\\share\\e.json']);
  });
});

describe('report files that are not regular files', () => {
  it('a FIFO named like a report is refused at once, without opening it for reading', async () => {
    const fifo = join(folder.path, 'files', 'pipe.modelreport.json');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status, String(made.stderr)).toBe(0);
    // Before the fix, open() blocked a libuv worker until a writer came: this call never returned.
    const opened = await Promise.race([
      openWithDialog(olivia, fifo),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('opening the FIFO hung')), 5000)),
    ]);
    expect(opened.verification).toMatchObject({ status: 'invalid', problem: 'not_a_file', message: expect.stringContaining('pipe') });
    // And the console still opens real files afterwards (no worker is stuck).
    expect((await openWithDialog(olivia, exported.path)).verification.status).toBe('verified');
  });
});
