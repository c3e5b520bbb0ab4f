// One opened report file: the verdict first, then (when it may be trusted, or
// on request for an altered file) the same runs, deltas, gate badges and
// charts as the live eval report, read-only, under "offline copy exported by X at T".
import { useCallback, useMemo, useState, type ReactElement } from 'react';
import type { OpenedReport } from '../../../../shared/ipc/contract.js';
import type { SignedReport } from '../../../../shared/report/report.js';
import { formatDateTime, formatInteger, formatTraffic } from '../../lib/format.js';
import { Badge, StatusBadge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { EmptyState } from '../../ui/States.js';
import { EvalReportBody, type CompareSelection } from '../evals/EvalReportBody.js';
import { newestFirst } from '../evals/eval-view.js';
import { initialSelection, showsContentsByDefault } from './report-view.js';
import { VerdictBanner } from './VerdictBanner.js';

function ReportContents({ signed, compact }: { signed: SignedReport; compact: boolean }): ReactElement {
  const report = signed.report;
  const runs = useMemo(() => newestFirst(report.runs), [report.runs]);
  const [selection, setSelection] = useState(() => initialSelection(report));
  const onSelectRun = useCallback(
    (runId: string) =>
      setSelection((current) => {
        const run = runs.find((item) => item.id === runId);
        return run ? { ...current, selectedRunId: runId, compare: { candidate: run.version, baseline: run.baseline_version } } : current;
      }),
    [runs],
  );
  const onCompare = useCallback((change: Partial<CompareSelection>) => setSelection((current) => ({ ...current, compare: { ...current.compare, ...change } })), []);
  const onSwap = useCallback(
    () => setSelection((current) => ({ ...current, compare: { candidate: current.compare.baseline, baseline: current.compare.candidate } })),
    [],
  );
  const onTrendMetric = useCallback((metric: string) => setSelection((current) => ({ ...current, trendMetric: metric })), []);
  const deployment = report.deployment;

  return (
    <>
      <p className="offline-banner" role="note">
        <Icon name="clock" size={14} />
        <span>
          <strong>
            Offline copy exported by {report.exported_by.display_name} ({report.exported_by.username}) at {formatDateTime(report.exported_at)}
          </strong>{' '}
          from <span className="mono">{report.bff_origin}</span>. Read-only: what the BFF held then, not now.
        </span>
      </p>
      <div className="report-model">
        <div className="page-title-row">
          <h2 className="report-model-name">{report.model.name}</h2>
          <Badge tone="accent">{report.model.type}</Badge>
        </div>
        <div className="model-meta">
          <span className="mono faint">{report.model.id}</span>
          <span className="faint">Owner: {report.model.owner}</span>
        </div>
        <dl className="report-facts">
          <dt>Versions</dt>
          <dd>
            {report.versions.length === 0
              ? '—'
              : report.versions.map((version) => (
                  <span key={version.version} className="report-version">
                    <span className="mono">{version.version}</span> <StatusBadge status={version.status} />
                  </span>
                ))}
          </dd>
          <dt>Traffic then</dt>
          <dd>
            stable <span className="mono">{deployment.stable_version ?? 'none'}</span>
            {deployment.canary_version && (
              <>
                , canary <span className="mono">{deployment.canary_version}</span> at {formatTraffic(deployment.canary_pct)}
              </>
            )}{' '}
            <StatusBadge status={deployment.phase} />
          </dd>
        </dl>
      </div>
      {runs.length === 0 ? (
        <EmptyState icon="scroll" title="This report holds no eval runs" />
      ) : (
        <EvalReportBody
          runs={runs}
          policy={report.gate_policy}
          selectedRunId={selection.selectedRunId}
          compare={selection.compare}
          trendMetric={selection.trendMetric}
          onSelectRun={onSelectRun}
          onCompare={onCompare}
          onSwap={onSwap}
          onTrendMetric={onTrendMetric}
          compact={compact}
        />
      )}
      {report.runs_omitted > 0 && <p className="muted">{formatInteger(report.runs_omitted)} older runs are not in this report.</p>}
    </>
  );
}

export function ReportViewer({
  opened,
  compact = false,
  onClose,
  onImportKey,
}: {
  opened: OpenedReport;
  compact?: boolean;
  onClose?: () => void;
  onImportKey?: () => void;
}): ReactElement {
  const [reveal, setReveal] = useState(false);
  const trusted = showsContentsByDefault(opened);
  return (
    <article className="report-viewer" aria-label={`Report file ${opened.file_name}`}>
      <header className="report-viewer-head">
        <Icon name="file" />
        <span className="mono truncate" title={opened.path ?? opened.file_name}>
          {opened.file_name}
        </span>
        <span className="spacer" />
        {onClose && (
          <Button size="sm" variant="ghost" icon="cross" onClick={onClose} aria-label={`Close ${opened.file_name}`}>
            Close
          </Button>
        )}
      </header>
      <VerdictBanner opened={opened} {...(onImportKey ? { onImportKey } : {})} />
      {opened.signed && !trusted && !reveal && (
        <div>
          <Button size="sm" variant="ghost" onClick={() => setReveal(true)}>
            Show what the altered file claims
          </Button>
        </div>
      )}
      {opened.signed && (trusted || reveal) && (
        <div className={trusted ? undefined : 'report-untrusted'}>
          <ReportContents signed={opened.signed} compact={compact} />
        </div>
      )}
    </article>
  );
}
