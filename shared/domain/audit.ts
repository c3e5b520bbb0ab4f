// Hash-chained audit log entries: hash = sha256(canonical JSON of the entry without `hash`).
import { z } from 'zod';
import { JsonValue, Timestamp } from './primitives.js';

export const AuditEntry = z.strictObject({
  seq: z.number().int().min(1),
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  /** What was acted on, e.g. "model:ltr-ranker" or "request:req_…". */
  target: z.string(),
  details: z.record(z.string(), JsonValue),
  prev_hash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** prev_hash of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);
