// Where traffic for a model goes now, and what rollback would restore.
import { z } from 'zod';
import { ModelId, SemVer, Timestamp } from './primitives.js';
import { RolloutPlan } from './model.js';
import { DeploymentDispatch } from './serving.js';

export const Phase = z.enum(['idle', 'canary', 'rolling', 'complete', 'rolled_back']);
export type Phase = z.infer<typeof Phase>;

export const Deployment = z.strictObject({
  model_id: ModelId,
  stable_version: SemVer.nullable(),
  canary_version: SemVer.nullable(),
  /** Share of traffic on the canary, 0 when none is live. */
  canary_pct: z.number().int().min(0).max(100),
  phase: Phase,
  /** Bumped on every change; requests name the state they expect. */
  state_version: z.number().int().min(0),
  /** What rollback restores once a promotion has replaced the stable version. */
  previous_stable: SemVer.nullable(),
  plan: RolloutPlan,
  updated_at: Timestamp,
  /** What the serving layer was told and what it shows (README.md#connecting-your-serving-layer). */
  dispatch: DeploymentDispatch,
});
export type Deployment = z.infer<typeof Deployment>;
/** A deployment's approved state alone: what the rollout machine computes and storage writes (dispatch is observed, not planned). */
export type DeploymentState = Omit<Deployment, 'dispatch'>;

export const RoutingEntry = z.strictObject({
  model_id: ModelId,
  stable: SemVer.nullable(),
  canary: SemVer.nullable(),
  canary_pct: z.number().int().min(0).max(100),
  salt: z.string().min(1).max(64),
});
export type RoutingEntry = z.infer<typeof RoutingEntry>;
