// Routing table and health.
import { z } from 'zod';
import { RoutingEntry } from '../domain/deployment.js';

export const RoutingResponse = z.strictObject({ items: z.array(RoutingEntry) });
export type RoutingResponse = z.infer<typeof RoutingResponse>;

export const MigrationState = z.strictObject({
  /** Every migration this server knows is applied. */
  current: z.boolean(),
  applied: z.number().int().nonnegative(),
  expected: z.number().int().nonnegative(),
});
export type MigrationState = z.infer<typeof MigrationState>;

/**
 * GET /healthz (liveness: the process serves and its database answers) and
 * GET /healthz?ready=1 (readiness: also the schema is current and the server
 * is not draining for shutdown; 503 otherwise, so a load balancer stops
 * sending it traffic).
 */
export const HealthQuery = z.strictObject({ ready: z.enum(['0', '1']).optional() });
export type HealthQuery = z.infer<typeof HealthQuery>;
/** The chain as the BFF found it when it started (audit checkpoints: README, Audit log); reads keep being served either way. */
export const AuditChainHealth = z.strictObject({
  status: z.enum(['checking', 'ok', 'broken', 'unchecked']),
  entries: z.number().int().min(0).optional(),
  first_bad_seq: z.number().int().min(1).optional(),
  checked_at: z.string().optional(),
});
export type AuditChainHealth = z.infer<typeof AuditChainHealth>;

export const HealthResponse = z.strictObject({
  /** `degraded`: serving, but something needs an operator (a broken audit chain). */
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  db: z.enum(['sqlite', 'postgres']),
  migrations: MigrationState,
  /** Whether this server should receive traffic now. */
  ready: z.boolean(),
  audit_chain: AuditChainHealth.optional(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
