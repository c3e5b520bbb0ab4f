// The IPC dispatcher checks error answers against the contract like any other
// answer: whatever a handler throws, the renderer gets a valid IpcError.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ipcResult } from '../../../shared/ipc/contract.js';
import { ClientError } from './client-error.js';
import { createIpcDispatcher, type IpcHandlerTable } from './ipc-handlers.js';
import { createMemoryLogger } from './logger.js';

const envelope = ipcResult(z.unknown());

/** A table whose app:app:info handler throws `error` (the other channels are not called here). */
const dispatcherThrowing = (error: unknown) => createIpcDispatcher({ 'app:app:info': async () => Promise.reject(error) } as unknown as IpcHandlerTable, createMemoryLogger());

describe('IPC error answers are validated against the error schema', () => {
  it('a message past the limit is cut, and the answer validates', async () => {
    const answer = await dispatcherThrowing(new ClientError('forbidden', 'x'.repeat(5000)))('app:app:info', {});
    expect(envelope.safeParse(answer).success).toBe(true);
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((answer as { error: { message: string } }).error.message.length).toBeLessThanOrEqual(2000);
  });

  it('details that are not plain data (functions, cycles, BigInt) are dropped, plain ones kept', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const details of [{ run: () => 1 }, cyclic, { n: 10n }]) {
      const answer = await dispatcherThrowing(new ClientError('conflict', 'no', details))('app:app:info', {});
      expect(envelope.safeParse(answer).success).toBe(true);
      const error = (answer as { error: Record<string, unknown> }).error;
      // A function is dropped by JSON itself; a cycle or BigInt cannot be serialised at all: no details.
      expect(JSON.stringify(error.details ?? null)).not.toContain('run');
      expect(structuredClone(answer)).toBeTruthy();
    }
    const plain = await dispatcherThrowing(new ClientError('conflict', 'no', { locked: ['theme'] }))('app:app:info', {});
    expect(plain).toEqual({ ok: false, error: { code: 'conflict', message: 'no', details: { locked: ['theme'] } } });
  });

  it('an error code outside the contract becomes internal', async () => {
    const answer = await dispatcherThrowing(new ClientError('made_up' as never, 'hm'))('app:app:info', {});
    expect(answer).toEqual({ ok: false, error: { code: 'internal', message: expect.stringContaining('cannot show') } });
  });
});
