// Routing table and health.
import { z } from 'zod';
import { RoutingEntry } from '../domain/deployment.js';

export const RoutingResponse = z.strictObject({ items: z.array(RoutingEntry) });
export type RoutingResponse = z.infer<typeof RoutingResponse>;

export const HealthResponse = z.strictObject({
  status: z.literal('ok'),
  version: z.string(),
  db: z.enum(['sqlite', 'postgres']),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
