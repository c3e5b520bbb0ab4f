// The online gate through the main process against the real BFF: any signed-in
// role reads it; only an admin sets it, with a step-up taken for the endpoint's
// purpose (`policy`) from the password the renderer passed once; a tightening
// applies at once, a loosening comes back pending a second admin (two-person
// rule 10) and changes nothing; a wrong password (invalid_credentials) and a non-admin (forbidden) are refused
// with their error codes, and a gate outside the shared schema never leaves the
// main process (invalid_ipc_payload).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineGateResponse } from '../../../shared/api/canary.js';
import type { IpcResult, SetOnlineGateResult } from '../../../shared/ipc/contract.js';
import { defaultOnlineGatePolicy } from '../../../shared/logic/online-gate.js';
import { startLocalBff, type LocalBff } from '../local-mode/start-local-bff.js';
import { tempDir } from '../test-support/harness.js';
import { testPorts } from '../test-support/runtime-ports.js';
import { createConsoleRuntime, type ConsoleRuntime } from './console-runtime.js';
import { createMemoryLogger } from './logger.js';

const MODEL = 'ltr-ranker';
const DEFAULT = defaultOnlineGatePolicy('LTR');
const cleanups: Array<() => Promise<void> | void> = [];
let bff: LocalBff;

type Seat = <T>(channel: string, payload?: unknown) => Promise<IpcResult<T>>;

async function openSeat(username: string): Promise<Seat> {
  const dir = tempDir('moc-gate-');
  cleanups.push(() => dir.remove());
  const runtime: ConsoleRuntime = await createConsoleRuntime(testPorts({ dataDir: dir.path, bffUrl: bff.url }, { logger: createMemoryLogger() }));
  cleanups.push(() => runtime.shutdown());
  const seat: Seat = async (channel, payload = {}) => (await runtime.dispatch(channel, payload)) as IpcResult<never>;
  const signedIn = await seat('app:session:sign-in', { username, password: `demo-${username}`, stay_signed_in: false });
  if (!signedIn.ok) throw new Error(signedIn.error.message);
  return seat;
}

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

let ada: Seat;
let olivia: Seat;

beforeAll(async () => {
  const dir = tempDir('moc-gate-bff-');
  cleanups.push(() => dir.remove());
  bff = await startLocalBff({ dbFile: join(dir.path, 'bff.sqlite'), seedDemo: true, settings: { authRateLimitPerMinute: 10_000 } });
  cleanups.push(() => bff.close());
  [ada, olivia] = await Promise.all([openSeat('ada'), openSeat('olivia')]);
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('app:canary:set-gate', () => {
  it('any role reads the gate; an operator is refused (forbidden) and a wrong password is invalid_credentials', async () => {
    expect(value(await olivia<OnlineGateResponse>('app:canary:gate', { model_id: MODEL }))).toEqual({ policy: DEFAULT, is_default: true });
    const refused = await olivia('app:canary:set-gate', { model_id: MODEL, policy: DEFAULT, step_up: { password: 'demo-olivia' } });
    expect(refused.ok ? null : refused.error.code).toBe('forbidden');
    const wrong = await ada('app:canary:set-gate', { model_id: MODEL, policy: DEFAULT, step_up: { password: 'not-her-password' } });
    expect(wrong.ok ? null : wrong.error.code).toBe('invalid_credentials');
    const invalid = await ada('app:canary:set-gate', { model_id: MODEL, policy: { ...DEFAULT, interval_s: 0 }, step_up: { password: 'demo-ada' } });
    expect(invalid.ok ? null : invalid.error.code).toBe('invalid_ipc_payload');
  });

  it('a tightening applies at once; a loosening answers the pending change and the gate stays', async () => {
    const tight = { ...DEFAULT, max_error_rate_increase_pts: 0.5, bake_intervals: 8 };
    const applied = value(await ada<SetOnlineGateResult>('app:canary:set-gate', { model_id: MODEL, policy: tight, step_up: { password: 'demo-ada' } }));
    expect(applied).toEqual({ outcome: 'applied', gate: { policy: tight, is_default: false } });

    const pending = value(await ada<SetOnlineGateResult>('app:canary:set-gate', { model_id: MODEL, policy: null, step_up: { password: 'demo-ada' } }));
    expect(pending).toMatchObject({
      outcome: 'pending',
      policy_change: { status: 'pending', proposed_by: 'ada', online_gate: { before: tight, after: null }, loosens: expect.arrayContaining([expect.stringContaining('bake_intervals 8 → 5')]) },
    });
    expect(value(await olivia<OnlineGateResponse>('app:canary:gate', { model_id: MODEL }))).toEqual({ policy: tight, is_default: false });
  });
});
