// The serving target of the model on screen (where its traffic is steered) and
// the operator's "Retry dispatch". The dispatch status itself travels on the
// deployment (model reads and the deployment.* events), in the model-detail slice.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { Serving } from '../../../../shared/domain/serving.js';
import { call, type IpcError } from '../../lib/model-ops.js';

export type ServingSlice = {
  serving: {
    modelId: string | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    data: Serving | null;
    retry: { modelId: string | null; status: 'idle' | 'submitting' | 'done' | 'error'; error: IpcError | null };
  };
  /** Reads the target; a re-read of the model on screen stays quiet (the last answer stays up meanwhile). */
  loadServing: (modelId: string) => Promise<void>;
  retryDispatch: (modelId: string) => Promise<boolean>;
  resetRetryDispatch: () => void;
};

export const initialServingState = (): ServingSlice['serving'] => ({
  modelId: null,
  status: 'idle',
  error: null,
  data: null,
  retry: { modelId: null, status: 'idle', error: null },
});

export const createServingSlice: StateCreator<All, [], [], ServingSlice> = (set, get) => {
  const patch = slicePatch(set, 'serving');

  return {
    serving: initialServingState(),

    loadServing: async (modelId) => {
      const current = get().serving;
      const same = current.modelId === modelId;
      // An admin may have changed the target since it was read: every new view of the model re-reads it.
      if (same && current.status === 'loading') return;
      // Another model: forget the last one's target and retry outcome at once, so they are never shown for this one.
      if (!same) patch({ ...initialServingState(), modelId, status: 'loading' });
      else patch(current.data ? { error: null } : { status: 'loading', error: null });
      const result = await call((api) => api.serving.get({ model_id: modelId }));
      if (get().serving.modelId !== modelId) return;
      if (result.ok) patch({ status: 'ready', data: result.value.serving, error: null });
      else patch({ status: 'error', error: result.error });
    },

    retryDispatch: async (modelId) => {
      patch({ retry: { modelId, status: 'submitting', error: null } });
      const result = await call((api) => api.serving.retryDispatch({ model_id: modelId }));
      if (get().serving.retry.modelId !== modelId) return false;
      if (!result.ok) {
        patch({ retry: { modelId, status: 'error', error: result.error } });
        return false;
      }
      patch({ retry: { modelId, status: 'done', error: null } });
      get().modelDispatchChanged(result.value.deployment);
      return true;
    },

    resetRetryDispatch: () => patch({ retry: { modelId: null, status: 'idle', error: null } }),
  };
};
