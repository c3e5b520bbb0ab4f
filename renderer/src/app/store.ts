// The one store of the renderer, combined from feature slices (zustand's slices
// pattern). Components read it through narrow selectors; stores talk to window.modelOps.
import { create, type StateCreator } from 'zustand';
import type { Deployment } from '../../../shared/domain/deployment.js';
import { createNavSlice, type NavSlice } from './nav-slice.js';
import { createToastSlice, type ToastSlice } from './toast-slice.js';
import { createSessionSlice, type SessionSlice } from '../features/session/session-slice.js';
import { createConnectionSlice, type ConnectionSlice } from '../features/connection/connection-slice.js';
import { createRegistrySlice, initialRegistryState, type RegistrySlice } from '../features/registry/registry-slice.js';
import { createModelDetailSlice, initialModelDetailState, type ModelDetailSlice } from '../features/model-detail/model-detail-slice.js';
import { createEvalsSlice, initialEvalsState, type EvalsSlice } from '../features/evals/evals-slice.js';
import { createRolloutSlice, initialRolloutState, type RolloutSlice } from '../features/rollout/rollout-slice.js';
import { createApprovalsSlice, initialApprovalsState, type ApprovalsSlice } from '../features/approvals/approvals-slice.js';
import { createRegisterSlice, initialRegisterState, type RegisterSlice } from '../features/register-version/register-slice.js';
import { createAuditSlice, initialAuditState, type AuditSlice } from '../features/audit/audit-slice.js';
import { createReportsSlice, type ReportsSlice } from '../features/reports/reports-slice.js';
import { createServingSlice, initialServingState, type ServingSlice } from '../features/serving/serving-slice.js';

type DataSlice = {
  /** Forgets every screen's data (sign-out, or a different user signing in). */
  resetFeatureData: () => void;
  /** A deployment moved (our own rollback or approval, or a pushed event): every screen that shows it follows. */
  deploymentChanged: (deployment: Deployment) => void;
};

export type All = NavSlice &
  ToastSlice &
  SessionSlice &
  ConnectionSlice &
  RegistrySlice &
  ModelDetailSlice &
  EvalsSlice &
  RolloutSlice &
  ApprovalsSlice &
  RegisterSlice &
  AuditSlice &
  ReportsSlice &
  ServingSlice &
  DataSlice;

const createDataSlice: StateCreator<All, [], [], DataSlice> = (set, get) => ({
  deploymentChanged: (deployment) => {
    get().modelDeploymentChanged(deployment);
    get().registryDeploymentChanged(deployment);
  },
  // Opened report files stay: they are local files, not this user's view of the BFF.
  resetFeatureData: () =>
    set({
      registry: initialRegistryState(),
      modelDetail: initialModelDetailState(),
      evals: initialEvalsState(),
      rollout: initialRolloutState(),
      approvals: initialApprovalsState(),
      register: initialRegisterState(),
      audit: initialAuditState(),
      serving: initialServingState(),
      pendingApprovalCount: 0,
    }),
});

export const createAppStore = () =>
  create<All>()((...a) => ({
    ...createNavSlice(...a),
    ...createToastSlice(...a),
    ...createSessionSlice(...a),
    ...createConnectionSlice(...a),
    ...createRegistrySlice(...a),
    ...createModelDetailSlice(...a),
    ...createEvalsSlice(...a),
    ...createRolloutSlice(...a),
    ...createApprovalsSlice(...a),
    ...createRegisterSlice(...a),
    ...createAuditSlice(...a),
    ...createReportsSlice(...a),
    ...createServingSlice(...a),
    ...createDataSlice(...a),
  }));

export const useStore = createAppStore();
