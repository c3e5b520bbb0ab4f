// One model: its versions, deployment and deployment history (the audit
// entries about it), plus deprecating a version.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { ModelDetailResponse } from '../../../../shared/api/models.js';
import { isDeploymentHistoryAction, type AuditEntry } from '../../../../shared/domain/audit.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { ModelVersion } from '../../../../shared/domain/model.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import { buildVersionsIndex, filterVersions, type VersionFilters, type VersionsIndex, type VersionsView } from './versions-view.js';

export type ModelDetailSlice = {
  modelDetail: {
    modelId: string | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    data: ModelDetailResponse | null;
    versionsIndex: VersionsIndex;
    versionFilters: VersionFilters;
    history: { status: 'idle' | 'loading' | 'ready' | 'error'; error: IpcError | null; items: AuditEntry[] };
    deprecate: { status: 'idle' | 'submitting' | 'error'; error: IpcError | null };
  };
  loadModel: (modelId: string, options?: { force?: boolean }) => Promise<void>;
  loadModelHistory: (modelId: string) => Promise<void>;
  setVersionFilters: (patch: Partial<VersionFilters>) => void;
  deprecateVersion: (version: string, reason: string) => Promise<boolean>;
  resetDeprecate: () => void;
  modelDeploymentChanged: (deployment: Deployment) => void;
  /** What the serving layer did with the deployment (applied, retrying, failed, drift): patched in place, no re-read. */
  modelDispatchChanged: (deployment: Deployment) => void;
};

export const initialModelDetailState = (): ModelDetailSlice['modelDetail'] => ({
  modelId: null,
  status: 'idle',
  error: null,
  data: null,
  versionsIndex: buildVersionsIndex([]),
  versionFilters: { text: '', status: '' },
  history: { status: 'idle', error: null, items: [] },
  deprecate: { status: 'idle', error: null },
});

export const createModelDetailSlice: StateCreator<All, [], [], ModelDetailSlice> = (set, get) => {
  const patch = slicePatch(set, 'modelDetail');

  return {
    modelDetail: initialModelDetailState(),

    loadModel: async (modelId, options) => {
      const current = get().modelDetail;
      const same = current.modelId === modelId;
      // Coming back to a model re-reads it (quietly, stale-while-revalidate): events may have been missed.
      if (same && !options?.force && current.status === 'loading') return;
      // A refresh of what is on screen stays quiet; only a first load shows the spinner.
      if (same) patch(current.data ? { error: null } : { status: 'loading', error: null });
      else patch({ ...initialModelDetailState(), modelId, status: 'loading' });
      const result = await call((api) => api.models.get({ model_id: modelId }));
      if (get().modelDetail.modelId !== modelId) return;
      if (result.ok) patch({ status: 'ready', data: result.value, versionsIndex: buildVersionsIndex(result.value.versions), error: null });
      else patch({ status: 'error', error: result.error });
      void get().loadModelHistory(modelId);
    },

    loadModelHistory: async (modelId) => {
      patch({ history: { ...get().modelDetail.history, status: 'loading', error: null } });
      const result = await call((api) => api.audit.list({ model_id: modelId, limit: 100 }));
      if (get().modelDetail.modelId !== modelId) return;
      patch({
        history: result.ok
          ? { status: 'ready', error: null, items: result.value.items.filter((entry) => isDeploymentHistoryAction(entry.action)) }
          : { status: 'error', error: result.error, items: [] },
      });
    },

    setVersionFilters: (changes) => patch({ versionFilters: { ...get().modelDetail.versionFilters, ...changes } }),

    deprecateVersion: async (version, reason) => {
      const modelId = get().modelDetail.modelId;
      if (modelId === null) return false;
      patch({ deprecate: { status: 'submitting', error: null } });
      const result = await call((api) => api.models.deprecateVersion({ model_id: modelId, version, reason }));
      if (!result.ok) {
        patch({ deprecate: { status: 'error', error: result.error } });
        return false;
      }
      patch({ deprecate: { status: 'idle', error: null } });
      replaceVersion(result.value.version);
      get().pushToast({ tone: 'success', title: `${modelId} ${version} deprecated` });
      void get().loadModelHistory(modelId);
      void get().refreshRegistryRow(modelId);
      return true;
    },

    resetDeprecate: () => patch({ deprecate: { status: 'idle', error: null } }),

    modelDeploymentChanged: (deployment) => {
      const { data, modelId } = get().modelDetail;
      if (!data || modelId !== deployment.model_id) return;
      patch({ data: { ...data, deployment } });
      // Promotion and rollback change version statuses too: re-read quietly.
      void get().loadModel(modelId, { force: true });
    },

    modelDispatchChanged: (deployment) => {
      const { data, modelId } = get().modelDetail;
      if (!data || modelId !== deployment.model_id) return;
      // A dispatch report about an older approved state must not undo a newer deployment on screen.
      if (deployment.state_version < data.deployment.state_version) return;
      patch({ data: { ...data, deployment } });
    },
  };

  function replaceVersion(version: ModelVersion): void {
    const { data } = get().modelDetail;
    if (!data) return;
    const versions = data.versions.map((v) => (v.version === version.version ? version : v));
    patch({ data: { ...data, versions }, versionsIndex: buildVersionsIndex(versions) });
  }
};

// ---------------------------------------------------------------------------
// Selectors

let memo: { index: VersionsIndex; view: VersionsView } | null = null;

export function selectVisibleVersions(state: All): VersionsView['versions'] {
  const { versionsIndex, versionFilters } = state.modelDetail;
  const last = memo?.index === versionsIndex ? memo.view : undefined;
  if (last && last.filters.text === versionFilters.text && last.filters.status === versionFilters.status) return last.versions;
  const view = filterVersions(versionsIndex, versionFilters, last);
  memo = { index: versionsIndex, view };
  return view.versions;
}
