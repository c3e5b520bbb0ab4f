// Audit log listing and chain verification.
import { z } from 'zod';
import { AuditEntry } from '../domain/audit.js';
import { Cursor, ModelId, PageLimit, Timestamp } from '../domain/primitives.js';

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

const ChainHash = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest');

/**
 * A checkpoint of the chain (docs/decisions/0009-signed-audit-checkpoints.md): the newest entry's seq and
 * hash (0 and the genesis hash for an empty log) and when the BFF took it.
 */
export const AuditHead = z.strictObject({ seq: z.number().int().min(0), hash: ChainHash, at: Timestamp });
export type AuditHead = z.infer<typeof AuditHead>;

/** What a head signature covers: RFC 8785 canonical JSON of this object, so a head can never pass for a report. */
export const auditHeadSigningInput = (head: AuditHead) => ({ type: 'modelops.audit_head.v1', ...head });

/** `GET /admin/audit/head`: the head signed with the BFF's report-signing key (Ed25519). */
export const SignedAuditHead = z.strictObject({
  head: AuditHead,
  signature: z.strictObject({
    alg: z.literal('Ed25519'),
    key_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'not a key id'),
    /** base64 Ed25519 signature over the UTF-8 bytes of auditHeadSigningInput(head) in canonical JSON. */
    value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'not a base64 Ed25519 signature'),
  }),
});
export type SignedAuditHead = z.infer<typeof SignedAuditHead>;

/** `?known_seq=N&known_hash=H`: a head seen before (both or neither). */
export const AuditVerifyQuery = z
  .strictObject({
    known_seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    known_hash: ChainHash.optional(),
  })
  .refine((query) => (query.known_seq === undefined) === (query.known_hash === undefined), 'give known_seq and known_hash together');
export type AuditVerifyQuery = z.infer<typeof AuditVerifyQuery>;

/**
 * Why a verification failed: `broken` (an entry does not hash or link; see
 * first_bad_seq), `truncated` (the known entry is gone: the tail was cut),
 * `forked` (the known entry differs: the log was rewritten and re-chained),
 * and, from the console only, `head_signature_invalid` (the BFF's signed head
 * does not verify against the keys pinned for it).
 */
export const AuditVerifyCode = z.enum(['broken', 'truncated', 'forked', 'head_signature_invalid']);
export type AuditVerifyCode = z.infer<typeof AuditVerifyCode>;

export const AuditVerifyResponse = z.strictObject({
  ok: z.boolean(),
  entries: z.number().int().min(0),
  first_bad_seq: z.number().int().min(1).optional(),
  code: AuditVerifyCode.optional(),
  /** The checkpoint the answer was checked against (known_seq/known_hash). */
  known: z.strictObject({ seq: z.number().int().min(1), hash: ChainHash }).optional(),
});
export type AuditVerifyResponse = z.infer<typeof AuditVerifyResponse>;
