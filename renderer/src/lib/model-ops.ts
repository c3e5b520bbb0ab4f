// The renderer's one way out: window.modelOps (installed by the preload). Every
// call answers an IpcResult; nothing here throws, so stores handle errors as values.
import type { ModelOpsApi } from '../../../shared/ipc/api.js';
import type { IpcError, IpcResult } from '../../../shared/ipc/contract.js';

export type { IpcError, IpcResult };

type SessionLostListener = (error: IpcError) => void;
let sessionLostListener: SessionLostListener | null = null;

/** The store registers this once: any call that finds the session gone sends the user to sign in. */
export function onSessionLost(listener: SessionLostListener | null): void {
  sessionLostListener = listener;
}

/** The preload's API, or null when the page runs without it (a bare browser tab). */
export function modelOpsApi(): ModelOpsApi | null {
  const api = (window as Window & { modelOps?: ModelOpsApi }).modelOps;
  return api ?? null;
}

const BRIDGE_MISSING: IpcError = {
  code: 'internal',
  message: 'The console cannot reach its main process (window.modelOps is missing). Restart the app.',
};

/** Codes after which nothing works until the user signs in again. */
const SESSION_LOST_CODES = new Set<IpcError['code']>(['session_expired', 'not_signed_in']);

/**
 * Runs one invoke and returns its envelope. A missing bridge or a thrown
 * exception becomes an error value too, so callers only ever branch on `ok`.
 */
export async function call<T>(invoke: (api: ModelOpsApi) => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  const api = modelOpsApi();
  if (!api) return { ok: false, error: BRIDGE_MISSING };
  let result: IpcResult<T>;
  try {
    result = await invoke(api);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = { ok: false, error: { code: 'internal', message: `The request failed in the console: ${message}` } };
  }
  if (!result.ok && SESSION_LOST_CODES.has(result.error.code)) sessionLostListener?.(result.error);
  return result;
}

/** Subscribes to a push when the bridge exists; a no-op unsubscribe otherwise. */
export function subscribe(register: (api: ModelOpsApi) => () => void): () => void {
  const api = modelOpsApi();
  return api ? register(api) : () => {};
}
