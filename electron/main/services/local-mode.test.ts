// Local mode as users get it: the embedded BFF on a socket only this OS user
// can open (no TCP port at all), demo users signed in by the console in-process
// with no password at all (the published demo-<name> ones never work), sign-ins
// and step-ups audited with their method, the whole two-person flow through it,
// and its keys never trusted for reports.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentDigest, intentOf } from '../../../shared/logic/intent.js';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { IpcResult, LocalUser, PushChannel, SessionState } from '../../../shared/ipc/contract.js';
import { startEmbeddedBff } from '../local-mode/start-local-bff.js';
import { tempDir, waitFor } from '../test-support/harness.js';
import { testPorts } from '../test-support/runtime-ports.js';
import type { ConfirmDialog } from './confirmations.js';
import { createConsoleRuntime, type ConsoleRuntime } from './console-runtime.js';

/** Inodes of the TCP sockets this process listens on (state 0A in /proc/net/tcp and tcp6). */
function listeningTcpInodes(): Set<string> {
  const mine = new Set(
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
        return match ? [match[1]!] : [];
      } catch {
        return [];
      }
    }),
  );
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && mine.has(fields[9]!)) listening.add(fields[9]!);
    }
  }
  return listening;
}

const onLinux = process.platform === 'linux';
const root = process.getuid?.() === 0;
const dir = tempDir('moc-local-');
let runtime: ConsoleRuntime;
let socketPath: string;
const confirmations: ConfirmDialog[] = [];
const pushes: { channel: PushChannel; payload: unknown }[] = [];
let tcpBefore: Set<string>;

const call = async <T = unknown>(channel: string, payload: unknown = {}) => (await runtime.dispatch(channel, payload)) as IpcResult<T>;
const value = <T>(result: IpcResult<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
};

beforeAll(async () => {
  tcpBefore = onLinux ? listeningTcpInodes() : new Set();
  runtime = await createConsoleRuntime(
    testPorts(
      { dataDir: dir.path },
      {
        platform: process.platform,
        startLocalBff: async (options) => {
          const handle = await startEmbeddedBff({ ...options, settings: { authRateLimitPerMinute: 10_000 } });
          socketPath = handle.socketPath!;
          return handle;
        },
        confirm: async (dialog) => (confirmations.push(dialog), true),
        push: (channel, payload) => pushes.push({ channel, payload }),
        eventStream: { backoffMs: () => 20 },
      },
    ),
  );
});

afterAll(async () => {
  await runtime?.shutdown();
  dir.remove();
});

describe('local mode is not a network server', () => {
  it.skipIf(!onLinux)('opens no TCP port at all: no new listening socket of this process in /proc/net/tcp{,6}', () => {
    expect(runtime.backendError).toBeNull();
    expect([...listeningTcpInodes()].filter((inode) => !tcpBefore.has(inode))).toEqual([]);
  });

  it('listens on a unix socket (0600) in a folder only this user may enter (0700)', () => {
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(socketPath)).mode & 0o777).toBe(0o700);
    expect(runtime.bffUrl).toBe('http://local-bff.invalid');
  });

  it.skipIf(!root)('another OS user cannot connect to it (a real second account: nobody, uid 65534)', () => {
    const probe = `require('node:net').connect(${JSON.stringify(socketPath)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); });`;
    const result = spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 10_000 });
    expect(result.stdout.trim()).toBe('EACCES');
  });
});

describe('the console signs in for the demo users', () => {
  it('lists the demo users; the published demo passwords do not sign in', async () => {
    const { users } = value(await call<{ users: LocalUser[] }>('app:session:local-users'));
    expect(users.map((user) => user.username)).toEqual(['olivia', 'arjun', 'ada', 'ravi']);
    for (const username of ['olivia', 'arjun', 'ada', 'ravi']) {
      expect(await call('app:session:sign-in', { username, password: `demo-${username}`, stay_signed_in: false })).toMatchObject({
        ok: false,
        error: { code: 'invalid_credentials' },
      });
    }
    expect(await call('app:session:sign-in-local', { username: 'mallory', stay_signed_in: false })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('runs the two-person flow end to end over the socket: events, step-up without a typed password, native confirmations', async () => {
    const olivia = value(await call<SessionState>('app:session:sign-in-local', { username: 'olivia', stay_signed_in: false }));
    expect(olivia).toMatchObject({ status: 'signed_in', user: { username: 'olivia' }, local_account: true });
    // The event stream (SSE) runs over the socket too.
    await waitFor(() => pushes.some((p) => p.channel === 'app:connection:changed' && (p.payload as { state: string }).state === 'connected'), 'event stream connected');

    const detail = value(await call<{ deployment: { state_version: number } }>('app:models:get', { model_id: 'bert-sentiment' }));
    const { request } = value(
      await call<{ request: ChangeRequest }>('app:rollout:request', {
        model_id: 'bert-sentiment',
        rollout: { target_version: '1.1.0', strategy: 'canary', canary_pct: 5, justification: 'try it locally', expected_state_version: detail.deployment.state_version },
        step_up: { local_account: true },
      }),
    );
    expect(request).toMatchObject({ status: 'pending', requested_by: 'olivia' });
    expect(confirmations.at(-1)).toMatchObject({ kind: 'step_up', message: expect.stringContaining('bert-sentiment') });
    // Audited as any sign-in and step-up, with how they happened (docs/decisions/0014-local-mode-sign-in.md).
    const lastOf = async (action: string) =>
      value(await call<{ items: { actor: string; details: unknown }[] }>('app:audit:list', { action, limit: 1 })).items[0];
    expect(await lastOf('auth.login')).toMatchObject({ actor: 'olivia', details: { method: 'embedded_console' } });
    expect(await lastOf('auth.step_up')).toMatchObject({ actor: 'olivia', details: { purpose: 'rollout', method: 'embedded_console' } });
    await waitFor(
      () => pushes.some((p) => p.channel === 'app:events:received' && (p.payload as { data: { type: string } }).data.type === 'approval.requested'),
      'the approval.requested event',
    );

    value(await call('app:session:sign-out'));
    value(await call('app:session:sign-in-local', { username: 'arjun', stay_signed_in: false }));
    const shown = value(await call<{ request: ChangeRequest }>('app:approvals:get', { request_id: request.id })).request;
    const approved = value(
      await call<{ request: ChangeRequest; deployment: { canary_pct: number } }>('app:approvals:approve', {
        request_id: request.id,
        intent_digest: await intentDigest(intentOf(shown)),
        step_up: { local_account: true },
      }),
    );
    expect(approved.request.status).toBe('dispatched');
    expect(approved.deployment.canary_pct).toBe(5);
    expect(confirmations.at(-1)).toMatchObject({ kind: 'step_up', title: 'Approve a change request' });
  });

  it("never pins the embedded BFF's report keys: local mode cannot make a report look verified", async () => {
    await new Promise((resolve) => setTimeout(resolve, 200)); // the pin that follows a sign-in, were there one
    expect(value(await call<{ keys: unknown[] }>('app:reports:keys')).keys).toEqual([]);
  });
});
