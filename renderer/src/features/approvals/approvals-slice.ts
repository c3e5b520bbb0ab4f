// The approvals inbox: requests, the one being reviewed (with its target
// version, to explain separation of duties) and the decision in progress. The
// approval carries the intent digest of the request exactly as it was shown.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { ChangeRequest } from '../../../../shared/domain/change-request.js';
import type { Deployment } from '../../../../shared/domain/deployment.js';
import type { ModelVersion } from '../../../../shared/domain/model.js';
import type { StepUpCredentials } from '../../../../shared/ipc/contract.js';
import { intentDigest, intentOf } from '../../../../shared/logic/intent.js';
import { call, type IpcError, type IpcResult } from '../../lib/model-ops.js';
import { isReauthError, stepUpOf } from '../session/step-up.js';

export type ApprovalsFilter = 'pending' | 'all';
export type DecisionKind = 'approve' | 'reject';

export type Decision = {
  kind: DecisionKind;
  stage: 'compose' | 'reauth' | 'submitting';
  comment: string;
  problem: string | null;
  error: IpcError | null;
};

export type ApprovalsSlice = {
  approvals: {
    filter: ApprovalsFilter;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    items: ChangeRequest[];
    nextCursor: string | null;
    loadingMore: boolean;
    selectedId: string | null;
    detail: {
      status: 'idle' | 'loading' | 'ready' | 'error';
      error: IpcError | null;
      request: ChangeRequest | null;
      /** The version the request would roll out (registrant, checksum); null until loaded or when unavailable. */
      target: ModelVersion | null;
      /** Digest of the request as shown, computed here; compared with the BFF's. */
      shownDigest: string | null;
    };
    decision: Decision | null;
  };
  loadApprovals: (options?: { force?: boolean }) => Promise<void>;
  loadMoreApprovals: () => Promise<void>;
  setApprovalsFilter: (filter: ApprovalsFilter) => void;
  selectRequest: (requestId: string | null) => Promise<void>;
  startDecision: (kind: DecisionKind) => void;
  setDecisionComment: (comment: string) => void;
  decisionToReauth: () => boolean;
  backToCompose: () => void;
  submitDecision: (credentials: StepUpCredentials) => Promise<boolean>;
  closeDecision: () => void;
  /** A request changed (event, or our own cancel): update list and detail. */
  approvalRequestChanged: (request: ChangeRequest) => void;
};

export const initialApprovalsState = (): ApprovalsSlice['approvals'] => ({
  filter: 'pending',
  status: 'idle',
  error: null,
  items: [],
  nextCursor: null,
  loadingMore: false,
  selectedId: null,
  detail: { status: 'idle', error: null, request: null, target: null, shownDigest: null },
  decision: null,
});

const PAGE = 50;

export const createApprovalsSlice: StateCreator<All, [], [], ApprovalsSlice> = (set, get) => {
  const patch = slicePatch(set, 'approvals');
  const patchDetail = (changes: Partial<ApprovalsSlice['approvals']['detail']>) =>
    patch({ detail: { ...get().approvals.detail, ...changes } });
  const patchDecision = (changes: Partial<Decision>) => {
    const decision = get().approvals.decision;
    if (decision) patch({ decision: { ...decision, ...changes } });
  };
  const query = (filter: ApprovalsFilter) => (filter === 'pending' ? { status: 'pending' as const } : {});

  const showRequest = async (request: ChangeRequest) => {
    patchDetail({ status: 'ready', error: null, request, shownDigest: null });
    const digest = await intentDigest(intentOf(request));
    if (get().approvals.detail.request === request) patchDetail({ shownDigest: digest });
  };

  const loadTarget = async (request: ChangeRequest) => {
    const result = await call((api) => api.models.get({ model_id: request.model_id }));
    if (get().approvals.selectedId !== request.id || !result.ok) return;
    patchDetail({ target: result.value.versions.find((v) => v.version === request.target_version) ?? null });
  };

  return {
    approvals: initialApprovalsState(),

    loadApprovals: async (options) => {
      const current = get().approvals;
      // Opening the inbox again re-reads it quietly; only an in-flight read is not repeated.
      if (!options?.force && current.status === 'loading') return;
      const filter = current.filter;
      patch(current.status === 'ready' ? { error: null } : { status: 'loading', error: null });
      const result = await call((api) => api.approvals.list({ ...query(filter), limit: PAGE }));
      if (get().approvals.filter !== filter) return;
      if (result.ok) patch({ status: 'ready', items: result.value.items, nextCursor: result.value.next_cursor });
      else patch({ status: 'error', error: result.error });
    },

    loadMoreApprovals: async () => {
      const { nextCursor, filter, loadingMore } = get().approvals;
      if (nextCursor === null || loadingMore) return;
      patch({ loadingMore: true });
      const result = await call((api) => api.approvals.list({ ...query(filter), cursor: nextCursor, limit: PAGE }));
      if (get().approvals.filter !== filter) return;
      if (result.ok) {
        const known = new Set(get().approvals.items.map((item) => item.id));
        patch({
          loadingMore: false,
          items: [...get().approvals.items, ...result.value.items.filter((item) => !known.has(item.id))],
          nextCursor: result.value.next_cursor,
        });
      } else patch({ loadingMore: false, error: result.error });
    },

    setApprovalsFilter: (filter) => {
      if (filter === get().approvals.filter) return;
      patch({ filter, status: 'idle', items: [], nextCursor: null });
      void get().loadApprovals();
    },

    selectRequest: async (requestId) => {
      if (requestId === null) {
        patch({ selectedId: null, decision: null, detail: initialApprovalsState().detail });
        return;
      }
      if (get().approvals.selectedId === requestId && get().approvals.detail.status === 'ready') return;
      const cached = get().approvals.items.find((item) => item.id === requestId) ?? null;
      patch({ selectedId: requestId, decision: null, detail: { ...initialApprovalsState().detail, status: cached ? 'ready' : 'loading', request: cached } });
      // The cached copy shows at once (showRequest patches before it awaits the digest).
      const digesting = cached ? showRequest(cached) : Promise.resolve();
      // Always re-read: a notification may point at a request that changed since the list was loaded.
      const result = await call((api) => api.approvals.get({ request_id: requestId }));
      await digesting;
      if (get().approvals.selectedId !== requestId) return;
      if (!result.ok) {
        patchDetail({ status: 'error', error: result.error });
        return;
      }
      const fresh = result.value.request;
      if (!cached || JSON.stringify(cached) !== JSON.stringify(fresh)) await showRequest(fresh);
      upsert(fresh);
      await loadTarget(fresh);
    },

    startDecision: (kind) => patch({ decision: { kind, stage: 'compose', comment: '', problem: null, error: null } }),

    setDecisionComment: (comment) => patchDecision({ comment, problem: null }),

    decisionToReauth: () => {
      const decision = get().approvals.decision;
      if (!decision) return false;
      if (decision.kind === 'reject' && decision.comment.trim() === '') {
        patchDecision({ problem: 'Say why you reject it: the requester reads this.' });
        return false;
      }
      patchDecision({ stage: 'reauth', problem: null, error: null });
      return true;
    },

    backToCompose: () => patchDecision({ stage: 'compose', error: null }),

    submitDecision: async (credentials) => {
      const { decision, detail } = get().approvals;
      const request = detail.request;
      if (!decision || !request) return false;
      patchDecision({ stage: 'submitting', error: null });
      const step_up = stepUpOf(credentials);
      const comment = decision.comment.trim();

      let outcome: IpcResult<{ request: ChangeRequest; deployment?: Deployment }>;
      if (decision.kind === 'approve') {
        // The digest of what this screen showed, not the BFF's copy: a change in between must fail.
        const intent_digest = await intentDigest(intentOf(request));
        outcome = await call((api) =>
          api.approvals.approve({ request_id: request.id, intent_digest, ...(comment ? { comment } : {}), step_up }),
        );
      } else {
        outcome = await call((api) => api.approvals.reject({ request_id: request.id, comment, step_up }));
      }

      if (!outcome.ok) {
        const error = outcome.error;
        patchDecision({ stage: isReauthError(error) ? 'reauth' : 'compose', error });
        if (['intent_changed', 'stale_state', 'request_not_pending', 'request_expired', 'already_decided'].includes(error.code)) {
          // Show what the request is now; the decision dialog keeps the error until closed.
          const fresh = await call((api) => api.approvals.get({ request_id: request.id }));
          if (fresh.ok) {
            await showRequest(fresh.value.request);
            upsert(fresh.value.request);
          }
        }
        return false;
      }

      const decided = outcome.value.request;
      patch({ decision: null });
      await showRequest(decided);
      upsert(decided);
      const deployment = outcome.value.deployment;
      if (deployment) get().deploymentChanged(deployment);
      get().pushToast({
        tone: 'success',
        title: decision.kind === 'approve' ? (decided.status === 'dispatched' ? 'Approved and dispatched' : 'Approval recorded') : 'Request rejected',
        detail: `${decided.model_id} ${decided.target_version}`,
      });
      return true;
    },

    closeDecision: () => {
      if (get().approvals.decision?.stage !== 'submitting') patch({ decision: null });
    },

    approvalRequestChanged: (request) => {
      upsert(request);
      if (get().approvals.selectedId === request.id && get().approvals.decision?.stage !== 'submitting') void showRequest(request);
    },
  };

  /** Puts `request` into the list (or takes it out of the pending view once decided). */
  function upsert(request: ChangeRequest): void {
    const { items, filter, status } = get().approvals;
    if (status !== 'ready') return;
    const at = items.findIndex((item) => item.id === request.id);
    const belongs = filter === 'all' || request.status === 'pending';
    if (at >= 0) {
      const next = items.slice();
      if (belongs) next[at] = request;
      else next.splice(at, 1);
      patch({ items: next });
    } else if (belongs) {
      patch({ items: [request, ...items] });
    }
  }
};
