// Rollout controls of one model: the request being prepared (confirm ->
// re-authenticate -> submit) and the pending request waiting for an approver.
// The password goes straight from the dialog to window.modelOps; it is never stored.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { ChangeRequest, RolloutAction } from '../../../../shared/domain/change-request.js';
import type { StepUpCredentials } from '../../../../shared/ipc/contract.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import { isReauthError, stepUpOf } from '../session/step-up.js';
import { ACTION_LABEL, needsOverride, planAction, rolloutRequestOf } from './rollout-plan.js';

export type RolloutStage = 'confirm' | 'reauth' | 'submitting';

export type RolloutFlow = {
  stage: RolloutStage;
  action: RolloutAction;
  /** The version chosen for start_canary / a first promote; null for actions whose target is fixed. */
  version: string | null;
  justification: string;
  /** The user acknowledged the failed (or missing) gate and asks for an override. */
  override: boolean;
  /** Why the confirm step cannot continue yet (shown beside the field). */
  problem: string | null;
  error: IpcError | null;
};

export type RolloutSlice = {
  rollout: {
    modelId: string | null;
    pending: { status: 'idle' | 'loading' | 'ready' | 'error'; error: IpcError | null; request: ChangeRequest | null };
    flow: RolloutFlow | null;
    cancel: { status: 'idle' | 'submitting' | 'error'; error: IpcError | null };
  };
  loadRolloutPending: (modelId: string) => Promise<void>;
  openRolloutAction: (action: RolloutAction, version: string | null) => void;
  updateRolloutDraft: (patch: Partial<Pick<RolloutFlow, 'justification' | 'override' | 'version'>>) => void;
  continueToReauth: () => boolean;
  backToConfirm: () => void;
  submitRollout: (credentials: StepUpCredentials) => Promise<boolean>;
  closeRolloutFlow: () => void;
  cancelPendingRequest: (comment?: string) => Promise<boolean>;
  /** A request event: keep the pending card in step with the BFF. */
  rolloutRequestChanged: (request: ChangeRequest) => void;
};

export const initialRolloutState = (): RolloutSlice['rollout'] => ({
  modelId: null,
  pending: { status: 'idle', error: null, request: null },
  flow: null,
  cancel: { status: 'idle', error: null },
});

export const createRolloutSlice: StateCreator<All, [], [], RolloutSlice> = (set, get) => {
  const patch = slicePatch(set, 'rollout');
  const patchFlow = (changes: Partial<RolloutFlow>) => {
    const flow = get().rollout.flow;
    if (flow) patch({ flow: { ...flow, ...changes } });
  };

  /** The plan of the flow against the deployment and runs on screen now. */
  const currentPlan = () => {
    const flow = get().rollout.flow;
    const deployment = get().modelDetail.data?.deployment;
    if (!flow || !deployment) return null;
    return planAction(deployment, get().evals.runs, flow.action, flow.version);
  };

  return {
    rollout: initialRolloutState(),

    loadRolloutPending: async (modelId) => {
      const same = get().rollout.modelId === modelId;
      if (!same) patch({ ...initialRolloutState(), modelId });
      patch({ pending: { ...get().rollout.pending, status: 'loading', error: null } });
      const result = await call((api) => api.approvals.list({ model_id: modelId, status: 'pending', limit: 5 }));
      if (get().rollout.modelId !== modelId) return;
      patch({
        pending: result.ok
          ? { status: 'ready', error: null, request: result.value.items[0] ?? null }
          : { status: 'error', error: result.error, request: null },
      });
    },

    openRolloutAction: (action, version) =>
      patch({ flow: { stage: 'confirm', action, version, justification: '', override: false, problem: null, error: null } }),

    updateRolloutDraft: (changes) => patchFlow({ ...changes, problem: null }),

    continueToReauth: () => {
      const flow = get().rollout.flow;
      const planned = currentPlan();
      if (!flow || !planned) return false;
      if (!planned.ok) {
        patchFlow({ problem: planned.message });
        return false;
      }
      if (flow.justification.trim().length < 3) {
        patchFlow({ problem: 'Say why (at least 3 characters): approvers and the audit log read it.' });
        return false;
      }
      if (needsOverride(planned.plan.gate) && !flow.override) {
        patchFlow({ problem: 'The gate did not pass. Tick the override to request this anyway.' });
        return false;
      }
      patchFlow({ stage: 'reauth', problem: null, error: null });
      return true;
    },

    backToConfirm: () => patchFlow({ stage: 'confirm', error: null }),

    submitRollout: async (credentials) => {
      const flow = get().rollout.flow;
      const modelId = get().rollout.modelId ?? get().modelDetail.modelId;
      const deployment = get().modelDetail.data?.deployment;
      const planned = currentPlan();
      if (!flow || !modelId || !deployment || !planned?.ok) return false;
      patchFlow({ stage: 'submitting', error: null });
      const step_up = stepUpOf(credentials);

      if (flow.action === 'rollback') {
        const result = await call((api) => api.rollout.rollback({ model_id: modelId, justification: flow.justification.trim(), step_up }));
        if (!result.ok) return failed(result.error);
        patch({ flow: null });
        get().deploymentChanged(result.value.deployment);
        get().pushToast({ tone: 'success', title: `Rolled back ${modelId}`, detail: `All traffic now goes to ${planned.plan.targetVersion}.` });
        void get().loadRolloutPending(modelId);
        return true;
      }

      const rollout = rolloutRequestOf(planned.plan, deployment, flow.justification, flow.override);
      const result = await call((api) => api.rollout.request({ model_id: modelId, rollout, step_up }));
      if (!result.ok) return failed(result.error);
      patch({ flow: null, pending: { status: 'ready', error: null, request: result.value.request } });
      get().pushToast({
        tone: 'success',
        title: `${ACTION_LABEL[flow.action]} requested`,
        detail: 'Nothing changes until another approver approves it.',
      });
      void get().loadModelHistory(modelId);
      return true;

      function failed(error: IpcError): false {
        patchFlow({ stage: isReauthError(error) ? 'reauth' : 'confirm', error });
        // The deployment moved under us: show the new state so the user can decide again.
        if (error.code === 'stale_state' || error.code === 'illegal_transition' || error.code === 'conflict') {
          void get().loadModel(modelId!, { force: true });
          void get().loadRolloutPending(modelId!);
        }
        return false;
      }
    },

    closeRolloutFlow: () => {
      if (get().rollout.flow?.stage !== 'submitting') patch({ flow: null });
    },

    cancelPendingRequest: async (comment) => {
      const request = get().rollout.pending.request;
      if (!request) return false;
      patch({ cancel: { status: 'submitting', error: null } });
      const trimmed = comment?.trim();
      const result = await call((api) => api.approvals.cancel({ request_id: request.id, ...(trimmed ? { comment: trimmed } : {}) }));
      if (!result.ok) {
        patch({ cancel: { status: 'error', error: result.error } });
        return false;
      }
      patch({ cancel: { status: 'idle', error: null }, pending: { status: 'ready', error: null, request: null } });
      get().approvalRequestChanged(result.value.request);
      get().pushToast({ tone: 'info', title: 'Request cancelled' });
      return true;
    },

    rolloutRequestChanged: (request) => {
      const { modelId, pending } = get().rollout;
      if (modelId !== request.model_id) return;
      if (request.status === 'pending') patch({ pending: { status: 'ready', error: null, request } });
      else if (pending.request?.id === request.id) patch({ pending: { status: 'ready', error: null, request: null } });
    },
  };
};
