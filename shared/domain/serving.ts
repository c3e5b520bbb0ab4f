// Where a model's traffic is steered (its serving target) and what the BFF last
// observed there. An approved change is desired state; dispatch makes the serving
// layer match it and reports the difference (docs/decisions: level-triggered dispatch).
import { z } from 'zod';
import { SemVer, Timestamp } from './primitives.js';

/** `tcp://HOST:PORT` or `unix:///absolute/path` of an HAProxy Runtime API socket. */
export const RuntimeApiAddress = z
  .string()
  .max(512)
  .regex(/^(tcp:\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}|unix:\/\/\/[^\0]+)$/, 'expected tcp://HOST:PORT or unix:///path');

/** An HAProxy backend name (HAProxy allows letters, digits, '-', '_', '.', ':'). */
export const HaproxyBackendName = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/);

export const HaproxyTarget = z.strictObject({
  kind: z.literal('haproxy'),
  runtime_api: RuntimeApiAddress,
  backend: HaproxyBackendName,
});

/** What an admin sends: the webhook secret is write-only. */
export const WebhookTargetInput = z.strictObject({
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  secret: z.string().min(16).max(256),
});

/** What any read answers: the secret never leaves the BFF. */
export const WebhookTargetView = z.strictObject({
  kind: z.literal('webhook'),
  url: z.string(),
  secret_set: z.literal(true),
});

export const ServingTargetInput = z.discriminatedUnion('kind', [HaproxyTarget, WebhookTargetInput]);
export type ServingTargetInput = z.infer<typeof ServingTargetInput>;
export const ServingTargetView = z.discriminatedUnion('kind', [HaproxyTarget, WebhookTargetView]);
export type ServingTargetView = z.infer<typeof ServingTargetView>;

export const ServingTargetKind = z.enum(['haproxy', 'webhook']);
export type ServingTargetKind = z.infer<typeof ServingTargetKind>;

/** A model's serving configuration; `target: null` = pull only (routers poll GET /routing). */
export const Serving = z.strictObject({
  target: ServingTargetView.nullable(),
  updated_at: Timestamp.nullable(),
  updated_by: z.string().nullable(),
});
export type Serving = z.infer<typeof Serving>;

export const DispatchStatus = z.enum(['none', 'pending', 'retrying', 'applied', 'failed', 'drift']);
export type DispatchStatus = z.infer<typeof DispatchStatus>;

/** Share of traffic per version, as observed at the serving layer (percent, 0-100). */
export const ObservedSplit = z.record(SemVer, z.number().min(0).max(100));

export const DeploymentDispatch = z.strictObject({
  status: DispatchStatus,
  target_kind: ServingTargetKind.nullable(),
  attempts: z.number().int().min(0),
  last_error: z.string().max(1000).optional(),
  applied_at: Timestamp.optional(),
  /** When the next try is due while retrying. */
  next_attempt_at: Timestamp.optional(),
  observed: ObservedSplit.optional(),
});
export type DeploymentDispatch = z.infer<typeof DeploymentDispatch>;
