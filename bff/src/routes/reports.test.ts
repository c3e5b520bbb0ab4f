// Signed eval-report export against a real, demo-seeded BFF: what a report
// holds, that any tool verifies it with GET /admin/keys, node:crypto and an
// independent RFC 8785 implementation, rotation, and where the private key lives.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../../shared/logic/canonical-json.js';
import { KeysResponse, SignedReport, type EvalReport, type SigningKeyInfo } from '../../../shared/report/report.js';
import { runCli, type CliIo } from '../cli.js';
import { startBff } from '../server.js';
import { keyIdOf, signReport, signingKeyDirFor, signingKeySecretFrom, signingKeysOf } from '../services/report-signing.js';
import { TEST_ENGINE, testDatabase } from '../testing/harness.js';
import { startHarness, type Client, type Harness } from '../testing/demo-harness.js';

let h: Harness;
let olivia: Client;
let vera: Client;

beforeAll(async () => {
  h = await startHarness({ extraUsers: [{ username: 'vera', roles: ['viewer'] }] });
  [olivia, vera] = await Promise.all([h.as('olivia'), h.as('vera')]);
});
afterAll(async () => h?.close());

const keyDir = () => signingKeyDirFor(h.bff.dbFile, {});

async function publicKeys(): Promise<SigningKeyInfo[]> {
  // Anonymous on purpose: a reviewer's script has no account on the BFF.
  const answer = await h.anonymous('GET', '/admin/keys');
  expect(answer.status).toBe(200);
  return KeysResponse.parse(answer.body).keys;
}

async function exportReport(client: Client, path: string): Promise<{ text: string; signed: SignedReport }> {
  const answer = await client.get(path);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  return { text: answer.text, signed: SignedReport.parse(JSON.parse(answer.text)) };
}

/** What any tool does: canonicalize the report as parsed from the file, verify with the listed public key. */
function verifiesWith(document: { report: unknown; signature: { key_id: string; value: string } }, keys: SigningKeyInfo[]): boolean {
  const key = keys.find((candidate) => candidate.key_id === document.signature.key_id);
  if (!key) return false;
  const canonical = canonicalize(document.report);
  if (canonical === undefined) return false;
  return verify(null, Buffer.from(canonical, 'utf8'), createPublicKey(key.public_key_pem), Buffer.from(document.signature.value, 'base64'));
}

function cliIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), err: (line) => lines.push(line), readStdin: async () => '', env: {}, now: () => h.clock.now() };
}

describe('GET /admin/keys', () => {
  it('lists the active public key without sign-in; its id is the fingerprint of the key', async () => {
    const keys = await publicKeys();
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ alg: 'Ed25519', key_id: expect.stringMatching(/^ed25519-[0-9a-f]{16}$/) });
    expect(key!.retired_at).toBeUndefined();
    expect(key!.public_key_pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(keyIdOf(createPublicKey(key!.public_key_pem))).toBe(key!.key_id);
  });
});

describe('GET /admin/models/{id}/eval-report', () => {
  it('exports the live candidate against the stable version, with runs, deltas, gates and who exported it', async () => {
    const { signed } = await exportReport(olivia, '/admin/models/ltr-ranker/eval-report');
    const report: EvalReport = signed.report;
    expect(report).toMatchObject({
      schema_version: 1,
      report_id: expect.stringMatching(/^rpt_/),
      model: { id: 'ltr-ranker', type: 'LTR' },
      deployment: { model_id: 'ltr-ranker', stable_version: '2.0.0' },
      exported_by: { username: 'olivia', display_name: 'Olivia Operator' },
      bff_origin: h.bff.ctx.settings.publicOrigin,
      runs_omitted: 0,
    });
    // The newest candidate first, then the stable version it would replace.
    expect(report.versions.map((version) => version.version)).toEqual(['2.2.0', '2.0.0']);
    expect(report.runs.map((run) => run.version).sort()).toEqual(['2.0.0', '2.2.0']);
    for (const run of report.runs) {
      expect(run.delta.length).toBeGreaterThan(0);
      expect(run.gate.checks.length).toBeGreaterThan(0);
    }
    expect(Object.keys(report.gate_policy.metrics)).toContain('ndcg@10');
    expect(Date.parse(report.exported_at)).not.toBeNaN();
    expect(signed.signature).toMatchObject({ alg: 'Ed25519', key_id: (await publicKeys())[0]!.key_id });
  });

  it('verifies with nothing but GET /admin/keys, node:crypto and an independent JCS implementation; one changed byte does not', async () => {
    const { text } = await exportReport(vera, '/admin/models/ltr-ranker/eval-report?versions=2.1.0');
    const keys = await publicKeys();
    const document = JSON.parse(text) as { report: unknown; signature: { key_id: string; value: string } };
    expect(canonicalize(document.report)).toBe(canonicalJson(document.report));
    expect(verifiesWith(document, keys)).toBe(true);
    // Pretty-printing the file changes no signed byte: the signature is over canonical JSON.
    expect(verifiesWith(JSON.parse(JSON.stringify(document, null, 2)) as typeof document, keys)).toBe(true);

    expect(text.indexOf('"ndcg@10":0.')).toBeGreaterThan(0);
    const at = text.indexOf('"ndcg@10":0.') + '"ndcg@10":0.'.length;
    const digit = text[at]!;
    const altered = `${text.slice(0, at)}${digit === '9' ? '8' : String(Number(digit) + 1)}${text.slice(at + 1)}`;
    expect(verifiesWith(JSON.parse(altered) as typeof document, keys)).toBe(false);
  });

  it('takes versions in the order asked, with only their runs', async () => {
    const { signed } = await exportReport(olivia, '/admin/models/ltr-ranker/eval-report?versions=2.1.0,1.5.0');
    expect(signed.report.versions.map((version) => version.version)).toEqual(['2.1.0', '1.5.0']);
    expect(signed.report.runs.map((run) => run.version)).toEqual(['2.1.0']);
  });

  it('exports a model with only a stable version as that version', async () => {
    const { signed } = await exportReport(olivia, '/admin/models/fraud-detector/eval-report');
    expect(signed.report.versions.map((version) => version.version)).toEqual([signed.report.deployment.stable_version]);
  });

  it('answers 404 for an unknown model or version, 400 for a bad version list, 401 without sign-in', async () => {
    expect((await olivia.get('/admin/models/no-such-model/eval-report')).body.error.code).toBe('not_found');
    const missing = await olivia.get('/admin/models/ltr-ranker/eval-report?versions=2.1.0,9.9.9');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('9.9.9');
    const tooMany = Array.from({ length: 21 }, (_, i) => `1.0.${i}`).join(',');
    for (const query of [tooMany, '2.1.0,2.1.0', 'two', '', '2.1.0,,1.5.0']) {
      const answer = await olivia.get(`/admin/models/ltr-ranker/eval-report?versions=${encodeURIComponent(query)}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code).toBe('invalid_request');
    }
    expect((await h.anonymous('GET', '/admin/models/ltr-ranker/eval-report')).status).toBe(401);
  });

  it('audits every export with the digest of exactly what was signed', async () => {
    const { signed } = await exportReport(vera, '/admin/models/bert-sentiment/eval-report');
    const audit = await olivia.get('/admin/audit?action=report.exported');
    expect(audit.body.items[0]).toMatchObject({
      actor: 'vera',
      target: 'model:bert-sentiment',
      details: {
        model_id: 'bert-sentiment',
        report_id: signed.report.report_id,
        versions: signed.report.versions.map((version) => version.version),
        key_id: signed.signature.key_id,
        report_sha256: await sha256Hex(canonicalJson(signed.report)),
      },
    });
  });

  it('appears in the OpenAPI document', async () => {
    const openapi = (await h.anonymous('GET', '/openapi.json')).body;
    expect(openapi.paths['/admin/keys'].get.tags).toEqual(['reports']);
    const exportPath = openapi.paths['/admin/models/{model_id}/eval-report'].get;
    expect(exportPath.parameters.map((parameter: { name: string }) => parameter.name)).toContain('versions');
    expect(exportPath.responses['200']).toBeDefined();
  });
});

// The key directory is the SQLite layout; on PostgreSQL keys are sealed in the database (below).
describe.runIf(TEST_ENGINE === 'sqlite')('signing keys', () => {
  it('keeps the private key in a 0700 directory beside the database as a 0600 PKCS#8 file, and nowhere in the database', async () => {
    const [key] = await publicKeys();
    const directory = keyDir();
    expect(directory).toBe(`${h.bff.dbFile}.keys`);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    const file = join(directory, `${key!.key_id}.pem`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const pem = await readFile(file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    // No temporary file left from the atomic write.
    expect(await readdir(directory)).toEqual([`${key!.key_id}.pem`]);

    const body = pem.split('\n').slice(1, -2).join('');
    for (const suffix of ['', '-wal']) {
      const bytes = await readFile(`${h.bff.dbFile}${suffix}`).catch(() => Buffer.alloc(0));
      expect(bytes.includes('PRIVATE KEY')).toBe(false);
      expect(bytes.includes(body)).toBe(false);
    }
    const rows = await h.bff.ctx.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ key_id: key!.key_id, private_key_file: `${key!.key_id}.pem`, retired_at: null })]);
  });

  it('rotation (CLI, while the server runs): new exports use the new key, old reports still verify with the retired one', async () => {
    const before = await exportReport(olivia, '/admin/models/e5-base-v2/eval-report');
    const [oldKey] = await publicKeys();

    const io = cliIo();
    expect(await runCli(['rotate-signing-key', '--db', h.bff.dbFile], io)).toBe(0);
    expect(io.lines.join('\n')).toContain(`${oldKey!.key_id} retired`);

    const keys = await publicKeys();
    expect(keys).toHaveLength(2);
    const newKey = keys.find((key) => key.retired_at === undefined)!;
    expect(newKey.key_id).not.toBe(oldKey!.key_id);
    expect(keys.find((key) => key.key_id === oldKey!.key_id)!.retired_at).toEqual(expect.any(String));

    const after = await exportReport(olivia, '/admin/models/e5-base-v2/eval-report');
    expect(after.signed.signature.key_id).toBe(newKey.key_id);
    expect(verifiesWith(JSON.parse(before.text) as never, keys)).toBe(true);
    expect(verifiesWith(JSON.parse(after.text) as never, keys)).toBe(true);

    // A retired key never signs again: its private half is gone, the new one is 0600.
    expect(await readdir(keyDir())).toEqual([`${newKey.key_id}.pem`]);
    expect((await stat(join(keyDir(), `${newKey.key_id}.pem`))).mode & 0o777).toBe(0o600);
    const audit = await olivia.get('/admin/audit?action=signing_key.rotated');
    expect(audit.body.items[0]).toMatchObject({ actor: 'cli', details: { key_id: newKey.key_id, retired_key_id: oldKey!.key_id } });
  });
});

describe.runIf(TEST_ENGINE === 'sqlite')('signing key lifecycle across restarts', () => {
  it('creates the key once, reuses it after a restart, and refuses to start when its private half is missing until rotated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bff-keys-'));
    try {
      const dbFile = join(dir, 'keys.db');
      const first = await startBff({ dbFile, port: 0 });
      const [created] = await first.ctx.db.selectFrom('signing_keys').selectAll().execute();
      await first.close();

      const second = await startBff({ dbFile, port: 0 });
      const keys = await second.ctx.db.selectFrom('signing_keys').selectAll().execute();
      await second.close();
      expect(keys.map((key) => key.key_id)).toEqual([created!.key_id]);

      await rm(join(`${dbFile}.keys`, `${created!.key_id}.pem`));
      await expect(startBff({ dbFile, port: 0 })).rejects.toThrow(/private key of signing key .* is missing.*rotate-signing-key/);

      // The way out the message names: a new key; the lost one stays listed as retired.
      expect(await runCli(['rotate-signing-key', '--db', dbFile], cliIo())).toBe(0);
      const third = await startBff({ dbFile, port: 0 });
      const after = await third.ctx.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
      await third.close();
      expect(after.map((key) => [key.key_id, key.retired_at === null])).toEqual([
        [created!.key_id, false],
        [expect.stringMatching(/^ed25519-/), true],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes its key directory from BFF_SIGNING_KEY_DIR when set', () => {
    expect(signingKeyDirFor('/data/modelops.db', { BFF_SIGNING_KEY_DIR: '/run/secrets/modelops-keys' })).toBe('/run/secrets/modelops-keys');
    expect(signingKeyDirFor('/data/modelops.db', {})).toBe('/data/modelops.db.keys');
  });
});

describe('signing keys sealed in the database (BFF_SIGNING_KEY_SECRET: replicas share them)', () => {
  it('gives two servers one active key, keeps only its sealed private half, rotates for both from the CLI, and needs the same secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bff-sealed-'));
    const location = await testDatabase(dir, 'sealed.db');
    const env = { BFF_SIGNING_KEY_SECRET: randomBytes(32).toString('base64') };
    const settings = { signingKeySecret: signingKeySecretFrom(env)! };
    const first = await startBff({ dbFile: location, port: 0, settings });
    const second = await startBff({ dbFile: location, port: 0, settings });
    try {
      const rows = await first.ctx.db.selectFrom('signing_keys').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ private_key_file: null, retired_at: null, private_key_sealed: expect.stringMatching(/^v1\./) });
      expect(rows[0]!.private_key_sealed).not.toContain('PRIVATE KEY');
      expect(await readdir(dir)).not.toContain('sealed.db.keys');

      const report = { schema_version: 1, note: 'signed by one replica, verified with the keys another lists' } as unknown as EvalReport;
      const byFirst = await signReport(signingKeysOf(first.ctx), report);
      const listed = KeysResponse.parse(await (await fetch(`${second.url}/admin/keys`)).json()).keys;
      expect(verifiesWith(byFirst, listed)).toBe(true);

      const io = { ...cliIo(), env };
      expect(await runCli(['rotate-signing-key', '--db', location], io)).toBe(0);
      const bySecond = await signReport(signingKeysOf(second.ctx), report);
      expect(bySecond.signature.key_id).not.toBe(byFirst.signature.key_id);
      const after = KeysResponse.parse(await (await fetch(`${first.url}/admin/keys`)).json()).keys;
      expect(verifiesWith(byFirst, after) && verifiesWith(bySecond, after)).toBe(true);
      const retired = await first.ctx.db.selectFrom('signing_keys').selectAll().where('key_id', '=', byFirst.signature.key_id).executeTakeFirstOrThrow();
      expect(retired.private_key_sealed).toBeNull();

      const otherSecret = signingKeySecretFrom({ BFF_SIGNING_KEY_SECRET: randomBytes(32).toString('base64') })!;
      await expect(startBff({ dbFile: location, port: 0, settings: { signingKeySecret: otherSecret } })).rejects.toThrow(/does not open/);
      await expect(startBff({ dbFile: location, port: 0 })).rejects.toThrow(/BFF_SIGNING_KEY_SECRET/);
    } finally {
      await first.close();
      await second.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
