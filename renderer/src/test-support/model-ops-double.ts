// Test double of window.modelOps for renderer tests (never imported by shipped
// code): the real API builder from shared/ipc over an in-memory transport whose
// answers each test chooses, recording every call and able to push events.
import { buildModelOpsApi, type ModelOpsApi } from '../../../shared/ipc/api.js';
import type { InvokeChannel, InvokeRequest, InvokeResponse, IpcError, IpcResult, PushChannel, PushPayload } from '../../../shared/ipc/contract.js';

export type Handler<C extends InvokeChannel> = (request: InvokeRequest<C>) => IpcResult<InvokeResponse<C>> | Promise<IpcResult<InvokeResponse<C>>>;
export type Handlers = { [C in InvokeChannel]?: Handler<C> };

export type ModelOpsDouble = {
  api: ModelOpsApi;
  calls: Array<{ channel: InvokeChannel; request: unknown }>;
  callsTo<C extends InvokeChannel>(channel: C): Array<InvokeRequest<C>>;
  on<C extends InvokeChannel>(channel: C, handler: Handler<C>): void;
  push<C extends PushChannel>(channel: C, payload: PushPayload<C>): void;
  uninstall(): void;
};

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
export const fail = (code: IpcError['code'], message = `${code} (test)`): IpcResult<never> => ({ ok: false, error: { code, message } });

/** Installs the double as window.modelOps; channels without a handler answer an `internal` error. */
export function installModelOpsDouble(handlers: Handlers = {}): ModelOpsDouble {
  const table: Handlers = { ...handlers };
  const listeners = new Map<PushChannel, Set<(payload: unknown) => void>>();
  const calls: ModelOpsDouble['calls'] = [];
  const api = buildModelOpsApi({
    invoke: async (channel, payload) => {
      calls.push({ channel, request: payload });
      const handler = table[channel] as ((request: unknown) => unknown) | undefined;
      return handler ? handler(payload) : fail('internal', `no test handler for ${channel}`);
    },
    subscribe: (channel, listener) => {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  });
  Object.defineProperty(window, 'modelOps', { value: api, configurable: true, writable: false });
  return {
    api,
    calls,
    callsTo: <C extends InvokeChannel>(channel: C) => calls.filter((call) => call.channel === channel).map((call) => call.request as InvokeRequest<C>),
    on: (channel, handler) => {
      (table as Record<string, unknown>)[channel] = handler;
    },
    push: (channel, payload) => {
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    },
    uninstall: () => {
      delete (window as { modelOps?: unknown }).modelOps;
    },
  };
}
