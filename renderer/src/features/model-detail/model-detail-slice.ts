// One model: its versions, deployment and deployment history (the audit
// entries about it), plus deprecating a version. The versions table filters in
// memory up to VERSIONS_LOCAL_LIMIT versions; beyond, its search, status filter
// and pages come from GET /admin/models/{id}/versions (README, "Large registries").
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { ModelDetailResponse, VersionListQuery } from '../../../../shared/api/models.js';
import { isDeploymentHistoryAction, type AuditEntry } from '../../../../shared/domain/audit.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { ModelVersion } from '../../../../shared/domain/model.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import { keepUnchanged } from '../../lib/same-json.js';
import { buildVersionsIndex, filterVersions, type VersionFilters, type VersionsIndex, type VersionsView } from './versions-view.js';

/** Up to this many versions the table filters the detail's list in memory; beyond it the BFF searches and pages. */
export const VERSIONS_LOCAL_LIMIT = 5000;
/** Server mode: the first page of a search (what a window shows, and more). */
export const VERSIONS_QUERY_PAGE_SIZE = 50;
/** Server mode: each page read as the table is scrolled near its end. */
export const VERSIONS_PAGE_SIZE = 500;
/** Server mode: typing asks once the keys pause. */
export const VERSIONS_QUERY_DELAY_MS = 120;

/** Server mode's rows: the current search's pages read so far, newest version first. */
export type VersionPages = {
  rows: ModelVersion[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: IpcError | null;
  nextCursor: string | null;
  loadingMore: boolean;
  generation: number;
};

const initialVersionPages = (): VersionPages => ({ rows: [], status: 'idle', error: null, nextCursor: null, loadingMore: false, generation: 0 });

export type ModelDetailSlice = {
  modelDetail: {
    modelId: string | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    data: ModelDetailResponse | null;
    versionsIndex: VersionsIndex;
    versionFilters: VersionFilters;
    /** local: the table filters `data.versions`; server: it shows `versionPages`, which the BFF filtered. */
    versionsMode: 'local' | 'server';
    versionPages: VersionPages;
    history: { status: 'idle' | 'loading' | 'ready' | 'error'; error: IpcError | null; items: AuditEntry[] };
    deprecate: { status: 'idle' | 'submitting' | 'error'; error: IpcError | null };
  };
  loadModel: (modelId: string, options?: { force?: boolean }) => Promise<void>;
  loadModelHistory: (modelId: string) => Promise<void>;
  setVersionFilters: (patch: Partial<VersionFilters>) => void;
  /** Server mode: the first page of the current search again (a retry), or the next page (the table neared its end). */
  loadVersionPage: (options?: { more?: boolean }) => Promise<void>;
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
  versionsMode: 'local',
  versionPages: initialVersionPages(),
  history: { status: 'idle', error: null, items: [] },
  deprecate: { status: 'idle', error: null },
});

export const createModelDetailSlice: StateCreator<All, [], [], ModelDetailSlice> = (set, get) => {
  const patch = slicePatch(set, 'modelDetail');
  const patchPages = (changes: Partial<VersionPages>) => patch({ versionPages: { ...get().modelDetail.versionPages, ...changes } });
  let versionTimer: ReturnType<typeof setTimeout> | undefined;

  /** Server mode: reads one page of the current search; `more` continues it, otherwise it starts over. */
  const readVersions = async (more: boolean, typedGeneration?: number) => {
    clearTimeout(versionTimer);
    const { modelId, versionsMode, versionFilters, versionPages } = get().modelDetail;
    if (modelId === null || versionsMode !== 'server') return;
    // More after a failed page is its retry; not while the first page of a search is on its way.
    if (more && (versionPages.nextCursor === null || versionPages.loadingMore || versionPages.status === 'loading' || versionPages.rows.length === 0)) return;
    let generation = versionPages.generation;
    if (more) patchPages({ loadingMore: true });
    else if (typedGeneration === undefined || typedGeneration !== generation) {
      generation += 1;
      patchPages({ status: 'loading', error: null, loadingMore: false, generation });
    }
    const text = versionFilters.text.trim().slice(0, 200);
    const query: VersionListQuery & { model_id: string } = {
      model_id: modelId,
      limit: more ? VERSIONS_PAGE_SIZE : VERSIONS_QUERY_PAGE_SIZE,
      ...(text ? { q: text } : {}),
      ...(versionFilters.status ? { status: versionFilters.status } : {}),
      ...(more ? { cursor: versionPages.nextCursor! } : {}),
    };
    const page = await call((api) => api.models.versions(query));
    const now = get().modelDetail;
    if (now.modelId !== modelId || now.versionPages.generation !== generation) return;
    if (!page.ok) {
      // A failed first page leaves nothing of the previous search under the new filters.
      patchPages(more ? { loadingMore: false, status: 'error', error: page.error } : { rows: [], status: 'error', error: page.error, nextCursor: null });
      return;
    }
    const rows = more ? [...now.versionPages.rows, ...page.value.items] : keepUnchanged(now.versionPages.rows, page.value.items, (v) => v.version);
    patchPages({ rows, status: 'ready', error: null, loadingMore: false, nextCursor: page.value.next_cursor });
  };

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
      if (result.ok) {
        const server = result.value.versions.length > VERSIONS_LOCAL_LIMIT;
        // A large model's table pages from the BFF: no in-memory index is built for it.
        patch({ status: 'ready', data: result.value, versionsIndex: buildVersionsIndex(server ? [] : result.value.versions), versionsMode: server ? 'server' : 'local', error: null });
        if (server) void readVersions(false);
      } else patch({ status: 'error', error: result.error });
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

    setVersionFilters: (changes) => {
      const before = get().modelDetail.versionFilters;
      const versionFilters = { ...before, ...changes };
      patch({ versionFilters });
      if (get().modelDetail.versionsMode !== 'server') return;
      if (versionFilters.status !== before.status) return void readVersions(false);
      if (versionFilters.text.trim() === before.text.trim()) return;
      // Busy from the key on; one request once typing pauses.
      clearTimeout(versionTimer);
      const generation = get().modelDetail.versionPages.generation + 1;
      patchPages({ status: 'loading', error: null, loadingMore: false, generation });
      versionTimer = setTimeout(() => void readVersions(false, generation), VERSIONS_QUERY_DELAY_MS);
    },

    loadVersionPage: (options) => readVersions(options?.more === true),

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
    const { versionsMode, versionPages } = get().modelDetail;
    if (versionsMode === 'server') {
      patch({ data: { ...data, versions }, versionPages: { ...versionPages, rows: versionPages.rows.map((v) => (v.version === version.version ? version : v)) } });
      return;
    }
    patch({ data: { ...data, versions }, versionsIndex: buildVersionsIndex(versions) });
  }
};

// ---------------------------------------------------------------------------
// Selectors

let memo: { index: VersionsIndex; view: VersionsView } | null = null;

export function selectVisibleVersions(state: All): VersionsView['versions'] {
  const { versionsIndex, versionFilters, versionsMode, versionPages } = state.modelDetail;
  // The BFF already filtered and ordered them.
  if (versionsMode === 'server') return versionPages.rows;
  const last = memo?.index === versionsIndex ? memo.view : undefined;
  if (last && last.filters.text === versionFilters.text && last.filters.status === versionFilters.status) return last.versions;
  const view = filterVersions(versionsIndex, versionFilters, last);
  memo = { index: versionsIndex, view };
  return view.versions;
}
