// Demo data for local mode and `--seed-demo`: users, realistic models,
// versions, eval runs and deployments, written once into an empty registry,
// with the audit trail a real history leaves (versions registered, eval runs
// reported, every rollout step requested, approved and dispatched).
// Deterministic: every id, checksum and salt derives from names, every time from `now`.
// bert-sentiment comes from resources/demo/bert-sentiment.json (its versions'
// metadata.json as training jobs write it); the others are declared below.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import bertSentimentFile from '../../../resources/demo/bert-sentiment.json' with { type: 'json' };
import { effectiveGatePolicy, evaluateGate } from '../../../shared/logic/gate.js';
import { MetricMap as MetricMapSchema } from '../../../shared/domain/eval-run.js';
import type { DeploymentState } from '../../../shared/domain/deployment.js';
import type { EvalRun, MetricMap } from '../../../shared/domain/eval-run.js';
import { DEFAULT_ROLLOUT_PLAN, type Model, type ModelPolicy, type ModelVersion, type Runtime } from '../../../shared/domain/model.js';
import type { JsonValue } from '../../../shared/domain/primitives.js';
import { serviceActor } from '../../../shared/domain/user.js';
import { appendAudit, appendAuditBatch, type NewAuditEntry } from '../store/audit-log.js';
import { insertDeployment, replaceDeployment } from '../store/deployments.js';
import { insertEvalRun } from '../store/eval-runs.js';
import { countModels, insertModel } from '../store/models.js';
import { createUser, findUserByUsername } from '../store/users.js';
import { DEMO_USERS, demoPassword } from './demo-users.js';
import { insertVersion } from '../store/versions.js';
import { insertServiceAccount } from '../store/service-accounts.js';
import type { PasswordCost } from '../services/passwords.js';
import { newId } from '../store/ids.js';
import type { Db } from '../store/database.js';
import { sha256Hex as sha256 } from '../services/sha256.js';

export { DEMO_USERS, demoPassword } from './demo-users.js';

/**
 * The demo's eval runner: every seeded run names it as its reporter. Its token
 * was never shown to anyone (only a hash of random bytes is stored); to post
 * runs, create your own account with `service-account create`.
 */
export const DEMO_EVAL_RUNNER = 'demo-eval-runner';



interface SeedVersion {
  version: string;
  status: ModelVersion['status'];
  daysAgo: number;
  by: string;
  artifactUri: string;
  framework: string;
  exportFormat: string;
  runtime: Runtime;
  releaseNotes: string;
  /** Headline offline metrics, repeated in the metadata as training reports carry them. */
  metrics: MetricMap;
  training: Record<string, JsonValue>;
  supportedUntil?: string;
  deprecatedReason?: string;
}

interface SeedRun {
  version: string;
  baseline: string;
  dataset: string;
  daysAgo: number;
  metrics: MetricMap;
  baselineMetrics: MetricMap;
}

/** How a version went live: each step of the plan requested, approved and dispatched. */
interface SeedRollout {
  version: string;
  daysAgo: number;
  requestedBy: string;
  approvedBy: string;
  justification: string;
}

interface SeedModel {
  id: string;
  name: string;
  type: string;
  owner: string;
  description: string;
  tags: string[];
  policy: ModelPolicy;
  daysAgo: number;
  versions: SeedVersion[];
  runs: SeedRun[];
  /** Live traffic after seeding; absent = nothing deployed. */
  deployment?: { stable: string; previousStable?: string };
  /** How it got there; derived from `deployment` when absent (previous stable, then stable). */
  rollouts?: SeedRollout[];
}

/** A demo model as a data file (resources/demo/*.json). */
const DemoModelFile = z.object({
  model: z.strictObject({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    owner: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    policy: z.record(z.string(), z.unknown()),
    days_ago: z.number(),
  }),
  versions: z.array(
    z.strictObject({
      status: z.enum(['active', 'candidate', 'deprecated']),
      days_ago: z.number(),
      by: z.string(),
      artifact_uri: z.string(),
      release_notes: z.string(),
      supported_until: z.string().optional(),
      deprecated_reason: z.string().optional(),
      /** The training job's metadata.json (ad-platform schema). */
      metadata: z.strictObject({
        model_name: z.string(),
        version: z.string(),
        framework: z.string(),
        export_format: z.string(),
        metrics: MetricMapSchema,
        training_config: z.record(z.string(), z.unknown()),
        deployment: z.strictObject({
          device: z.enum(['cpu', 'gpu']),
          max_batch: z.number().int().optional(),
          max_len: z.number().int().optional(),
          replicas: z.number().int().optional(),
        }),
      }),
    }),
  ),
  runs: z.array(
    z.strictObject({ version: z.string(), baseline: z.string(), dataset: z.string(), days_ago: z.number(), metrics: MetricMapSchema, baseline_metrics: MetricMapSchema }),
  ),
  rollouts: z.array(z.strictObject({ version: z.string(), days_ago: z.number(), requested_by: z.string(), approved_by: z.string(), justification: z.string() })),
});

function modelFromFile(json: unknown): SeedModel {
  const file = DemoModelFile.parse(json);
  const versions: SeedVersion[] = file.versions.map((entry) => {
    const { metadata } = entry;
    const { replicas: _replicas, ...runtime } = metadata.deployment;
    return {
      version: metadata.version,
      status: entry.status,
      daysAgo: entry.days_ago,
      by: entry.by,
      artifactUri: entry.artifact_uri,
      framework: metadata.framework,
      exportFormat: metadata.export_format,
      runtime,
      releaseNotes: entry.release_notes,
      metrics: metadata.metrics,
      training: metadata.training_config as Record<string, JsonValue>,
      ...(entry.supported_until === undefined ? {} : { supportedUntil: entry.supported_until }),
      ...(entry.deprecated_reason === undefined ? {} : { deprecatedReason: entry.deprecated_reason }),
    };
  });
  const live = file.rollouts.at(-1);
  const previous = file.rollouts.at(-2);
  return {
    id: file.model.id,
    name: file.model.name,
    type: file.model.type,
    owner: file.model.owner,
    description: file.model.description,
    tags: file.model.tags,
    policy: file.model.policy as ModelPolicy,
    daysAgo: file.model.days_ago,
    versions,
    runs: file.runs.map((run) => ({ version: run.version, baseline: run.baseline, dataset: run.dataset, daysAgo: run.days_ago, metrics: run.metrics, baselineMetrics: run.baseline_metrics })),
    ...(live ? { deployment: { stable: live.version, ...(previous ? { previousStable: previous.version } : {}) } } : {}),
    rollouts: file.rollouts.map((rollout) => ({
      version: rollout.version,
      daysAgo: rollout.days_ago,
      requestedBy: rollout.requested_by,
      approvedBy: rollout.approved_by,
      justification: rollout.justification,
    })),
  };
}

const EMBEDDING_RUNTIME: Runtime = { device: 'gpu', max_batch: 256, max_len: 512 };

const MODELS: SeedModel[] = [
  modelFromFile(bertSentimentFile),
  {
    id: 'fraud-detector',
    name: 'Card fraud detector',
    type: 'CLASSIFIER',
    owner: 'risk-ml',
    description: 'Gradient-boosted scorer for card-not-present transactions; scores feed the payments risk engine.',
    tags: ['risk', 'fraud', 'tabular', 'classifier'],
    policy: { required_approvals: 1, demote_previous_to: 'deprecated' },
    daysAgo: 90,
    versions: [
      {
        version: '1.0.0',
        status: 'active',
        daysAgo: 80,
        by: 'ravi',
        artifactUri: 's3://acme-ml-models/fraud-detector/1.0.0/model.txt',
        framework: 'lightgbm',
        exportFormat: 'lightgbm-text',
        runtime: { device: 'cpu', max_batch: 4096 },
        releaseNotes: 'Initial release: 412 features, trained on 18 months of labelled transactions.',
        metrics: { accuracy: 0.991, f1: 0.874, auc_roc: 0.972, latency_p99_ms: 8 },
        training: { objective: 'binary', num_leaves: 255, learning_rate: 0.05, num_boost_round: 1800, feature_count: 412 },
      },
    ],
    runs: [],
    deployment: { stable: '1.0.0' },
  },
  {
    id: 'e5-base-v2',
    name: 'E5 base v2 embeddings',
    type: 'EMBEDDING',
    owner: 'search-relevance',
    description: 'Dense retrieval embeddings (768-d) for catalogue search; first stage before the cross-encoder.',
    tags: ['search', 'embeddings', 'retrieval', 'dense'],
    policy: {},
    daysAgo: 70,
    versions: [
      {
        version: '1.0.0',
        status: 'active',
        daysAgo: 65,
        by: 'ravi',
        artifactUri: 'hf://intfloat/e5-base-v2',
        framework: 'sentence-transformers',
        exportFormat: 'safetensors',
        runtime: EMBEDDING_RUNTIME,
        releaseNotes: 'Upstream intfloat/e5-base-v2, mean pooling, "query: " / "passage: " prefixes.',
        metrics: { 'ndcg@10': 0.412, 'mrr@10': 0.371, 'recall@100': 0.861, zero_result_rate: 0.021, latency_proxy: 11.8 },
        training: { base_model: 'intfloat/e5-base-v2', fine_tuned: false, pooling: 'mean', dim: 768 },
      },
      {
        version: '1.1.0',
        status: 'candidate',
        daysAgo: 9,
        by: 'ravi',
        artifactUri: 's3://acme-ml-models/e5-base-v2/1.1.0/model.onnx',
        framework: 'onnxruntime',
        exportFormat: 'onnx',
        runtime: EMBEDDING_RUNTIME,
        releaseNotes: 'Contrastive fine-tune on 2.1 M catalogue click pairs with hard negatives from BM25.',
        metrics: { 'ndcg@10': 0.428, 'mrr@10': 0.386, 'recall@100': 0.874, zero_result_rate: 0.019, latency_proxy: 12.1 },
        training: { base_model: 'intfloat/e5-base-v2', fine_tuned: true, loss: 'MultipleNegativesRankingLoss', epochs: 2, hard_negatives: 'bm25-top50' },
      },
    ],
    runs: [
      {
        version: '1.1.0',
        baseline: '1.0.0',
        dataset: 'catalogue-queries-2024q3',
        daysAgo: 8,
        metrics: { 'ndcg@10': 0.428, 'mrr@10': 0.386, 'recall@100': 0.874, zero_result_rate: 0.019, latency_proxy: 12.1 },
        baselineMetrics: { 'ndcg@10': 0.412, 'mrr@10': 0.371, 'recall@100': 0.861, zero_result_rate: 0.021, latency_proxy: 11.8 },
      },
    ],
    deployment: { stable: '1.0.0' },
  },
  {
    id: 'e5-large-v2',
    name: 'E5 large v2 embeddings',
    type: 'EMBEDDING',
    owner: 'search-relevance',
    description: 'Larger (1024-d) embedding model under evaluation as a replacement for e5-base-v2 on long-tail queries.',
    tags: ['search', 'embeddings', 'retrieval', 'dense', 'experimental'],
    policy: {},
    daysAgo: 30,
    versions: [
      {
        version: '1.0.0',
        status: 'active',
        daysAgo: 28,
        by: 'ravi',
        artifactUri: 'hf://intfloat/e5-large-v2',
        framework: 'sentence-transformers',
        exportFormat: 'safetensors',
        runtime: { device: 'gpu', max_batch: 128, max_len: 512 },
        releaseNotes: 'Upstream intfloat/e5-large-v2 behind the shadow index.',
        metrics: { 'ndcg@10': 0.436, 'mrr@10': 0.394, 'recall@100': 0.889, zero_result_rate: 0.017, latency_proxy: 27.4 },
        training: { base_model: 'intfloat/e5-large-v2', fine_tuned: false, pooling: 'mean', dim: 1024 },
      },
      {
        version: '1.1.0',
        status: 'candidate',
        daysAgo: 4,
        by: 'olivia',
        artifactUri: 's3://acme-ml-models/e5-large-v2/1.1.0/model.onnx',
        framework: 'onnxruntime',
        exportFormat: 'onnx',
        runtime: { device: 'gpu', max_batch: 128, max_len: 512 },
        releaseNotes: 'Fine-tuned like e5-base-v2 1.1.0. Exported without fp16: slower than planned, see the latency gate.',
        metrics: { 'ndcg@10': 0.447, 'mrr@10': 0.405, 'recall@100': 0.897, zero_result_rate: 0.016, latency_proxy: 37.1 },
        training: { base_model: 'intfloat/e5-large-v2', fine_tuned: true, loss: 'MultipleNegativesRankingLoss', epochs: 2, precision: 'fp32' },
      },
    ],
    runs: [
      {
        version: '1.1.0',
        baseline: '1.0.0',
        dataset: 'catalogue-queries-2024q3',
        daysAgo: 3,
        metrics: { 'ndcg@10': 0.447, 'mrr@10': 0.405, 'recall@100': 0.897, zero_result_rate: 0.016, latency_proxy: 37.1 },
        baselineMetrics: { 'ndcg@10': 0.436, 'mrr@10': 0.394, 'recall@100': 0.889, zero_result_rate: 0.017, latency_proxy: 27.4 },
      },
    ],
    deployment: { stable: '1.0.0' },
  },
  {
    id: 'ltr-ranker',
    name: 'Search learning-to-rank',
    type: 'LTR',
    owner: 'search-relevance',
    description: 'LambdaMART ranker over 136 query-document features; final ordering of the catalogue search results page.',
    tags: ['search', 'ranking', 'ltr', 'lambdamart'],
    policy: {},
    daysAgo: 120,
    versions: [
      {
        version: '1.0.0',
        status: 'deprecated',
        daysAgo: 115,
        by: 'ravi',
        artifactUri: 's3://acme-ml-models/ltr-ranker/1.0.0/model.txt',
        framework: 'lightgbm',
        exportFormat: 'lightgbm-text',
        runtime: { device: 'cpu', max_batch: 1000 },
        releaseNotes: 'First LambdaMART ranker, feature set v1 (88 features).',
        metrics: { 'ndcg@10': 0.468, 'mrr@10': 0.532, 'recall@100': 0.902, zero_result_rate: 0.031, latency_proxy: 3.9 },
        training: { objective: 'lambdarank', num_leaves: 63, learning_rate: 0.05, num_boost_round: 900, feature_set: 'v1' },
        deprecatedReason: 'Feature set v1 retired with the catalogue schema migration.',
      },
      {
        version: '1.5.0',
        status: 'candidate',
        daysAgo: 75,
        by: 'ravi',
        artifactUri: 's3://acme-ml-models/ltr-ranker/1.5.0/model.txt',
        framework: 'lightgbm',
        exportFormat: 'lightgbm-text',
        runtime: { device: 'cpu', max_batch: 1000 },
        releaseNotes: 'Feature set v2 (136 features); the previous stable, kept for rollback.',
        metrics: { 'ndcg@10': 0.489, 'mrr@10': 0.551, 'recall@100': 0.913, zero_result_rate: 0.027, latency_proxy: 4.2 },
        training: { objective: 'lambdarank', num_leaves: 127, learning_rate: 0.05, num_boost_round: 1200, feature_set: 'v2' },
      },
      {
        version: '2.0.0',
        status: 'active',
        daysAgo: 35,
        by: 'ravi',
        artifactUri: 's3://acme-ml-models/ltr-ranker/2.0.0/model.txt',
        framework: 'lightgbm',
        exportFormat: 'lightgbm-text',
        runtime: { device: 'cpu', max_batch: 1000 },
        releaseNotes: 'Adds session features (dwell time, reformulation); trained on 90 days of click logs with position-bias correction.',
        metrics: { 'ndcg@10': 0.503, 'mrr@10': 0.566, 'recall@100': 0.921, zero_result_rate: 0.024, latency_proxy: 4.4 },
        training: { objective: 'lambdarank', num_leaves: 255, learning_rate: 0.04, num_boost_round: 1500, feature_set: 'v2+session', click_model: 'pbm' },
        supportedUntil: '2027-03-31',
      },
      {
        version: '2.1.0',
        status: 'candidate',
        daysAgo: 12,
        by: 'ravi',
        artifactUri: 's3://acme-ml-models/ltr-ranker/2.1.0/model.txt',
        framework: 'lightgbm',
        exportFormat: 'lightgbm-text',
        runtime: { device: 'cpu', max_batch: 1000 },
        releaseNotes: 'Retrained on fresh click logs; adds price-competitiveness features.',
        metrics: { 'ndcg@10': 0.509, 'mrr@10': 0.571, 'recall@100': 0.924, zero_result_rate: 0.023, latency_proxy: 4.5 },
        training: { objective: 'lambdarank', num_leaves: 255, learning_rate: 0.04, num_boost_round: 1600, feature_set: 'v2+session+price' },
      },
      {
        version: '2.2.0',
        status: 'candidate',
        daysAgo: 2,
        by: 'ravi',
        artifactUri: 's3://acme-ml-models/ltr-ranker/2.2.0/model.txt',
        framework: 'lightgbm',
        exportFormat: 'lightgbm-text',
        runtime: { device: 'cpu', max_batch: 1000 },
        releaseNotes: 'Experimental: drops the 24 sparsest features to cut latency. Costs ranking quality, see the gate.',
        metrics: { 'ndcg@10': 0.488, 'mrr@10': 0.552, 'recall@100': 0.917, zero_result_rate: 0.025, latency_proxy: 3.6 },
        training: { objective: 'lambdarank', num_leaves: 255, learning_rate: 0.04, num_boost_round: 1400, feature_set: 'v2-pruned' },
      },
    ],
    runs: [
      {
        version: '2.0.0',
        baseline: '1.5.0',
        dataset: 'search-judgements-2024q2',
        daysAgo: 36,
        metrics: { 'ndcg@10': 0.503, 'mrr@10': 0.566, 'recall@100': 0.921, zero_result_rate: 0.024, latency_proxy: 4.4 },
        baselineMetrics: { 'ndcg@10': 0.489, 'mrr@10': 0.551, 'recall@100': 0.913, zero_result_rate: 0.027, latency_proxy: 4.2 },
      },
      {
        version: '2.1.0',
        baseline: '2.0.0',
        dataset: 'search-judgements-2024q3',
        daysAgo: 11,
        metrics: { 'ndcg@10': 0.509, 'mrr@10': 0.571, 'recall@100': 0.924, zero_result_rate: 0.023, latency_proxy: 4.5 },
        baselineMetrics: { 'ndcg@10': 0.503, 'mrr@10': 0.566, 'recall@100': 0.921, zero_result_rate: 0.024, latency_proxy: 4.4 },
      },
      {
        // ndcg@10 loses 3 %: past the 1 % limit of the LTR gate.
        version: '2.2.0',
        baseline: '2.0.0',
        dataset: 'search-judgements-2024q3',
        daysAgo: 1,
        metrics: { 'ndcg@10': 0.48791, 'mrr@10': 0.552, 'recall@100': 0.917, zero_result_rate: 0.025, latency_proxy: 3.6 },
        baselineMetrics: { 'ndcg@10': 0.503, 'mrr@10': 0.566, 'recall@100': 0.921, zero_result_rate: 0.024, latency_proxy: 4.4 },
      },
    ],
    deployment: { stable: '2.0.0', previousStable: '1.5.0' },
  },
  {
    id: 'cross-encoder-reranker',
    name: 'Cross-encoder reranker',
    type: 'RERANKER',
    owner: 'search-relevance',
    description: 'MiniLM cross-encoder rescoring the top 100 candidates of the first stage; runs on the GPU pool.',
    tags: ['search', 'reranking', 'cross-encoder', 'gpu'],
    policy: { rollout_plan: [10, 50, 100] },
    daysAgo: 100,
    versions: [
      {
        version: '0.9.0',
        status: 'deprecated',
        daysAgo: 95,
        by: 'ravi',
        artifactUri: 'gs://acme-ml-artifacts/cross-encoder-reranker/0.9.0/model.pt',
        framework: 'pytorch',
        exportFormat: 'torchscript',
        runtime: { device: 'gpu', max_batch: 32, max_len: 512 },
        releaseNotes: 'Pilot: cross-encoder/ms-marco-MiniLM-L-6-v2 as published.',
        metrics: { 'ndcg@10': 0.521, 'mrr@10': 0.588, 'recall@100': 0.934, zero_result_rate: 0.012, latency_proxy: 38.5 },
        training: { base_model: 'cross-encoder/ms-marco-MiniLM-L-6-v2', fine_tuned: false },
        deprecatedReason: 'TorchScript runtime removed from the GPU pool; use the ONNX builds.',
      },
      {
        version: '1.0.0',
        status: 'active',
        daysAgo: 50,
        by: 'ravi',
        artifactUri: 'gs://acme-ml-artifacts/cross-encoder-reranker/1.0.0/model.onnx',
        framework: 'onnxruntime',
        exportFormat: 'onnx',
        runtime: { device: 'gpu', max_batch: 32, max_len: 512 },
        releaseNotes: 'Fine-tuned on catalogue judgements; ONNX with fp16 on the GPU pool.',
        metrics: { 'ndcg@10': 0.547, 'mrr@10': 0.612, 'recall@100': 0.941, zero_result_rate: 0.012, latency_proxy: 22.3 },
        training: { base_model: 'cross-encoder/ms-marco-MiniLM-L-6-v2', fine_tuned: true, epochs: 2, learning_rate: 7e-6, precision: 'fp16' },
        supportedUntil: '2027-01-31',
      },
      {
        version: '1.1.0',
        status: 'candidate',
        daysAgo: 10,
        by: 'ravi',
        artifactUri: 'gs://acme-ml-artifacts/cross-encoder-reranker/1.1.0/model.onnx',
        framework: 'onnxruntime',
        exportFormat: 'onnx',
        runtime: { device: 'gpu', max_batch: 32, max_len: 512 },
        releaseNotes: 'Distilled from a MiniLM-L-12 teacher; listwise loss.',
        metrics: { 'ndcg@10': 0.556, 'mrr@10': 0.619, 'recall@100': 0.943, zero_result_rate: 0.012, latency_proxy: 22.9 },
        training: { base_model: 'cross-encoder/ms-marco-MiniLM-L-6-v2', teacher: 'cross-encoder/ms-marco-MiniLM-L-12-v2', loss: 'listnet', epochs: 3 },
      },
      {
        version: '1.2.0-rc.1',
        status: 'candidate',
        daysAgo: 3,
        by: 'ravi',
        artifactUri: 'gs://acme-ml-artifacts/cross-encoder-reranker/1.2.0-rc.1/model.onnx',
        framework: 'onnxruntime',
        exportFormat: 'onnx',
        runtime: { device: 'gpu', max_batch: 64, max_len: 256 },
        releaseNotes: 'Release candidate: max_len 256 to double the batch. Truncation hurts long product descriptions.',
        metrics: { 'ndcg@10': 0.538, 'mrr@10': 0.603, 'recall@100': 0.926, zero_result_rate: 0.012, latency_proxy: 14.6 },
        training: { base_model: 'cross-encoder/ms-marco-MiniLM-L-6-v2', max_seq_len: 256, epochs: 3 },
      },
    ],
    runs: [
      {
        version: '1.1.0',
        baseline: '1.0.0',
        dataset: 'msmarco-passage-dev-small',
        daysAgo: 9,
        metrics: { 'ndcg@10': 0.452, 'mrr@10': 0.391, 'recall@100': 0.902, zero_result_rate: 0.0, latency_proxy: 23.1 },
        baselineMetrics: { 'ndcg@10': 0.447, 'mrr@10': 0.386, 'recall@100': 0.9, zero_result_rate: 0.0, latency_proxy: 22.4 },
      },
      {
        version: '1.1.0',
        baseline: '1.0.0',
        dataset: 'catalogue-judgements-2024q3',
        daysAgo: 8,
        metrics: { 'ndcg@10': 0.556, 'mrr@10': 0.619, 'recall@100': 0.943, zero_result_rate: 0.012, latency_proxy: 22.9 },
        baselineMetrics: { 'ndcg@10': 0.547, 'mrr@10': 0.612, 'recall@100': 0.941, zero_result_rate: 0.012, latency_proxy: 22.3 },
      },
      {
        version: '1.2.0-rc.1',
        baseline: '1.0.0',
        dataset: 'catalogue-judgements-2024q3',
        daysAgo: 2,
        metrics: { 'ndcg@10': 0.538, 'mrr@10': 0.603, 'recall@100': 0.926, zero_result_rate: 0.012, latency_proxy: 14.6 },
        baselineMetrics: { 'ndcg@10': 0.547, 'mrr@10': 0.612, 'recall@100': 0.941, zero_result_rate: 0.012, latency_proxy: 22.3 },
      },
    ],
    deployment: { stable: '1.0.0' },
  },
  {
    id: 'rag-retriever',
    name: 'Support RAG retriever',
    type: 'RAG',
    owner: 'assistant-platform',
    description: 'Hybrid (BM25 + dense) retriever that grounds the support chatbot in help-centre articles.',
    tags: ['rag', 'chatbot', 'retrieval', 'hybrid'],
    policy: { required_approvals: 1, request_ttl_seconds: 7200 },
    daysAgo: 40,
    versions: [
      {
        version: '0.3.0',
        status: 'active',
        daysAgo: 30,
        by: 'ravi',
        artifactUri: 'mlflow-artifacts:/27/5f0c1e9a8b7d4c3e/artifacts/retriever',
        framework: 'sentence-transformers',
        exportFormat: 'safetensors',
        runtime: { device: 'cpu', max_batch: 16, max_len: 512 },
        releaseNotes: 'Hybrid retrieval with reciprocal-rank fusion (k=60); chunking 512 tokens, 64 overlap.',
        metrics: { 'ndcg@10': 0.611, 'mrr@10': 0.574, 'recall@100': 0.948, zero_result_rate: 0.009, latency_proxy: 31.0 },
        training: { dense_model: 'intfloat/e5-base-v2', sparse: 'bm25', fusion: 'rrf', rrf_k: 60, chunk_tokens: 512, chunk_overlap: 64 },
      },
      {
        version: '0.4.0',
        status: 'candidate',
        daysAgo: 7,
        by: 'ravi',
        artifactUri: 'mlflow-artifacts:/27/9a3d7be2c4f14a55/artifacts/retriever',
        framework: 'sentence-transformers',
        exportFormat: 'safetensors',
        runtime: { device: 'cpu', max_batch: 16, max_len: 512 },
        releaseNotes: 'Smaller chunks (256 tokens) and the fine-tuned e5-base-v2 1.1.0 as the dense side.',
        metrics: { 'ndcg@10': 0.627, 'mrr@10': 0.589, 'recall@100': 0.951, zero_result_rate: 0.008, latency_proxy: 33.2 },
        training: { dense_model: 'e5-base-v2@1.1.0', sparse: 'bm25', fusion: 'rrf', rrf_k: 60, chunk_tokens: 256, chunk_overlap: 32 },
      },
    ],
    runs: [
      {
        version: '0.4.0',
        baseline: '0.3.0',
        dataset: 'helpcentre-questions-v3',
        daysAgo: 6,
        metrics: { 'ndcg@10': 0.627, 'mrr@10': 0.589, 'recall@100': 0.951, zero_result_rate: 0.008, latency_proxy: 33.2 },
        baselineMetrics: { 'ndcg@10': 0.611, 'mrr@10': 0.574, 'recall@100': 0.948, zero_result_rate: 0.009, latency_proxy: 31.0 },
      },
    ],
    deployment: { stable: '0.3.0' },
  },
];

function metadataOf(model: SeedModel, version: SeedVersion): Record<string, JsonValue> {
  return {
    model_name: model.id,
    version: version.version,
    framework: version.framework,
    export_format: version.exportFormat,
    metrics: version.metrics,
    training_config: version.training,
    deployment: {
      device: version.runtime.device,
      ...(version.runtime.max_batch === undefined ? {} : { max_batch: version.runtime.max_batch }),
      ...(version.runtime.max_len === undefined ? {} : { max_len: version.runtime.max_len }),
      replicas: version.runtime.device === 'gpu' ? 2 : 4,
    },
  };
}


const MINUTE = 60_000;
const STEP_INTERVAL = 8 * 60 * MINUTE;
const DECISION_DELAY = 25 * MINUTE;

/** The rollouts that put the seeded deployment in place, when the model does not list them. */
function rolloutsOf(seed: SeedModel): SeedRollout[] {
  if (seed.rollouts) return seed.rollouts;
  if (!seed.deployment) return [];
  const createdDaysAgo = (version: string) => seed.versions.find((v) => v.version === version)?.daysAgo ?? seed.daysAgo;
  const wentLive = (version: string) => ({
    version,
    // A day after registration: the eval run came in, then the canary.
    daysAgo: Math.max(createdDaysAgo(version) - 1, 0.5),
    requestedBy: 'olivia',
    approvedBy: 'arjun',
    justification: `Offline gate passed for ${version}; rolling out by the plan.`,
  });
  return [...(seed.deployment.previousStable ? [wentLive(seed.deployment.previousStable)] : []), wentLive(seed.deployment.stable)];
}

/**
 * The audit entries a real history leaves for a model: its versions
 * registered, its eval runs reported, and every step of every rollout
 * (requested, approved, dispatched), ending in the seeded deployment.
 */
function historyOf(seed: SeedModel, model: Model, runs: EvalRun[], atMs: (daysAgo: number) => number): { entries: NewAuditEntry[]; updatedAt: string | null } {
  const iso = (ms: number) => new Date(ms).toISOString();
  const entries: NewAuditEntry[] = [];
  for (const version of seed.versions) {
    const checksum = sha256(`${seed.id}@${version.version}:${version.artifactUri}`);
    entries.push({ at: iso(atMs(version.daysAgo)), actor: version.by, action: 'version.registered', target: `model:${seed.id}`, details: { model_id: seed.id, version: version.version, artifact_uri: version.artifactUri, checksum } });
  }
  const policy = effectiveGatePolicy(model);
  for (const run of runs) {
    const gate = evaluateGate(policy, run.metrics, run.baseline_metrics);
    entries.push({
      at: run.reported_at,
      actor: run.reported_by,
      action: 'eval_run.reported',
      target: `model:${seed.id}`,
      details: { model_id: seed.id, run_id: run.id, version: run.version, baseline_version: run.baseline_version, dataset: run.dataset.name, passed: gate.passed, failed_metrics: gate.failed_metrics },
    });
  }
  const plan = seed.policy.rollout_plan ?? DEFAULT_ROLLOUT_PLAN;
  let stable: string | null = null;
  let updatedAt: string | null = null;
  for (const rollout of rolloutsOf(seed)) {
    const latestRun = runs.filter((run) => run.version === rollout.version).at(-1);
    const gatePassed = latestRun ? evaluateGate(policy, latestRun.metrics, latestRun.baseline_metrics).passed : null;
    for (const [index, pct] of plan.entries()) {
      const action = index === 0 ? 'start_canary' : index === plan.length - 1 ? 'promote' : 'advance';
      const requestedAt = atMs(rollout.daysAgo) + index * STEP_INTERVAL;
      const decidedAt = requestedAt + DECISION_DELAY;
      const requestId = `req_${sha256(`${seed.id}:${rollout.version}:${pct}`).slice(0, 24)}`;
      const request = { model_id: seed.id, request_id: requestId, action, from_version: stable, target_version: rollout.version, target_pct: pct };
      entries.push(
        {
          at: iso(requestedAt),
          actor: rollout.requestedBy,
          action: 'rollout.requested',
          target: `request:${requestId}`,
          details: { ...request, justification: rollout.justification, gate_passed: gatePassed, gate_override: false, auth_time: iso(requestedAt - MINUTE) },
        },
        {
          at: iso(decidedAt),
          actor: rollout.approvedBy,
          action: 'request.approved',
          target: `request:${requestId}`,
          details: { ...request, comment: 'Canary metrics hold.', auth_time: iso(decidedAt - MINUTE), approvals: 1, required_approvals: seed.policy.required_approvals ?? 1 },
        },
        {
          at: iso(decidedAt),
          actor: rollout.approvedBy,
          action: 'rollout.dispatched',
          target: `model:${seed.id}`,
          details: {
            ...request,
            from: stable,
            to: rollout.version,
            pct,
            approved_by: [rollout.approvedBy],
            requested_by: rollout.requestedBy,
            gate_override: false,
          },
        },
      );
      updatedAt = iso(decidedAt);
    }
    stable = rollout.version;
  }
  for (const version of seed.versions.filter((v) => v.deprecatedReason)) {
    // Retired a day after the version that replaced it went live.
    const replacedAt = updatedAt ? Date.parse(updatedAt) + 24 * 60 * MINUTE : atMs(version.daysAgo - 1);
    entries.push({ at: iso(Math.min(replacedAt, atMs(0.25))), actor: 'ada', action: 'version.deprecated', target: `model:${seed.id}`, details: { model_id: seed.id, version: version.version, reason: version.deprecatedReason!, previous_status: 'candidate' } });
  }
  return { entries, updatedAt };
}

/**
 * Seeds the demo registry when it is empty. Returns whether it seeded. Users
 * that already exist are left as they are.
 */
/**
 * scrypt cost of the demo users' hashes. Their passwords are published (or, where
 * a caller makes them random, carry far more entropy than any guessing budget), so
 * a costly hash would protect nothing and only slow every demo database's
 * creation by seconds; a sign-in rehashes at the server's cost (2^17) anyway.
 */
export const DEMO_PASSWORD_COST: PasswordCost = { N: 2 ** 12, r: 8, p: 1 };

/**
 * Seeds an empty registry. The demo users keep their published `demo-<name>`
 * passwords (shorter than the 12 characters asked of new passwords): demo
 * databases are for trying the console locally, never for real use.
 * `passwords: false`: the demo users get no password at all (local mode opens
 * their sessions in-process, docs/decisions/0014-local-mode-sign-in.md, and would
 * make the published ones unusable at once): no hashing on a first run.
 */
export async function seedDemo(db: Db, now: Date, options: { passwords?: boolean } = {}): Promise<boolean> {
  const withPasswords = options.passwords ?? true;
  if ((await countModels(db)) > 0) return false;
  const ago = (days: number, hours = 0) => new Date(now.getTime() - (days * 24 + hours) * 3600_000).toISOString();
  const atMs = (days: number) => now.getTime() - days * 24 * 3600_000;
  const history: NewAuditEntry[] = [];

  return db.transaction().execute(async (trx) => {
    // Re-checked inside the transaction: two processes starting on one file seed once.
    if ((await countModels(trx)) > 0) return false;
    // Hashed side by side: scrypt runs on the thread pool, so four users cost about one hash on two cores.
    await Promise.all(
      DEMO_USERS.map(async (user) => {
        if (await findUserByUsername(trx, user.username)) return;
        await createUser(trx, { ...user, password: withPasswords ? demoPassword(user.username) : null }, new Date(now.getTime() - 120 * 24 * 3600_000), {
          cost: DEMO_PASSWORD_COST,
          minLength: 1,
        });
      }),
    );

    const seededAt = new Date(now.getTime() - 120 * 24 * 3600_000);
    await insertServiceAccount(trx, {
      id: newId('svc'),
      name: DEMO_EVAL_RUNNER,
      roles: ['eval_runner'],
      tokenHash: sha256(randomBytes(32).toString('base64url')),
      createdAt: seededAt.toISOString(),
      createdBy: 'system',
      expiresAt: new Date(now.getTime() + 90 * 24 * 3600_000).toISOString(),
    });

    let versionCount = 0;
    for (const seed of MODELS) {
      const model: Model = {
        id: seed.id,
        name: seed.name,
        type: seed.type,
        owner: seed.owner,
        description: seed.description,
        tags: seed.tags,
        policy: seed.policy,
        created_at: ago(seed.daysAgo),
      };
      await insertModel(trx, model);
      for (const version of seed.versions) {
        await insertVersion(trx, {
          model_id: seed.id,
          version: version.version,
          status: version.status,
          artifact_uri: version.artifactUri,
          checksum: sha256(`${seed.id}@${version.version}:${version.artifactUri}`),
          runtime: version.runtime,
          framework: version.framework,
          export_format: version.exportFormat,
          release_notes: version.releaseNotes,
          ...(version.supportedUntil === undefined ? {} : { supported_until: version.supportedUntil }),
          metadata: metadataOf(seed, version),
          created_at: ago(version.daysAgo),
          created_by: version.by,
          ...(version.deprecatedReason === undefined ? {} : { deprecated_reason: version.deprecatedReason }),
        });
        versionCount += 1;
      }
      const runs: EvalRun[] = [];
      for (const [index, run] of seed.runs.entries()) {
        const finished = ago(run.daysAgo);
        const evalRun: EvalRun = {
          id: `run_${sha256(`${seed.id}:${run.version}:${run.dataset}:${index}`).slice(0, 24)}`,
          model_id: seed.id,
          version: run.version,
          baseline_version: run.baseline,
          dataset: { name: run.dataset, hash: sha256(`dataset:${run.dataset}`) },
          started_at: ago(run.daysAgo, 2),
          finished_at: finished,
          metrics: run.metrics,
          baseline_metrics: run.baselineMetrics,
          reported_by: serviceActor(DEMO_EVAL_RUNNER),
          reported_at: finished,
        };
        await insertEvalRun(trx, evalRun);
        runs.push(evalRun);
      }
      const past = historyOf(seed, model, runs, atMs);
      history.push(...past.entries);

      const at = ago(seed.daysAgo);
      // The salt only has to be fixed per model; deriving it keeps the demo reproducible.
      await insertDeployment(trx, seed.id, sha256(`salt:${seed.id}`).slice(0, 16), at);
      if (seed.deployment) {
        const live: DeploymentState = {
          model_id: seed.id,
          stable_version: seed.deployment.stable,
          canary_version: null,
          canary_pct: 0,
          // The counter and phase stay as the demo has always started (tests name state 1); the
          // audit trail above tells how the deployment got here.
          phase: seed.deployment.previousStable ? 'complete' : 'idle',
          state_version: 1,
          previous_stable: seed.deployment.previousStable ?? null,
          plan: seed.policy.rollout_plan ?? DEFAULT_ROLLOUT_PLAN,
          updated_at: past.updatedAt ?? ago(Math.min(...seed.versions.filter((v) => v.status === 'active').map((v) => v.daysAgo))),
        };
        await replaceDeployment(trx, live, 0);
      }
    }

    // In time order, so the chain reads as the history happened.
    history.sort((a, b) => a.at.localeCompare(b.at));
    await appendAuditBatch(trx, history);
    await appendAudit(trx, {
      at: now.toISOString(),
      actor: 'system',
      action: 'seed.demo',
      target: 'registry',
      details: {
        users: DEMO_USERS.map((user) => user.username),
        service_accounts: [DEMO_EVAL_RUNNER],
        models: MODELS.map((model) => model.id),
        versions: versionCount,
        eval_runs: MODELS.reduce((sum, model) => sum + model.runs.length, 0),
      },
    });
    return true;
  });
}
