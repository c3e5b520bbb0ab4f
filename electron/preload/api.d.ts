// The type of window.modelOps for the renderer's tsconfig: derived from the IPC
// contract in shared/ipc (electron/preload/index.ts installs exactly this object).
import type { ModelOpsApi } from '../../shared/ipc/api.js';

export type { ModelOpsApi };
export type {
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
  IpcError,
  IpcErrorCode,
  IpcResult,
  PushChannel,
  PushPayload,
  SessionState,
  SettingsView,
  ConnectionState,
  AppInfo,
  StepUpCredentials,
} from '../../shared/ipc/contract.js';

declare global {
  interface Window {
    readonly modelOps: ModelOpsApi;
  }
}
