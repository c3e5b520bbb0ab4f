// Registry endpoints: models, versions, eval runs, deployments.
import { z } from 'zod';
import { FreeText, ModelId, PageLimit, SemVer } from '../domain/primitives.js';
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

/**
 * A keyset cursor of a sorted list: it carries the last row's sort values
 * (a lower-cased name can take 360 bytes), so it may be longer than `Cursor`.
 */
export const SortedListCursor = z.string().max(1024).regex(/^[A-Za-z0-9_-]+$/, 'not a cursor returned by this server');

export const ModelListQuery = z.strictObject({
  type: ModelType.optional(),
  /** Models having at least one version in this status. */
  status: VersionStatus.optional(),
  /** Words, each found (case-insensitively, in any order) in what shared/logic/model-search.ts modelSearchText reads. */
  q: FreeText(200).optional(),
  /** Server-side order of the list (issue 12); name ascending when omitted. */
  sort: ModelSortKey.optional(),
  order: SortOrder.optional(),
  /** From the previous page's next_cursor, with the same filters, sort and order. */
  cursor: SortedListCursor.optional(),
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

/** GET /admin/model-types: every model type in the registry with its count of models, by type. */
export const ModelTypeCount = z.strictObject({ type: ModelType, count: z.number().int().min(1) });
export type ModelTypeCount = z.infer<typeof ModelTypeCount>;
export const ModelTypeListResponse = z.strictObject({ items: z.array(ModelTypeCount) });
export type ModelTypeListResponse = z.infer<typeof ModelTypeListResponse>;

export const ModelDetailResponse = z.strictObject({
  model: Model,
  versions: z.array(ModelVersion),
  deployment: Deployment,
});
export type ModelDetailResponse = z.infer<typeof ModelDetailResponse>;

/** A model's versions: `version` is semver precedence (newest first with desc), `created` registration order. */
export const VersionSortKey = z.enum(['version', 'created']);
export type VersionSortKey = z.infer<typeof VersionSortKey>;

/** GET /admin/models/{model_id}/versions (issue 12): one page, filtered and sorted by the server. */
export const VersionListQuery = z.strictObject({
  /** Words, each found (case-insensitively, in any order) in what shared/logic/model-search.ts versionSearchText reads. */
  q: FreeText(200).optional(),
  status: VersionStatus.optional(),
  /** version descending when omitted (newest first, as the console shows them). */
  sort: VersionSortKey.optional(),
  order: SortOrder.optional(),
  cursor: SortedListCursor.optional(),
  limit: PageLimit,
});
export type VersionListQuery = z.infer<typeof VersionListQuery>;

export const VersionListResponse = z.strictObject({
  items: z.array(ModelVersion),
  next_cursor: z.string().nullable(),
});
export type VersionListResponse = z.infer<typeof VersionListResponse>;

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
