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

export const HealthResponse = z.strictObject({
  status: z.literal('ok'),
  version: z.string(),
  db: z.enum(['sqlite', 'postgres']),
  migrations: MigrationState,
  /** Whether this server should receive traffic now. */
  ready: z.boolean(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
