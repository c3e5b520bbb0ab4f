// A BFF killed (SIGKILL) after an approval commits and while its delivery is
// in flight delivers after a restart, with the same delivery id, and the
// webhook receiver applies it exactly once. The BFF runs as a child process
// (`bff/src/cli.ts` compiled, bff/src/testing/compiled-bff.ts), as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledBffCli } from '../../testing/compiled-bff.js';
import { startScriptedReceiver, type ScriptedReceiver } from '../../testing/webhook-receivers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MODEL = 'bert-sentiment';

interface ChildBff {
  url: string;
  child: ChildProcess;
}

async function startChildBff(dbFile: string): Promise<ChildBff> {
  const child = spawn(process.execPath, [await compiledBffCli(), '--db', dbFile, '--port', '0', '--seed-demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      BFF_DISPATCH_LEASE_MS: '1000',
      BFF_DISPATCH_RETRY_BASE_MS: '100',
      BFF_DISPATCH_RETRY_MAX_MS: '300',
      BFF_DISPATCH_POLL_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise<ChildBff>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the BFF did not start: ${output.slice(-2000)}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Model Ops BFF listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the BFF exited with ${code}: ${output.slice(-2000)}`));
    });
  });
}

async function call(bff: ChildBff, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${bff.url}${path}`, {
    method,
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return JSON.parse(text) as any;
}

async function signIn(bff: ChildBff, username: string) {
  const { access_token: token } = await call(bff, 'POST', '/auth/login', undefined, { username, password: `demo-${username}` });
  const stepUp = async (purpose: string) =>
    (await call(bff, 'POST', '/auth/step-up', token as string, { password: `demo-${username}`, purpose })).step_up_token as string;
  return { token: token as string, stepUp };
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let dir: string;
let receiver: ScriptedReceiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crash-'));
  receiver = await startScriptedReceiver();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await receiver?.stop();
  await rm(dir, { recursive: true, force: true });
});

const stateOf = (body: string) => JSON.parse(body) as { delivery_id: string; state_version: number; canary_pct: number };

describe('crash between commit and delivery', () => {
  it('delivers the approved state after a SIGKILL and restart, once per delivery id', { timeout: 90_000 }, async () => {
    const dbFile = join(dir, 'bff.db');
    const first = await startChildBff(dbFile);
    children.push(first.child);
    const ada = await signIn(first, 'ada');
    await call(first, 'PUT', `/admin/models/${MODEL}/serving`, ada.token, { target: { kind: 'webhook', url: receiver.url, secret: 'crash-test-secret-0123456789' } }, {
      'x-step-up-token': await ada.stepUp('serving.set'),
    });
    await until('the current state delivered', () => receiver.deliveries.some((d) => d.status === 204));

    // The receiver now takes deliveries without answering: the BFF is mid-delivery when it dies.
    receiver.answer = 'hold';
    const olivia = await signIn(first, 'olivia');
    const arjun = await signIn(first, 'arjun');
    const { request } = await call(first, 'POST', `/admin/models/${MODEL}/rollout`, olivia.token, { target_version: '1.1.0', strategy: 'canary', justification: 'crash test' }, {
      'x-step-up-token': await olivia.stepUp('rollout'),
    });
    const approved = await call(first, 'POST', `/admin/approvals/${request.id}/approve`, arjun.token, { comment: 'ok', intent_digest: request.intent_digest }, {
      'x-step-up-token': await arjun.stepUp('approve'),
    });
    const stateVersion = approved.deployment.state_version as number;
    await until('the approval in flight', () => receiver.deliveries.some((d) => stateOf(d.body).state_version === stateVersion));
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    receiver.answer = 204;
    const second = await startChildBff(dbFile);
    children.push(second.child);
    const forState = () => receiver.deliveries.filter((d) => stateOf(d.body).state_version === stateVersion);
    await until('the approval delivered after the restart', () => forState().some((d) => d.status === 204));

    const viewer = await signIn(second, 'olivia');
    await until('the dispatch recorded as applied', async () => {
      const detail = await call(second, 'GET', `/admin/models/${MODEL}`, viewer.token);
      return detail.deployment.state_version === stateVersion && detail.deployment.dispatch.status === 'applied';
    });
    // Another pass or two of the dispatcher must not deliver it again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const deliveries = forState();
    expect(deliveries.map((d) => d.status)).toEqual([0, 204]);
    expect(new Set(deliveries.map((d) => stateOf(d.body).delivery_id)).size).toBe(1);
    expect(stateOf(deliveries[1]!.body).canary_pct).toBe(5);

    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
