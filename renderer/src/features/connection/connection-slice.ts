// The app's mode and BFF, the event stream's state, the settings (with what the
// workstation policy locks) and the pending-approvals count for the nav badge.
import type { StateCreator } from 'zustand';
import type { All } from '../../app/store.js';
import type { AppInfo, ConnectionState, SettingsView } from '../../../../shared/ipc/contract.js';
import type { RendererSettingsPatch } from '../../../../shared/settings/settings.js';
import { call, type IpcError } from '../../lib/model-ops.js';

export type ConnectionSlice = {
  connection: ConnectionState;
  appInfo: AppInfo | null;
  settings: {
    view: SettingsView | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    saving: boolean;
    saveError: IpcError | null;
  };
  pendingApprovalCount: number;
  loadAppInfo: () => Promise<void>;
  updateSettings: (patch: RendererSettingsPatch) => Promise<boolean>;
  /** Another BFF (null: local mode) from the next start; the main process confirms the origin natively first. */
  changeBff: (url: string | null) => Promise<boolean>;
  connectionChanged: (state: ConnectionState) => void;
  pendingApprovalsChanged: (count: number) => void;
};

export const createConnectionSlice: StateCreator<All, [], [], ConnectionSlice> = (set, get) => ({
  connection: { state: 'idle' },
  appInfo: null,
  settings: { view: null, status: 'idle', error: null, saving: false, saveError: null },
  pendingApprovalCount: 0,

  loadAppInfo: async () => {
    set((state) => ({ settings: { ...state.settings, status: state.settings.view ? 'ready' : 'loading', error: null } }));
    const [info, settings, connection] = await Promise.all([
      call((api) => api.app.info()),
      call((api) => api.settings.get()),
      call((api) => api.connection.state()),
    ]);
    if (info.ok) set({ appInfo: info.value });
    if (connection.ok) set({ connection: connection.value });
    set((state) => ({
      settings: settings.ok
        ? { ...state.settings, view: settings.value, status: 'ready', error: null }
        : { ...state.settings, status: 'error', error: settings.error },
    }));
  },

  updateSettings: async (patch) => {
    set((state) => ({ settings: { ...state.settings, saving: true, saveError: null } }));
    const result = await call((api) => api.settings.set(patch));
    set((state) => ({
      settings: result.ok
        ? { ...state.settings, view: result.value, saving: false, status: 'ready' }
        : { ...state.settings, saving: false, saveError: result.error },
    }));
    return result.ok;
  },

  changeBff: async (url) => {
    set((state) => ({ settings: { ...state.settings, saving: true, saveError: null } }));
    const result = await call((api) => api.settings.changeBff({ bff_url: url }));
    set((state) => ({
      settings: result.ok
        ? { ...state.settings, view: result.value, saving: false, status: 'ready' }
        : { ...state.settings, saving: false, saveError: result.error },
    }));
    if (result.ok && result.value.restart_required) {
      get().pushToast({ tone: 'info', title: 'Restart to use the new BFF', detail: 'The console connects to a changed BFF address after a restart.' });
    }
    return result.ok;
  },

  connectionChanged: (state) => set({ connection: state }),
  pendingApprovalsChanged: (count) => set({ pendingApprovalCount: count }),
});
