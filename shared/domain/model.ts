// Registered models, their versions and per-model policy.
import { z } from 'zod';
import { BoundedJsonObject, CalendarDate, FreeText, ModelId, SemVer, Sha256Hex, Timestamp, Username } from './primitives.js';
import { GatePolicy } from './gate.js';

/** The set is open: known types get a default gate policy; others start ungated until an admin sets one. */
export const ModelType = z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'must be an upper-case type such as LTR or RERANKER');
export type ModelType = z.infer<typeof ModelType>;

export const Tag = z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,39}$/, 'tags are lowercase words (a-z 0-9 : . _ -)');

export const RolloutPlan = z
  .array(z.number().int().min(1).max(100))
  .min(1)
  .max(10)
  .refine((steps) => steps.every((step, i) => i === 0 || step > steps[i - 1]!), 'steps must increase')
  .refine((steps) => steps[steps.length - 1] === 100, 'the last step must be 100');
export type RolloutPlan = z.infer<typeof RolloutPlan>;
export const DEFAULT_ROLLOUT_PLAN: RolloutPlan = [5, 25, 50, 100];

/** What the BFF enforces for one model; absent fields take the defaults below. */
export const ModelPolicy = z.strictObject({
  gate: GatePolicy.optional(),
  rollout_plan: RolloutPlan.optional(),
  required_approvals: z.number().int().min(1).max(5).optional(),
  request_ttl_seconds: z.number().int().min(60).max(7 * 24 * 3600).optional(),
  /** Status the replaced stable version takes when a canary is promoted. */
  demote_previous_to: z.enum(['candidate', 'deprecated']).optional(),
});
export type ModelPolicy = z.infer<typeof ModelPolicy>;

export const DEFAULT_REQUIRED_APPROVALS = 1;
export const DEFAULT_REQUEST_TTL_SECONDS = 3600;

export const Model = z.strictObject({
  id: ModelId,
  name: FreeText(120).min(1),
  type: ModelType,
  owner: FreeText(120).min(1),
  description: FreeText(4000),
  tags: z.array(Tag).max(32),
  policy: ModelPolicy,
  created_at: Timestamp,
});
export type Model = z.infer<typeof Model>;

export const VersionStatus = z.enum(['active', 'candidate', 'deprecated']);
export type VersionStatus = z.infer<typeof VersionStatus>;

/** Schemes the registry accepts; anything else (javascript:, data:, http:) is refused. */
export const ARTIFACT_SCHEMES = ['s3', 'gs', 'hf', 'file', 'mlflow-artifacts', 'dvc', 'https', 'abfss', 'oci', 'models'] as const;
// The allow-list is in the pattern itself, so the OpenAPI document (and any tool reading it) carries it too.
const ARTIFACT_URI_PATTERN = new RegExp(`^(?:${ARTIFACT_SCHEMES.map((scheme) => scheme.replace(/[.+]/g, '\\$&')).join('|')}):\\S+$`);
export const ArtifactUri = z
  .string()
  .max(2048)
  .regex(ARTIFACT_URI_PATTERN, `scheme must be one of ${ARTIFACT_SCHEMES.join(', ')} (a URI such as s3://bucket/key)`);

export const Runtime = z.strictObject({
  device: z.enum(['cpu', 'gpu']),
  max_batch: z.number().int().min(1).max(1_000_000).optional(),
  max_len: z.number().int().min(1).max(10_000_000).optional(),
});
export type Runtime = z.infer<typeof Runtime>;

export const ExportFormat = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/, 'e.g. onnx, torchscript, savedmodel');
export const METADATA_MAX_BYTES = 256 * 1024;

/** What a client sends to register a version; the server adds the rest. */
export const VersionRegistration = z.strictObject({
  version: SemVer,
  artifact_uri: ArtifactUri,
  checksum: Sha256Hex,
  runtime: Runtime,
  framework: FreeText(64).min(1),
  export_format: ExportFormat,
  release_notes: FreeText(20_000).default(''),
  supported_until: CalendarDate.optional(),
  metadata: BoundedJsonObject(METADATA_MAX_BYTES).default({}),
});
export type VersionRegistration = z.infer<typeof VersionRegistration>;

export const ModelVersion = z.strictObject({
  ...VersionRegistration.shape,
  model_id: ModelId,
  release_notes: z.string(),
  // No depth bound when reading: rows stored before the bound existed stay readable.
  metadata: BoundedJsonObject(METADATA_MAX_BYTES, Number.POSITIVE_INFINITY),
  status: VersionStatus,
  created_at: Timestamp,
  created_by: Username,
  deprecated_reason: z.string().optional(),
});
export type ModelVersion = z.infer<typeof ModelVersion>;
