// Signed eval reports for offline review (README.md#offline-review): the report
// document, its signature envelope, the BFF's public keys, and the verdicts a viewer gives.
import { z } from 'zod';
import { Deployment } from '../domain/deployment.js';
import { EvalRunResult } from '../domain/eval-run.js';
import { GatePolicy } from '../domain/gate.js';
import { Model, ModelVersion } from '../domain/model.js';
import { SemVer, Timestamp, Username } from '../domain/primitives.js';
import { AuditHead } from '../api/audit.js';

/** Bumped on any change a schema-1 reader could misread; readers refuse versions they do not know. */
export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_SIGNATURE_ALG = 'Ed25519';
/** Larger report files are refused before they are read (a report of 1000 runs is about 3 MB). */
export const REPORT_FILE_MAX_BYTES = 50 * 1024 * 1024;
export const REPORT_MAX_VERSIONS = 20;
/** Newest runs kept in one report; the rest are counted in `runs_omitted`. */
export const REPORT_MAX_RUNS = 1000;

/**
 * Key ids are safe as file names and in URLs. The reference BFF derives them
 * from the key (`ed25519-` + 16 hex digits of the SHA-256 of the DER
 * SubjectPublicKeyInfo), so anyone holding the public key can recompute one;
 * other implementations may choose their own.
 */
export const KeyId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'not a key id');
export type KeyId = z.infer<typeof KeyId>;

export const ReportId = z.string().regex(/^rpt_[0-9a-z]{8,40}$/, 'not a report id');

export const ReportExporter = z.strictObject({ username: Username, display_name: z.string().max(200) });

export const EvalReport = z.strictObject({
  schema_version: z.literal(REPORT_SCHEMA_VERSION),
  report_id: ReportId,
  model: Model,
  /** Where traffic stood when the report was exported. */
  deployment: Deployment,
  /** The gate the runs were judged by (the model's own, else its type's default) at export time. */
  gate_policy: GatePolicy,
  /** The versions the report is about, in the order they were asked for. */
  versions: z.array(ModelVersion).max(REPORT_MAX_VERSIONS),
  /** Eval runs of those versions, newest first, each with its delta and gate. */
  runs: z.array(EvalRunResult).max(REPORT_MAX_RUNS),
  /** Older runs left out to keep the file bounded. */
  runs_omitted: z.number().int().min(0),
  exported_by: ReportExporter,
  exported_at: Timestamp,
  /** The BFF that signed the report, as it names itself. A viewer trusts the key, not this claim. */
  bff_origin: z.string().min(1).max(2048),
  /**
   * The audit chain's head when the report was exported (docs/decisions/0009-signed-audit-checkpoints.md),
   * covered by the report's signature. Optional: schema-1 reports from before it
   * stay valid and verify unchanged.
   */
  audit_head: AuditHead.optional(),
});
export type EvalReport = z.infer<typeof EvalReport>;

/** Base64 (RFC 4648, padded) of a 64-byte Ed25519 signature. */
export const SignatureValue = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'not a base64 Ed25519 signature');

export const ReportSignature = z.strictObject({
  alg: z.literal(REPORT_SIGNATURE_ALG),
  key_id: KeyId,
  /** Ed25519 signature over the UTF-8 bytes of the report in RFC 8785 canonical JSON. */
  value: SignatureValue,
});
export type ReportSignature = z.infer<typeof ReportSignature>;

/** The exported file: `{"report": {...}, "signature": {...}}`. */
export const SignedReport = z.strictObject({ report: EvalReport, signature: ReportSignature });
export type SignedReport = z.infer<typeof SignedReport>;

const PublicKeyPem = z
  .string()
  .max(4096)
  .regex(/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\r?\n?$/, 'not a PEM public key');

/** One of the BFF's report-signing keys: only public halves ever leave the server. */
export const SigningKeyInfo = z.strictObject({
  key_id: KeyId,
  alg: z.literal(REPORT_SIGNATURE_ALG),
  /** SubjectPublicKeyInfo, PEM. */
  public_key_pem: PublicKeyPem,
  created_at: Timestamp,
  /** Set once the key stops signing; reports it signed before stay verifiable. */
  retired_at: Timestamp.optional(),
});
export type SigningKeyInfo = z.infer<typeof SigningKeyInfo>;

export const KeysResponse = z.strictObject({ keys: z.array(SigningKeyInfo) });
export type KeysResponse = z.infer<typeof KeysResponse>;

/** `?versions=1.4.0,1.5.0-rc.1`: 1 to 20 distinct semantic versions. */
export const VersionList = z
  .string()
  .max(REPORT_MAX_VERSIONS * 130)
  .transform((text) => text.split(',').map((part) => part.trim()))
  .pipe(
    z
      .array(SemVer)
      .min(1)
      .max(REPORT_MAX_VERSIONS, `at most ${REPORT_MAX_VERSIONS} versions`)
      .refine((versions) => new Set(versions).size === versions.length, 'each version once'),
  )
  .describe(`Comma-separated semantic versions, 1 to ${REPORT_MAX_VERSIONS}, e.g. 2.2.0,2.0.0`);

export const EvalReportQuery = z.strictObject({
  /** Omitted: the stable version and the canary (or newest candidate); failing that, the versions that have runs. */
  versions: VersionList.optional(),
});
export type EvalReportQuery = z.infer<typeof EvalReportQuery>;

// ---------------------------------------------------------------------------
// Verification, as the console (or any viewer) reports it

/** Where a pinned public key came from: signed in to a BFF, or imported by hand. */
export const KeySource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bff'), origin: z.string().min(1).max(2048) }),
  z.strictObject({ kind: z.literal('imported'), label: z.string().max(200) }),
]);
export type KeySource = z.infer<typeof KeySource>;

export const PinnedKey = z.strictObject({
  ...SigningKeyInfo.shape,
  /** Hand-imported PEMs carry no date of their own. */
  created_at: Timestamp.optional(),
  source: KeySource,
  pinned_at: Timestamp,
});
export type PinnedKey = z.infer<typeof PinnedKey>;

/** Why a file is not a report this viewer can check; each has its own sentence. */
export const ReportProblem = z.enum([
  'unreadable',
  'not_a_file',
  'too_large',
  'empty',
  'not_text',
  'truncated',
  'not_json',
  'not_a_report',
  'unknown_schema_version',
  'unsupported_algorithm',
  'unreadable_contents',
]);
export type ReportProblem = z.infer<typeof ReportProblem>;

export const ReportVerification = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('verified'),
    key_id: KeyId,
    /** The BFF the key was pinned from; null when it was imported by hand. */
    bff_origin: z.string().nullable(),
    /** The label of a hand-imported key. */
    key_label: z.string().nullable(),
    /** Set when the key has since been rotated out (the report may predate that). */
    key_retired_at: Timestamp.nullable(),
    /** The origin the report names for itself (signed, but only as trustworthy as the key). */
    report_origin: z.string(),
  }),
  z.strictObject({ status: z.literal('unknown_key'), key_id: z.string() }),
  /**
   * The signature holds, but only under a key pinned from another BFF than the
   * one the report names: that BFF's key is no proof for this one (amber).
   */
  z.strictObject({ status: z.literal('other_origin'), key_id: KeyId, key_origin: z.string(), report_origin: z.string() }),
  z.strictObject({ status: z.literal('altered'), key_id: z.string() }),
  z.strictObject({ status: z.literal('invalid'), problem: ReportProblem, message: z.string() }),
]);
export type ReportVerification = z.infer<typeof ReportVerification>;
