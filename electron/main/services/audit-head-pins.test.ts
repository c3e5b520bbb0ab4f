// Finding 10 of issue 11, console side: the newest signed audit head seen per
// BFF is pinned, every verify passes it as known_seq/known_hash (through the
// real console runtime and the real BFF), so a cut tail reads "truncated"; a
// head whose signature does not hold is refused and never pinned.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedAuditHead, type AuditVerifyResponse } from '../../../shared/api/audit.js';
import type { IpcResult } from '../../../shared/ipc/contract.js';
import type { PinnedKey } from '../../../shared/report/report.js';
import { startDemoBff, tempDir, type DemoBff } from '../test-support/harness.js';
import { testPorts } from '../test-support/runtime-ports.js';
import { AuditHeadPins, headSignatureHolds } from './audit-head-pins.js';
import { createConsoleRuntime, type ConsoleRuntime } from './console-runtime.js';

let bff: DemoBff;
let folder: ReturnType<typeof tempDir>;
let runtime: ConsoleRuntime;
let dataDir: string;

const call = async <T>(channel: string, payload: unknown = {}): Promise<T> => {
  const result = (await runtime.dispatch(channel, payload)) as IpcResult<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
};

async function pinnedKeys(): Promise<PinnedKey[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const keys = (await call<{ keys: PinnedKey[] }>('app:reports:keys')).keys;
    if (keys.length > 0 || Date.now() > deadline) return keys;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs SQL on the BFF's database from another process, as someone with the file would. */
function tamper(sql: string): void {
  const script = `const Database = require('libsql'); const db = new Database(process.argv[1]); db.exec(process.argv[2]); db.close();`;
  const result = spawnSync(process.execPath, ['-e', script, bff.dbFile, sql], { cwd: join(import.meta.dirname, '../../..'), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tamper failed: ${result.stderr}`);
}

async function signedHead(): Promise<SignedAuditHead> {
  const login = await fetch(`${bff.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'olivia', password: 'demo-olivia' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const answer = await fetch(`${bff.url}/admin/audit/head`, { headers: { authorization: `Bearer ${token}` } });
  return SignedAuditHead.parse(await answer.json());
}

beforeAll(async () => {
  bff = await startDemoBff();
  folder = tempDir('moc-audit-heads-');
  dataDir = join(folder.path, 'console');
  mkdirSync(dataDir, { recursive: true });
  runtime = await createConsoleRuntime(testPorts({ dataDir, bffUrl: bff.url }, { eventStream: { backoffMs: () => 50 } }));
  await call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: false });
  expect((await pinnedKeys()).length).toBeGreaterThan(0);
});

afterAll(async () => {
  await runtime?.shutdown();
  await bff?.stop();
  folder?.remove();
});

describe('pinned audit heads', () => {
  it('pins the signed head at the first verify and checks against it from then on', async () => {
    const pins = new AuditHeadPins(dataDir);
    expect(await call<AuditVerifyResponse>('app:audit:verify')).toMatchObject({ ok: true });
    const first = await pins.get(bff.url);
    expect(first?.head.seq).toBeGreaterThan(0);
    // An export is audited: the next verify names the pinned head and pins the newer one.
    await call('app:reports:get', { model_id: 'ltr-ranker' });
    const second = await call<AuditVerifyResponse>('app:audit:verify');
    expect(second).toMatchObject({ ok: true, known: { seq: first!.head.seq, hash: first!.head.hash } });
    expect((await pins.get(bff.url))!.head.seq).toBeGreaterThan(first!.head.seq);
  });

  it('refuses a head whose signature does not hold, and keeps the pin it had', async () => {
    const pins = new AuditHeadPins(dataDir);
    const before = await pins.get(bff.url);
    const keys = await pinnedKeys();
    const real = await signedHead();
    expect(headSignatureHolds(real, keys, bff.url)).toBe(true);
    const forged = { ...real, head: { ...real.head, seq: real.head.seq + 5 } };
    expect(await pins.pin(bff.url, forged, keys)).toBe('refused');
    const flipped = { ...real, signature: { ...real.signature, value: `${real.signature.value.startsWith('A') ? 'B' : 'A'}${real.signature.value.slice(1)}` } };
    expect(await pins.pin(bff.url, flipped, keys)).toBe('refused');
    // Right signature, but the key is pinned for another origin only.
    expect(await pins.pin('https://elsewhere.example', real, keys)).toBe('refused');
    expect(await pins.get(bff.url)).toEqual(before);
  });

  it('says "truncated" when the entries after the pinned head are cut, though the chain alone verifies', async () => {
    const pinned = (await new AuditHeadPins(dataDir).get(bff.url))!;
    tamper(`delete from audit_log where seq >= ${pinned.head.seq - 1}`);
    const verdict = await call<AuditVerifyResponse>('app:audit:verify');
    expect(verdict).toMatchObject({ ok: false, code: 'truncated', known: { seq: pinned.head.seq } });
    // The pin stays: the next verify says the same until someone looks.
    expect((await new AuditHeadPins(dataDir).get(bff.url))!.head).toEqual(pinned.head);
  });
});
