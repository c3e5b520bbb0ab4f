// Exported eval reports for renderer tests: a signed report (the signature is
// never checked in the renderer, so any well-formed value does) and the
// opened-file envelope with each verdict the main process gives.
import type { EvalRunResult } from '../../../shared/domain/eval-run.js';
import type { OpenedReport } from '../../../shared/ipc/contract.js';
import { defaultGatePolicy } from '../../../shared/logic/gate.js';
import type { ReportVerification, SignedReport } from '../../../shared/report/report.js';
import { BASELINE_METRICS, deployment, model, run, T0, version } from './fixtures.js';

export const KEY_ID = 'ed25519-0123456789abcdef';
export const BFF_ORIGIN = 'http://127.0.0.1:8787';

export const PASSING_RUN = run('pass', '2.2.0', '2.0.0', { ...BASELINE_METRICS, 'ndcg@10': 0.52, latency_proxy: 4.2 }, { finished_at: '2026-11-19T10:00:00.000Z' });
export const FAILING_RUN = run('fail', '2.1.0', '2.0.0', { ...BASELINE_METRICS, 'ndcg@10': 0.47 }, { finished_at: '2026-11-18T10:00:00.000Z' });

export function signedReport(overrides: { runs?: EvalRunResult[]; name?: string; description?: string; bffOrigin?: string; exporter?: string } = {}): SignedReport {
  return {
    report: {
      schema_version: 1,
      report_id: 'rpt_0123456789ab',
      model: model({ ...(overrides.name ? { name: overrides.name } : {}), ...(overrides.description !== undefined ? { description: overrides.description } : {}) }),
      deployment: deployment({ canary_version: '2.2.0', canary_pct: 5, phase: 'canary' }),
      gate_policy: defaultGatePolicy('LTR'),
      versions: [version('2.2.0'), version('2.0.0', { status: 'active' })],
      runs: overrides.runs ?? [PASSING_RUN, FAILING_RUN],
      runs_omitted: 0,
      exported_by: { username: 'olivia', display_name: overrides.exporter ?? 'Olivia Operator' },
      exported_at: T0,
      bff_origin: overrides.bffOrigin ?? BFF_ORIGIN,
    },
    signature: { alg: 'Ed25519', key_id: KEY_ID, value: `${'A'.repeat(85)}Q==` },
  };
}

let openedNumber = 0;

export function openedReport(verification: ReportVerification, overrides: Partial<OpenedReport> = {}): OpenedReport {
  openedNumber += 1;
  const signed = verification.status === 'invalid' ? null : signedReport();
  return {
    opened_id: `opened_test${openedNumber}`,
    file_name: 'ltr-ranker-2.2.0_2.0.0.modelreport.json',
    path: '/home/r/Downloads/ltr-ranker-2.2.0_2.0.0.modelreport.json',
    bytes: 12_345,
    opened_at: T0,
    verification,
    signed,
    ...overrides,
  };
}

export const VERIFIED: Extract<ReportVerification, { status: 'verified' }> = {
  status: 'verified',
  key_id: KEY_ID,
  bff_origin: BFF_ORIGIN,
  key_label: null,
  key_retired_at: null,
  report_origin: BFF_ORIGIN,
};
