// Audit log listing and chain verification.
import { z } from 'zod';
import { AuditEntry } from '../domain/audit.js';
import { Cursor, ModelId, PageLimit } from '../domain/primitives.js';

export const AuditListQuery = z.strictObject({
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  model_id: ModelId.optional(),
  cursor: Cursor.optional(),
  limit: PageLimit,
});
export type AuditListQuery = z.infer<typeof AuditListQuery>;

export const AuditListResponse = z.strictObject({ items: z.array(AuditEntry), next_cursor: z.string().nullable() });
export type AuditListResponse = z.infer<typeof AuditListResponse>;

export const AuditVerifyResponse = z.strictObject({
  ok: z.boolean(),
  entries: z.number().int().min(0),
  first_bad_seq: z.number().int().min(1).optional(),
});
export type AuditVerifyResponse = z.infer<typeof AuditVerifyResponse>;
