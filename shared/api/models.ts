// Registry endpoints: models, versions, eval runs, deployments.
import { z } from 'zod';
import { Cursor, FreeText, ModelId, PageLimit, SemVer } from '../domain/primitives.js';
import { Model, ModelPolicy, ModelType, Tag, VersionRegistration, VersionStatus, ModelVersion } from '../domain/model.js';
import { Deployment, Phase } from '../domain/deployment.js';
import { DeploymentDispatch } from '../domain/serving.js';
import { EvalRunReport, EvalRunResult } from '../domain/eval-run.js';
import { PolicyChange, PolicyChangeId, PolicyChangeStatus } from '../domain/policy-change.js';
import { MetricName } from '../domain/gate.js';

export const ModelParams = z.strictObject({ model_id: ModelId });
export const VersionParams = z.strictObject({ model_id: ModelId, version: SemVer });

export const ModelSortKey = z.enum(['name', 'updated', 'type', 'last_gate']);
export type ModelSortKey = z.infer<typeof ModelSortKey>;
export const SortOrder = z.enum(['asc', 'desc']);
export type SortOrder = z.infer<typeof SortOrder>;

export const ModelListQuery = z.strictObject({
  type: ModelType.optional(),
  /** Models having at least one version in this status. */
  status: VersionStatus.optional(),
  q: FreeText(200).optional(),
  /** Server-side order of the list (issue 12); name ascending when omitted. */
  sort: ModelSortKey.optional(),
  order: SortOrder.optional(),
  cursor: Cursor.optional(),
  limit: PageLimit,
});
export type ModelListQuery = z.infer<typeof ModelListQuery>;

export const LastGate = z.strictObject({
  run_id: z.string(),
  version: SemVer,
  passed: z.boolean(),
  failed_metrics: z.array(MetricName),
  finished_at: z.string(),
});

/** One registry row: enough to render the list without a second request. */
export const ModelSummary = z.strictObject({
  model: Model,
  active_version: SemVer.nullable(),
  candidate_versions: z.array(SemVer),
  version_count: z.number().int().min(0),
  deployment: z.strictObject({
    phase: Phase,
    stable_version: SemVer.nullable(),
    canary_version: SemVer.nullable(),
    canary_pct: z.number().int(),
    /** The serving layer's status (README.md#connecting-your-serving-layer); the detail read has the same object. */
    dispatch: DeploymentDispatch.optional(),
  }),
  last_gate: LastGate.nullable(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelListResponse = z.strictObject({
  items: z.array(ModelSummary),
  next_cursor: z.string().nullable(),
});
export type ModelListResponse = z.infer<typeof ModelListResponse>;

export const ModelDetailResponse = z.strictObject({
  model: Model,
  versions: z.array(ModelVersion),
  deployment: Deployment,
});
export type ModelDetailResponse = z.infer<typeof ModelDetailResponse>;

export const CreateModelRequest = z.strictObject({
  id: ModelId,
  name: FreeText(120).min(1),
  type: ModelType,
  owner: FreeText(120).min(1),
  description: FreeText(4000).default(''),
  tags: z.array(Tag).max(32).default([]),
  policy: ModelPolicy.default({}),
});
export type CreateModelRequest = z.infer<typeof CreateModelRequest>;
export const ModelResponse = z.strictObject({ model: Model });

export const UpdatePolicyRequest = z.strictObject({ policy: ModelPolicy });
/** 202: the edit loosens the policy and waits for a second admin (POST /admin/policy-changes/{id}/approve). */
export const PolicyChangeResponse = z.strictObject({ policy_change: PolicyChange });
export const PolicyChangeParams = z.strictObject({ change_id: PolicyChangeId });
export const PolicyChangeListQuery = z.strictObject({ status: PolicyChangeStatus.optional() });
export const PolicyChangeListResponse = z.strictObject({ items: z.array(PolicyChange) });
export const PolicyChangeDecisionResponse = z.strictObject({ policy_change: PolicyChange, model: Model });

export const RegisterVersionRequest = VersionRegistration;
export type RegisterVersionRequest = z.input<typeof RegisterVersionRequest>;
export const VersionResponse = z.strictObject({ version: ModelVersion });
export type VersionResponse = z.infer<typeof VersionResponse>;

export const DeprecateVersionRequest = z.strictObject({ reason: FreeText(2000).pipe(z.string().min(1, 'say why')) });

export const EvalRunRequest = EvalRunReport;
export type EvalRunRequest = z.input<typeof EvalRunRequest>;
export const EvalRunResponse = z.strictObject({ run: EvalRunResult });
export const EvalRunListQuery = z.strictObject({ version: SemVer.optional() });
export const EvalRunListResponse = z.strictObject({ items: z.array(EvalRunResult) });
export type EvalRunListResponse = z.infer<typeof EvalRunListResponse>;
