// The whole main process without Electron, through the IPC dispatcher: the
// real BFF (started by the local-mode starter on TCP, behind a recording
// relay), two consoles (operator and approver), step-up with the main
// process's own confirmation, notifications, typed errors — and afterwards no
// password or token anywhere in the app's data folder, its logs, or what was
// sent to the renderer. Local mode as users get it (a socket, no port) has its
// own suite: local-mode.test.ts.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentDigest, intentOf } from '../../../shared/logic/intent.js';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { IpcResult, PushChannel } from '../../../shared/ipc/contract.js';
import { startLocalBff } from '../local-mode/start-local-bff.js';
import { memoryVault, probeKeychain, startTcpRelay, tempDir, waitFor, type TcpRelay } from '../test-support/harness.js';
import { testPorts } from '../test-support/runtime-ports.js';
import type { NativeNotification } from './approval-notifier.js';
import { createConsoleRuntime, type ConsoleRuntime, type PlatformPorts } from './console-runtime.js';
import { keychainEntry, type CredentialVault } from './credential-vault.js';
import { LOCAL_DB_FILE, LOCAL_SESSION_ORIGIN } from './local-mode.js';
import type { ConfirmDialog } from './confirmations.js';
import { createFileLogger } from './logger.js';

const keychain = await probeKeychain();
const vault: CredentialVault = keychain.vault ?? memoryVault();

interface Console {
  runtime: ConsoleRuntime;
  dataDir: string;
  notifications: NativeNotification[];
  pushes: { channel: PushChannel; payload: unknown }[];
  badge: number[];
  focused: number;
  results: unknown[];
  /** The native confirmations the main process showed. */
  confirmations: ConfirmDialog[];
  /** Answers for the next confirmations (none queued: confirmed). */
  confirmAnswers: boolean[];
  call<T = unknown>(channel: string, payload?: unknown): Promise<IpcResult<T>>;
}

const dirs: { remove(): void }[] = [];
const relays: TcpRelay[] = [];

async function startConsole(options: { env?: NodeJS.ProcessEnv; dataDir?: string; starts?: boolean[] } = {}): Promise<Console> {
  const dir = options.dataDir ? { path: options.dataDir, remove: () => undefined } : tempDir('moc-app-');
  dirs.push(dir);
  const state = {
    notifications: [] as NativeNotification[],
    pushes: [] as Console['pushes'],
    badge: [] as number[],
    focused: 0,
    results: [] as unknown[],
    confirmations: [] as ConfirmDialog[],
    confirmAnswers: [] as boolean[],
  };
  const ports: PlatformPorts = testPorts({ dataDir: dir.path }, {
    env: { MODELOPS_POLICY_FILE: join(dir.path, 'no-policy.json'), ...options.env },
    logger: createFileLogger({ directory: join(dir.path, 'logs'), level: 'debug', maxBytes: 64 * 1024 }),
    vault,
    // The real BFF, behind a relay that records the traffic so the test knows every token that was issued.
    startLocalBff: async ({ dbFile, seedDemo }) => {
      options.starts?.push(seedDemo);
      const bff = await startLocalBff({ dbFile, seedDemo, settings: { authRateLimitPerMinute: 10_000 } });
      const relay = await startTcpRelay(bff.url, { record: true });
      relays.push(relay);
      // Over TCP with the published demo passwords: this suite is about the services, not local mode's isolation.
      return {
        url: relay.url,
        localUsers: [],
        signIn: async () => null,
        stepUp: async () => {
          throw new Error('this BFF has no local users');
        },
        close: async () => (await relay.close(), await bff.close()),
      };
    },
    showNotification: (notification) => state.notifications.push(notification),
    setBadge: (count) => state.badge.push(count),
    badgeSupported: true,
    focusWindow: () => void (state.focused += 1),
    // Report export and open have their own test (report-handlers.test.ts): here every dialog is cancelled (testPorts).
    confirm: async (dialog) => {
      state.confirmations.push(dialog);
      return state.confirmAnswers.shift() ?? true;
    },
    push: (channel, payload) => state.pushes.push({ channel, payload }),
  });
  const runtime = await createConsoleRuntime(ports);
  const consoleState: Console = {
    runtime,
    dataDir: dir.path,
    ...state,
    get focused() {
      return state.focused;
    },
    call: async (channel, payload = {}) => {
      const result = await runtime.dispatch(channel, payload);
      state.results.push(result);
      return result as IpcResult<never>;
    },
  };
  return consoleState;
}

/** RFC 6238 (SHA-1, 6 digits, 30 s) from a base32 secret, written out so the test does not trust the BFF's own TOTP code. */
function totpNow(base32: string): string {
  let bits = '';
  for (const char of base32) bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const value = <T>(result: IpcResult<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
};

/** Every file under `root`, recursively. */
function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

afterAll(async () => {
  for (const relay of relays) await relay.close();
  for (const dir of dirs) dir.remove();
});

describe('two consoles on one BFF, full two-person flow', () => {
  let olivia: Console;
  let arjun: Console;
  const starts: boolean[] = [];

  beforeAll(async () => {
    olivia = await startConsole({ starts });
    // Arjun's console talks to the same BFF as a remote one.
    arjun = await startConsole({ env: {} });
    await arjun.runtime.shutdown();
    const remoteDir = tempDir('moc-app-remote-');
    dirs.push(remoteDir);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(remoteDir.path, 'settings.json'), JSON.stringify({ version: 1, settings: { bff_url: olivia.runtime.bffUrl }, remembered_users: {} }));
    arjun = await startConsole({ dataDir: remoteDir.path });
  });

  it('starts the embedded BFF on 127.0.0.1 with SQLite in the data folder, seeded on first run only', async () => {
    expect(starts).toEqual([true]);
    expect(olivia.runtime.bffUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // the relay of this suite
    expect(statSync(join(olivia.dataDir, LOCAL_DB_FILE)).isFile()).toBe(true);
    const settings = value(await olivia.call('app:settings:get'));
    expect(settings).toMatchObject({ mode: 'local', locked: [], policy: { state: 'absent' } });
    expect(value(await olivia.call('app:app:info'))).toMatchObject({ mode: 'local', badge_supported: true });
    expect(value(await arjun.call('app:settings:get'))).toMatchObject({ mode: 'remote', bff_origin: olivia.runtime.bffUrl });
  });

  it('runs request -> notification -> approval with step-up, errors unchanged from the BFF', async () => {
    const signedIn = value(await olivia.call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: true }));
    expect(signedIn).toMatchObject({ status: 'signed_in', user: { username: 'olivia' } });
    if (keychain.vault) expect(signedIn).toMatchObject({ remembered: true });
    value(await arjun.call('app:session:sign-in', { username: 'arjun', password: 'demo-arjun', stay_signed_in: false }));
    await waitFor(() => arjun.pushes.some((p) => p.channel === 'app:connection:changed' && (p.payload as { state: string }).state === 'connected'), 'arjun connected');

    const detail = value(await olivia.call<{ deployment: { state_version: number } }>('app:models:get', { model_id: 'bert-sentiment' }));
    const wrongPassword = await olivia.call('app:rollout:request', {
      model_id: 'bert-sentiment',
      rollout: { target_version: '1.1.0', strategy: 'canary', canary_pct: 5, justification: 'weekly refresh', expected_state_version: detail.deployment.state_version },
      step_up: { password: 'not-her-password' },
    });
    expect(wrongPassword).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });

    // The main process shows what the step-up will allow, from the BFF's own data, before any token exists;
    // declining sends nothing.
    const before = olivia.confirmations.length;
    olivia.confirmAnswers.push(false);
    const rollout = {
      model_id: 'bert-sentiment',
      rollout: { target_version: '1.1.0', strategy: 'canary', canary_pct: 5, justification: 'weekly refresh', expected_state_version: detail.deployment.state_version },
      step_up: { password: 'demo-olivia' },
    };
    expect(await olivia.call('app:rollout:request', rollout)).toMatchObject({ ok: false, error: { code: 'cancelled_by_user' } });
    expect(value(await olivia.call<{ items: unknown[] }>('app:approvals:list', { status: 'pending' })).items).toEqual([]);
    const { request } = value(await olivia.call<{ request: ChangeRequest }>('app:rollout:request', rollout));
    expect(request.status).toBe('pending');
    const rolloutConfirmations = olivia.confirmations.slice(before);
    expect(rolloutConfirmations).toHaveLength(2);
    expect(rolloutConfirmations[1]).toMatchObject({ kind: 'step_up', message: expect.stringMatching(/Start canary of bert-sentiment: \S+ → 1\.1\.0 at 5 %/) });
    expect(rolloutConfirmations[1]!.detail).toMatch(/Gate: (passed|FAILED)/);

    // Arjun (approver) gets a native notification naming model, from -> to, traffic and requester.
    await waitFor(() => arjun.notifications.length === 1, 'the approval notification');
    const notification = arjun.notifications[0]!;
    expect(notification.title).toBe('Approval requested: bert-sentiment');
    expect(notification.body).toContain(`→ 1.1.0 at 5 % traffic`);
    expect(notification.body).toContain('Requested by olivia');
    await waitFor(() => arjun.badge.at(-1) === 1, 'the badge');
    expect(arjun.pushes).toContainEqual({ channel: 'app:approvals:pending-changed', payload: { count: 1 } });
    // Olivia (operator, the requester) is not asked to approve.
    expect(olivia.notifications).toEqual([]);

    notification.onClick();
    expect(arjun.focused).toBe(1);
    expect(arjun.pushes).toContainEqual({ channel: 'app:navigation:open-request', payload: { request_id: request.id } });

    // The digest the approver was shown, computed as the renderer does (shared/logic).
    const shown = value(await arjun.call<{ request: ChangeRequest }>('app:approvals:get', { request_id: request.id })).request;
    const digest = await intentDigest(intentOf(shown));
    const changed = await arjun.call('app:approvals:approve', { request_id: request.id, intent_digest: '0'.repeat(64), step_up: { password: 'demo-arjun' } });
    expect(changed).toMatchObject({ ok: false, error: { code: 'intent_changed' } });
    const selfApproval = await olivia.call('app:approvals:approve', { request_id: request.id, intent_digest: digest, step_up: { password: 'demo-olivia' } });
    expect(selfApproval).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // What the approver confirms natively is the BFF's copy of the request, whatever the page drew.
    arjun.confirmAnswers.push(false);
    const approve = { request_id: request.id, intent_digest: digest, comment: 'looks good', step_up: { password: 'demo-arjun' } };
    expect(await arjun.call('app:approvals:approve', approve)).toMatchObject({ ok: false, error: { code: 'cancelled_by_user' } });
    expect(value(await arjun.call<{ request: ChangeRequest }>('app:approvals:get', { request_id: request.id })).request.status).toBe('pending');
    const approved = value(await arjun.call<{ request: ChangeRequest; deployment: { canary_pct: number } }>('app:approvals:approve', approve));
    expect(approved.request.status).toBe('dispatched');
    expect(arjun.confirmations.at(-1)).toMatchObject({
      kind: 'step_up',
      message: `Approve: Start canary of bert-sentiment, ${request.from_version ?? 'none'} → 1.1.0 at 5 %?`,
      detail: expect.stringContaining('Requested by olivia'),
    });
    expect(arjun.confirmations.at(-1)!.detail).toContain(request.gate_snapshot?.passed ? 'Gate: passed.' : 'Gate: FAILED');
    expect(approved.deployment.canary_pct).toBe(5);

    // Decisions on one's own requests notify the requester.
    await waitFor(() => olivia.notifications.length === 1, "olivia's decision notification");
    expect(olivia.notifications[0]!.title).toBe('Your request was approved');
    await waitFor(() => arjun.badge.at(-1) === 0, 'the badge back to 0');

    // Live refresh: both renderers saw the events.
    expect(olivia.pushes.some((p) => p.channel === 'app:events:received')).toBe(true);
  });

  it('TOTP, where enrolled, is required by the step-up behind rollback, rollout and approve; a local_account step-up is refused here', async () => {
    // Enrol arjun's TOTP with the real CLI on the running BFF's database, as an admin would.
    const enrolled = spawnSync(process.execPath, ['--import', 'tsx', 'bff/src/cli.ts', 'user', 'enroll-totp', '--db', join(olivia.dataDir, LOCAL_DB_FILE), '--username', 'arjun'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const secret = /secret=([A-Z2-7]+)/.exec(enrolled.stdout)?.[1];
    expect(secret, enrolled.stderr).toBeTruthy();
    const pending = value(await arjun.call<{ items: ChangeRequest[] }>('app:approvals:list', { status: 'pending' })).items;
    expect(pending).toEqual([]);
    // Arjun is an approver, not an operator: a rollback needs step-up first, and step-up now needs his code.
    const withoutCode = await arjun.call('app:rollout:rollback', { model_id: 'bert-sentiment', justification: 'totp check', step_up: { password: 'demo-arjun' } });
    expect(withoutCode).toMatchObject({ ok: false, error: { details: { totp_required: true } } });
    const withCode = await arjun.call('app:rollout:rollback', {
      model_id: 'bert-sentiment',
      justification: 'totp check',
      step_up: { password: 'demo-arjun', totp: totpNow(secret!) },
    });
    // The code got him through step-up; the BFF then decides on his role (approvers do not roll back).
    expect(withCode).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Each try was confirmed natively first, from the deployment the BFF reports (the 5 % canary of 1.1.0).
    expect(arjun.confirmations.at(-1)).toMatchObject({ title: 'Roll back now', message: 'Roll back bert-sentiment: 1.1.0 → 1.0.0, 100 % of traffic, at once?' });
    // The password the main process holds for local-mode demo users is for local mode only.
    expect(await olivia.call('app:rollout:rollback', { model_id: 'bert-sentiment', justification: 'local account check', step_up: { local_account: true } })).toMatchObject({
      ok: false,
      error: { code: 'step_up_required' },
    });
  });

  it('answers invalid payloads and unknown channels with typed errors that echo no secret', async () => {
    const invalid = await olivia.call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: 'yes', extra: 1 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_ipc_payload' } });
    expect(JSON.stringify(invalid)).not.toContain('demo-olivia');
    expect(await olivia.call('app:shell:exec', { command: 'rm -rf /' })).toMatchObject({ ok: false, error: { code: 'invalid_ipc_payload' } });
    const locked = await olivia.call('app:settings:set', { theme: 'dark' });
    expect(locked).toMatchObject({ ok: true, value: { settings: { theme: 'dark' } } });
  });

  it('signs out: keychain entry deleted; then no password or token is anywhere on disk or in what the renderer got', async () => {
    value(await olivia.call('app:session:sign-out'));
    value(await arjun.call('app:session:sign-out'));
    expect(await vault.get(keychainEntry(LOCAL_SESSION_ORIGIN, 'olivia').service, 'olivia')).toBeNull();
    await olivia.runtime.shutdown();
    await arjun.runtime.shutdown();

    // Every token the BFF issued, read from the recorded traffic.
    const traffic = relays.map((relay) => relay.recorded()).join('\n');
    const tokens = [...traffic.matchAll(/"(?:access_token|refresh_token|step_up_token)":"([^"]+)"/g)].map((match) => match[1]!);
    expect(tokens.length).toBeGreaterThanOrEqual(6); // 2 sign-ins (access + refresh) + 3 step-ups at least
    const secrets = [...new Set([...tokens, 'demo-olivia', 'demo-arjun', 'not-her-password'])];

    const files = [...filesUnder(olivia.dataDir), ...filesUnder(arjun.dataDir)];
    expect(files.some((file) => file.endsWith('main.log'))).toBe(true);
    expect(files.some((file) => file.endsWith(LOCAL_DB_FILE))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of secrets) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret.slice(0, 6)}… found in ${file}`).toBe(false);
      }
    }
    const toRenderer = JSON.stringify([olivia.results, olivia.pushes, arjun.results, arjun.pushes]);
    for (const secret of tokens) expect(toRenderer.includes(secret)).toBe(false);
    // The logs did record the flow (so the absence above means something).
    const log = readFileSync(join(olivia.dataDir, 'logs', 'main.log'), 'utf8');
    expect(log).toContain('signed in');
  });

  it('a second start on the same data folder does not seed again', async () => {
    const again: boolean[] = [];
    const second = await startConsole({ dataDir: olivia.dataDir, starts: again });
    await second.runtime.shutdown();
    expect(again).toEqual([false]);
  });
});

describe('an invalid workstation policy', () => {
  it('stops remote and local mode with a message naming the file and the problem', async () => {
    const dir = tempDir('moc-policy-');
    dirs.push(dir);
    const file = join(dir.path, 'policy.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify({ version: 1, bff_url: 'ftp://bff.example' }));
    const starts: boolean[] = [];
    const console = await startConsole({ env: { MODELOPS_POLICY_FILE: file }, starts });
    const settings = value(await console.call<{ policy: { state: string; error: string } }>('app:settings:get'));
    expect(settings.policy.state).toBe('invalid');
    expect(settings.policy.error).toContain(file);
    expect(settings.policy.error).toContain('bff_url');
    const signIn = await console.call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: false });
    expect(signIn).toMatchObject({ ok: false, error: { code: 'policy_invalid', message: expect.stringContaining(file) } });
    expect(value(await console.call('app:session:state'))).toEqual({ status: 'signed_out', remembered_user: null });
    expect(starts).toEqual([]); // no silent fallback to the local BFF
    await console.runtime.shutdown();
  });
});
