// Schemas of the signed eval report: the query, the envelope, the key list and the verdicts.
import { describe, expect, it } from 'vitest';
import { EvalReportQuery, KeysResponse, ReportSignature, ReportVerification, SignedReport } from './report.js';

const signature = { alg: 'Ed25519', key_id: 'ed25519-0123456789abcdef', value: `${'A'.repeat(86)}==` };
const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAbIX/sU3fctWdl2aCd0X9Z0l7HGQ1iRAqEKUdzfl+55s=\n-----END PUBLIC KEY-----\n';

describe('EvalReportQuery', () => {
  it('reads a comma list of 1 to 20 distinct semantic versions', () => {
    expect(EvalReportQuery.parse({ versions: '1.4.0, 2.0.0-rc.1' })).toEqual({ versions: ['1.4.0', '2.0.0-rc.1'] });
    expect(EvalReportQuery.parse({})).toEqual({});
    const twenty = Array.from({ length: 20 }, (_, i) => `1.0.${i}`);
    expect(EvalReportQuery.parse({ versions: twenty.join(',') }).versions).toHaveLength(20);
    for (const bad of [[...twenty, '1.0.99'].join(','), '1.0.0,1.0.0', 'latest', '', '1.0.0,']) {
      expect(EvalReportQuery.safeParse({ versions: bad }).success, bad).toBe(false);
    }
    expect(EvalReportQuery.safeParse({ versions: '1.0.0', other: 'x' }).success).toBe(false);
  });
});

describe('SignedReport', () => {
  it('takes only Ed25519 signatures of 64 bytes in padded base64', () => {
    expect(ReportSignature.safeParse(signature).success).toBe(true);
    expect(ReportSignature.safeParse({ ...signature, alg: 'RS256' }).success).toBe(false);
    expect(ReportSignature.safeParse({ ...signature, value: 'A'.repeat(88) }).success).toBe(false);
    expect(ReportSignature.safeParse({ ...signature, key_id: '../etc/passwd' }).success).toBe(false);
    expect(ReportSignature.safeParse({ ...signature, extra: 1 }).success).toBe(false);
  });

  it('refuses anything but {report, signature} and schema version 1', () => {
    expect(SignedReport.safeParse({ report: { schema_version: 1 }, signature }).success).toBe(false);
    expect(SignedReport.safeParse({ signature }).success).toBe(false);
  });
});

describe('KeysResponse', () => {
  it('lists public keys, retired_at only on retired ones', () => {
    const active = { key_id: 'ed25519-0123456789abcdef', alg: 'Ed25519', public_key_pem: pem, created_at: '2026-01-01T00:00:00.000Z' };
    const retired = { ...active, key_id: 'ed25519-fedcba9876543210', retired_at: '2026-02-01T00:00:00.000Z' };
    expect(KeysResponse.parse({ keys: [active, retired] }).keys[1]!.retired_at).toBe(retired.retired_at);
    expect(KeysResponse.safeParse({ keys: [{ ...active, public_key_pem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }] }).success).toBe(false);
  });
});

describe('ReportVerification', () => {
  it('is one of verified, unknown_key, altered or invalid with a problem', () => {
    expect(ReportVerification.safeParse({ status: 'altered', key_id: 'k' }).success).toBe(true);
    expect(ReportVerification.safeParse({ status: 'invalid', problem: 'too_large', message: 'over 50 MB' }).success).toBe(true);
    expect(ReportVerification.safeParse({ status: 'invalid', problem: 'strange', message: '' }).success).toBe(false);
    expect(ReportVerification.safeParse({ status: 'fine' }).success).toBe(false);
  });
});
