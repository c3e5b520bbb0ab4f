// The desktop shell inside the real console runtime against the real BFF
// (behind a TCP relay that records and cuts connections): the tray follows the
// event stream and the session, pause holds notifications, a burst of requests
// becomes one grouped notification whose click opens a request, the menu's
// Open Report is the sidebar's call, and after a wake the event stream
// reconnects at once with Last-Event-ID while the session is checked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../shared/domain/change-request.js';
import type { IpcResult, PushChannel } from '../../../shared/ipc/contract.js';
import { startDemoBff, startTcpRelay, tempDir, waitFor, type DemoBff, type TcpRelay } from '../test-support/harness.js';
import { testPorts } from '../test-support/runtime-ports.js';
import type { NativeNotification } from './approval-notifier.js';
import { createConsoleRuntime, type ConsoleRuntime } from './console-runtime.js';
import { createMemoryLogger } from './logger.js';
import type { TrayView } from './tray-model.js';

let bff: DemoBff;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  bff = await startDemoBff();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await bff.stop();
});

/** Grouping timers run when the test says, so a slow machine cannot split the burst. */
const groupTimers: (() => void)[] = [];
const groupScheduler = {
  setTimeout: (run: () => void) => groupTimers.push(run),
  clearTimeout: () => undefined,
};
const flushGroups = () => groupTimers.splice(0).forEach((run) => run());

interface Seat {
  runtime: ConsoleRuntime;
  relay: TcpRelay;
  notifications: NativeNotification[];
  pushes: { channel: PushChannel; payload: unknown }[];
  trays: TrayView[];
  openPaths: string[];
  focused: { count: number };
  call<T>(channel: string, payload?: unknown): Promise<T>;
}

async function seat(options: { openPath?: string; backoffMs?: number } = {}): Promise<Seat> {
  const dir = tempDir('moc-desktop-');
  const relay = await startTcpRelay(bff.url, { record: true });
  cleanups.push(() => dir.remove(), () => relay.close());
  const state = { notifications: [] as NativeNotification[], pushes: [] as Seat['pushes'], trays: [] as TrayView[], openPaths: [] as string[], focused: { count: 0 } };
  // Remote mode against the relay; the native confirmation before a step-up is spent is answered
  // yes (testPorts): this suite is about the desktop shell.
  const runtime = await createConsoleRuntime(
    testPorts(
      { dataDir: dir.path, bffUrl: relay.url },
      {
        logger: createMemoryLogger(),
        showNotification: (notification) => state.notifications.push(notification),
        focusWindow: () => void (state.focused.count += 1),
        fileDialogs: {
          chooseSavePath: async () => null,
          chooseOpenPath: async ({ title }) => (state.openPaths.push(title), options.openPath ?? null),
        },
        push: (channel, payload) => state.pushes.push({ channel, payload }),
        eventStream: { backoffMs: () => options.backoffMs ?? 5 },
        desktop: { applyTray: (view) => state.trays.push(view), groupScheduler },
      },
    ),
  );
  runtime.desktop.start();
  cleanups.push(() => runtime.shutdown());
  return {
    runtime,
    relay,
    ...state,
    call: async <T>(channel: string, payload: unknown = {}) => {
      const result = (await runtime.dispatch(channel, payload)) as IpcResult<T>;
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
  };
}

async function requestCanary(olivia: Seat, modelId: string, version: string, canaryPct = 5): Promise<ChangeRequest> {
  const detail = await olivia.call<{ deployment: { state_version: number } }>('app:models:get', { model_id: modelId });
  const { request } = await olivia.call<{ request: ChangeRequest }>('app:rollout:request', {
    model_id: modelId,
    rollout: { target_version: version, strategy: 'canary', canary_pct: canaryPct, justification: 'desktop test', expected_state_version: detail.deployment.state_version },
    step_up: { password: 'demo-olivia' },
  });
  return request;
}

const connected = (s: Seat) => s.runtime.handlers['app:connection:state']({}).then((state) => state.state === 'connected');

describe('tray and notifications driven by the event stream and the session', () => {
  let olivia: Seat;
  let arjun: Seat;

  beforeAll(async () => {
    olivia = await seat();
    arjun = await seat();
    await olivia.call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: false });
    await arjun.call('app:session:sign-in', { username: 'arjun', password: 'demo-arjun', stay_signed_in: false });
    let live = false;
    await waitFor(() => (void connected(arjun).then((ok) => (live = ok)), live), 'the approver’s event stream');
  });

  it('counts and lists the requests waiting for the approver; a burst is one notification', async () => {
    expect(arjun.trays.at(-1)).toMatchObject({ count: 0, tooltip: 'Model Ops Console: no requests wait for you' });
    // Filed at once (as a colleague's script would): they arrive within one grouping window.
    const filed = await Promise.all([
      requestCanary(olivia, 'bert-sentiment', '1.1.0'),
      requestCanary(olivia, 'e5-base-v2', '1.1.0'),
      requestCanary(olivia, 'cross-encoder-reranker', '1.1.0', 10),
    ]);
    const [first, second, third] = [...filed].sort((a, b) => a.requested_at.localeCompare(b.requested_at)) as [ChangeRequest, ChangeRequest, ChangeRequest];
    await waitFor(() => arjun.trays.at(-1)?.count === 3, 'three requests on the tray');
    const view = arjun.trays.at(-1)!;
    expect(view.tooltip).toBe('Model Ops Console: 3 requests wait for you');
    // Oldest first, each opening its request.
    const requestItems = view.menu.flatMap((item) => ('action' in item && item.action.kind === 'open-request' ? [item] : []));
    expect(requestItems.map((item) => item.action)).toEqual([first, second, third].map((r) => ({ kind: 'open-request', requestId: r.id })));
    const bert = requestItems.find((item) => item.label.includes('bert-sentiment'))!;
    expect(bert.label).toBe('Start canary bert-sentiment: 1.0.0 → 1.1.0 at 5 % traffic (olivia)');
    expect(view.menu.map((item) => ('label' in item ? item.label : '—'))).toEqual(
      expect.arrayContaining(['Open console', 'Pause notifications for 1 hour', 'Quit Model Ops Console']),
    );

    // One notification for the three, naming each; its click opens one of them (the inbox lists the rest).
    const requested = () => arjun.pushes.filter((push) => push.channel === 'app:events:received' && (push.payload as { data: { type: string } }).data.type === 'approval.requested');
    await waitFor(() => requested().length === 3, 'the three approval.requested events');
    expect(arjun.notifications).toHaveLength(0);
    flushGroups();
    expect(arjun.notifications).toHaveLength(1);
    const grouped = arjun.notifications[0]!;
    expect(grouped.title).toBe('3 requests wait for you');
    for (const subject of ['Start canary bert-sentiment 1.1.0', 'Start canary e5-base-v2 1.1.0', 'Start canary cross-encoder-reranker 1.1.0']) {
      expect(grouped.body).toContain(subject);
    }
    grouped.onClick();
    const opened = arjun.pushes.at(-1);
    expect(opened?.channel).toBe('app:navigation:open-request');
    expect(filed.map((r) => r.id)).toContain((opened?.payload as { request_id: string }).request_id);

    // A tray item opens its request (focusing the window).
    const focusedBefore = arjun.focused.count;
    arjun.runtime.desktop.trayAction(requestItems[1]!.action);
    expect(arjun.focused.count).toBe(focusedBefore + 1);
    expect(arjun.pushes.at(-1)).toEqual({ channel: 'app:navigation:open-request', payload: { request_id: second.id } });
  });

  it('pauses notifications for an hour from the tray, while the count still moves', async () => {
    arjun.runtime.desktop.trayAction({ kind: 'pause-notifications' });
    expect(arjun.trays.at(-1)!.menu.some((item) => 'label' in item && item.label.startsWith('Resume notifications (paused until'))).toBe(true);
    const before = arjun.notifications.length;
    await requestCanary(olivia, 'ltr-ranker', '2.1.0');
    await waitFor(() => arjun.trays.at(-1)?.count === 4, 'the fourth request on the tray');
    await waitFor(
      () => arjun.pushes.filter((push) => push.channel === 'app:events:received' && (push.payload as { data: { type: string } }).data.type === 'approval.requested').length === 4,
      'the fourth approval.requested event',
    );
    flushGroups();
    expect(arjun.notifications.length).toBe(before);
    arjun.runtime.desktop.trayAction({ kind: 'resume-notifications' });
    expect(arjun.trays.at(-1)!.menu.some((item) => 'label' in item && item.label === 'Pause notifications for 1 hour')).toBe(true);
  });

  it('empties the tray at sign-out', async () => {
    await arjun.call('app:session:sign-out');
    expect(arjun.trays.at(-1)).toMatchObject({ count: 0, tooltip: 'Model Ops Console: not signed in' });
  });
});

describe('menu commands', () => {
  it('Open Report… is the same ReportService call as the sidebar’s button', async () => {
    const dir = tempDir('moc-report-');
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'not-a-report.modelreport.json');
    writeFileSync(file, '{"hello": 1}');
    const s = await seat({ openPath: file });
    const fromSidebar = await s.call<{ status: string; report: { file_name: string; verification: unknown } }>('app:reports:open');
    await s.runtime.desktop.menuCommand('open-report');
    // Both asked the same native dialog the same question …
    expect(s.openPaths).toHaveLength(2);
    expect(s.openPaths[0]).toBe(s.openPaths[1]);
    // … and the menu's result reaches the renderer as an opened report, judged the same way.
    const pushed = s.pushes.find((push) => push.channel === 'app:reports:opened')?.payload as { file_name: string; verification: unknown };
    expect(pushed.file_name).toBe(fromSidebar.report.file_name);
    expect(pushed.verification).toEqual(fromSidebar.report.verification);
    // Renderer-side commands travel as app:menu:command.
    await s.runtime.desktop.menuCommand('keyboard-shortcuts');
    expect(s.pushes.at(-1)).toEqual({ channel: 'app:menu:command', payload: { command: 'keyboard-shortcuts' } });
    expect(s.runtime.desktop.about()).toEqual({ title: 'Model Ops Console 0.0.0-test', detail: `Version 0.0.0-test\nBFF: ${new URL(s.relay.url).origin}` });
  });
});

describe('wake: resume, unlock, network back', () => {
  it('reconnects the event stream at once with Last-Event-ID, checks the session and refreshes the screens', async () => {
    // A 10-minute backoff: only the wake can bring the stream back within the test.
    const s = await seat({ backoffMs: 600_000 });
    await s.call('app:session:sign-in', { username: 'olivia', password: 'demo-olivia', stay_signed_in: false });
    let live = false;
    await waitFor(() => (void connected(s).then((ok) => (live = ok)), live), 'the event stream');
    const events = () => s.pushes.filter((push) => push.channel === 'app:events:received').map((push) => push.payload as { id: number; data: { type: string; version?: string } });

    const register = (version: string) =>
      s.call('app:models:register-version', {
        model_id: 'fraud-detector',
        version: { version, artifact_uri: `s3://acme-ml-models/fraud-detector/${version}/model.txt`, checksum: 'b'.repeat(64), runtime: { device: 'cpu' }, framework: 'lightgbm', export_format: 'lightgbm-text' },
      });
    await register('1.1.0');
    await waitFor(() => events().some((event) => event.data.version === '1.1.0'), 'the first event');
    const seenId = events().at(-1)!.id;

    // Sleep: the connection dies; the stream waits out its backoff.
    s.relay.cut();
    await waitFor(() => s.pushes.some((push) => push.channel === 'app:connection:changed' && (push.payload as { state: string }).state === 'reconnecting'), 'the lost stream');
    await register('1.2.0'); // happens while the console "sleeps"
    const before = s.relay.recorded().length;

    await s.runtime.onWake('resume');
    await waitFor(() => events().some((event) => event.data.version === '1.2.0'), 'the missed event, replayed', 3000);
    // Once each, nothing replayed twice.
    expect(events().filter((event) => event.data.version === '1.1.0')).toHaveLength(1);
    expect(events().filter((event) => event.data.version === '1.2.0')).toHaveLength(1);
    const traffic = s.relay.recorded().slice(before).toLowerCase();
    expect(traffic).toContain('get /admin/events');
    expect(traffic).toContain(`last-event-id: ${seenId}`);
    expect(traffic).toContain('get /auth/me');
    expect(s.pushes).toContainEqual({ channel: 'app:connection:resumed', payload: { reason: 'resume' } });

    // Signed out: a wake does nothing.
    await s.call('app:session:sign-out');
    const pushes = s.pushes.length;
    await s.runtime.onWake('unlock-screen');
    expect(s.pushes.slice(pushes).some((push) => push.channel === 'app:connection:resumed')).toBe(false);
  });
});
