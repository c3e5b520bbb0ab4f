// The sender check and the push queue, as both the Electron adapter and the e2e harness use them.
import { describe, expect, it } from 'vitest';
import { createIpcDispatcher, type IpcHandlerTable } from './ipc-handlers.js';
import { createMemoryLogger } from './logger.js';
import { guardDispatch, PushQueue } from './renderer-channel.js';
import { APP_ENTRY_URL, APP_ORIGIN } from './trusted-sender.js';

const appInfo = { name: 'Model Ops Console', version: '0.1.0', mode: 'local', bff_origin: null, platform: 'linux', badge_supported: true } as const;

describe('guardDispatch', () => {
  const logger = createMemoryLogger();
  const handlers = { 'app:app:info': async () => appInfo } as unknown as IpcHandlerTable;
  const guarded = guardDispatch(createIpcDispatcher(handlers, logger), [APP_ORIGIN], logger);

  it('passes the top frame of a trusted origin to the dispatcher', async () => {
    expect(await guarded({ url: APP_ENTRY_URL, top: true }, 'app:app:info', {})).toEqual({ ok: true, value: appInfo });
  });

  it('refuses a subframe, another origin and a frame that is gone, and logs each', async () => {
    const before = logger.lines.length;
    for (const frame of [{ url: APP_ENTRY_URL, top: false }, { url: 'https://evil.example/index.html', top: true }, null]) {
      expect(await guarded(frame, 'app:app:info', {})).toEqual({ ok: false, error: { code: 'forbidden', message: 'This page may not use the console API.' } });
    }
    const refusals = logger.lines.slice(before);
    expect(refusals.map((line) => [line.level, line.msg])).toEqual(Array(3).fill(['warn', 'ipc: refused untrusted sender']));
    expect(refusals[1]!.fields).toMatchObject({ channel: 'app:app:info', url: 'https://evil.example/index.html' });
  });
});

describe('PushQueue', () => {
  const setup = () => {
    const logger = createMemoryLogger();
    const sent: [string, unknown][] = [];
    let page = true;
    const queue = new PushQueue(() => (page ? (channel, payload) => void sent.push([channel, payload]) : null), logger);
    return { logger, sent, queue, closePage: () => void (page = false), openPage: () => void (page = true) };
  };

  it('holds pushes until the renderer has loaded, then delivers them in order', () => {
    const { sent, queue } = setup();
    queue.push('app:approvals:pending-changed', { count: 1 });
    queue.push('app:navigation:open-request', { request_id: 'req_0123abcd' });
    expect(sent).toEqual([]);
    queue.rendererReady();
    expect(sent).toEqual([
      ['app:approvals:pending-changed', { count: 1 }],
      ['app:navigation:open-request', { request_id: 'req_0123abcd' }],
    ]);
    queue.rendererGone();
    queue.push('app:approvals:pending-changed', { count: 2 });
    expect(sent).toHaveLength(2);
    queue.rendererReady();
    expect(sent.at(-1)).toEqual(['app:approvals:pending-changed', { count: 2 }]);
  });

  it('keeps pushes while there is no page to reach', () => {
    const { sent, queue, closePage, openPage } = setup();
    closePage();
    queue.rendererReady();
    queue.push('app:approvals:pending-changed', { count: 3 });
    expect(sent).toEqual([]);
    openPage();
    queue.rendererReady();
    expect(sent).toEqual([['app:approvals:pending-changed', { count: 3 }]]);
  });

  it('logs and drops a push that does not match the contract, without throwing at the pusher', () => {
    const { sent, queue, logger } = setup();
    queue.rendererReady();
    const broken = { count: 'many' } as unknown as { count: number };
    expect(() => queue.push('app:approvals:pending-changed', broken)).not.toThrow();
    queue.push('app:approvals:pending-changed', { count: 4 });
    expect(sent).toEqual([['app:approvals:pending-changed', { count: 4 }]]);
    expect(logger.lines).toEqual([{ level: 'error', msg: 'push does not match the contract, dropped', fields: { channel: 'app:approvals:pending-changed' } }]);
  });
});
