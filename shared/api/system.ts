// Routing table and health.
import { z } from 'zod';
import { RoutingEntry } from '../domain/deployment.js';

export const RoutingResponse = z.strictObject({ items: z.array(RoutingEntry) });
export type RoutingResponse = z.infer<typeof RoutingResponse>;

/** The chain as the BFF found it when it started (DESIGN.md section 10); reads keep being served either way. */
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
  audit_chain: AuditChainHealth.optional(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
