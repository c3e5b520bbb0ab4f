// The preload: exposes window.modelOps, built from the IPC contract, and
// nothing else. Only contract channels pass; the IPC event object never does.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildModelOpsApi } from '../../shared/ipc/api.js';
import { isInvokeChannel, isPushChannel } from '../../shared/ipc/contract.js';

const api = buildModelOpsApi({
  invoke: (channel, payload) => {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error('not a console channel'));
    return ipcRenderer.invoke(channel, payload);
  },
  subscribe: (channel, listener) => {
    if (!isPushChannel(channel)) throw new Error('not a console channel');
    // The listener sees the payload only: the event would hand the page `sender` (ipcRenderer itself).
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
});

contextBridge.exposeInMainWorld('modelOps', api);
