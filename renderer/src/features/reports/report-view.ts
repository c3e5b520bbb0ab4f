// Reading an opened report file: which comparison it opens on, what it is
// called in lists, and the verdict in words. Pure, shared by the viewer and
// the HTML page.
import type { EvalRunResult } from '../../../../shared/domain/eval-run.js';
import type { OpenedReport } from '../../../../shared/ipc/contract.js';
import type { EvalReport, ReportVerification } from '../../../../shared/report/report.js';
import { compareVersions, newestFirst, type Comparison } from '../evals/eval-view.js';

export type ReportSelection = {
  selectedRunId: string | null;
  compare: { candidate: string | null; baseline: string | null };
  trendMetric: string;
};

/**
 * The report opens on the pair it was exported for (its versions in the
 * order asked: candidate, then baseline): the newest run of exactly that pair,
 * else the candidate's newest run, else the newest run.
 */
export function initialSelection(report: EvalReport): ReportSelection {
  const runs = newestFirst(report.runs);
  const [candidate, baseline] = report.versions.map((version) => version.version);
  const pick: EvalRunResult | undefined =
    runs.find((run) => run.version === candidate && run.baseline_version === baseline) ?? runs.find((run) => run.version === candidate) ?? runs[0];
  const metrics = pick ? Object.keys(pick.metrics) : [];
  return {
    selectedRunId: pick?.id ?? null,
    compare: pick ? { candidate: pick.version, baseline: pick.baseline_version } : { candidate: candidate ?? null, baseline: baseline ?? null },
    trendMetric: metrics.includes('ndcg@10') ? 'ndcg@10' : (metrics[0] ?? 'ndcg@10'),
  };
}

/** The comparison the report opens on, judged as the live screen judges it (the report's own gate policy). */
export function initialComparison(report: EvalReport): Comparison | null {
  const { compare } = initialSelection(report);
  if (!compare.candidate || !compare.baseline || compare.candidate === compare.baseline) return null;
  return compareVersions(newestFirst(report.runs), compare.candidate, compare.baseline, report.gate_policy);
}

/** "ltr-ranker 2.2.0 vs 2.0.0" for lists, or the file name when the file is no report. */
export function reportTitle(opened: OpenedReport): string {
  const report = opened.signed?.report;
  if (!report) return opened.file_name;
  const versions = report.versions.map((version) => version.version);
  return `${report.model.id} ${versions.slice(0, 2).join(' vs ')}${versions.length > 2 ? ` +${versions.length - 2}` : ''}`;
}

export type VerdictTone = 'good' | 'warn' | 'bad';

/** The verdict in one or two words, and its colour; the banner says the rest. */
export function verdictWord(verification: ReportVerification): { word: string; tone: VerdictTone } {
  switch (verification.status) {
    case 'verified':
      return { word: 'Verified', tone: 'good' };
    case 'unknown_key':
      return { word: 'Unknown key', tone: 'warn' };
    case 'other_origin':
      return { word: "Another BFF's key", tone: 'warn' };
    case 'altered':
      return { word: 'Altered', tone: 'bad' };
    case 'invalid':
      return { word: 'Not a report', tone: 'bad' };
  }
}

/** Whether the file's contents may be shown as the report (altered ones only on request). */
export function showsContentsByDefault(opened: OpenedReport): boolean {
  const status = opened.verification.status;
  return opened.signed !== null && (status === 'verified' || status === 'unknown_key' || status === 'other_origin');
}
