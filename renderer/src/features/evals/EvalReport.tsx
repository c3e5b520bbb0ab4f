// The eval report of one model, live from the BFF: the store's runs and
// selection drawn by EvalReportBody, with the export of a signed report or a
// web page above them.
import { useEffect, useMemo, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Model } from '../../../../shared/domain/model.js';
import { effectiveGatePolicy } from '../../../../shared/logic/gate.js';
import { useStore } from '../../app/store.js';
import { EmptyState, ErrorState } from '../../ui/States.js';
import { LoadingState } from '../../ui/Spinner.js';
import { EvalReportBody } from './EvalReportBody.js';
import { ReportExportBar } from './ReportExportBar.js';

export function EvalReport({ model }: { model: Model }): ReactElement {
  const { status, error, runs, selectedRunId, compare, trendMetric } = useStore(useShallow((s) => s.evals));
  const { loadEvals, selectRun, setCompare, swapCompare, setTrendMetric } = useStore(
    useShallow((s) => ({ loadEvals: s.loadEvals, selectRun: s.selectRun, setCompare: s.setCompare, swapCompare: s.swapCompare, setTrendMetric: s.setTrendMetric })),
  );
  const loadedFor = useStore((s) => s.evals.modelId);

  useEffect(() => {
    void loadEvals(model.id);
  }, [loadEvals, model.id]);

  const policy = useMemo(() => effectiveGatePolicy(model), [model]);

  if (loadedFor !== model.id || status === 'idle' || (status === 'loading' && runs.length === 0)) return <LoadingState label="Loading eval runs…" />;
  if (status === 'error' && error) return <ErrorState error={error} onRetry={() => void loadEvals(model.id, { force: true })} />;
  if (runs.length === 0)
    return (
      <EmptyState icon="scroll" title="No eval runs yet">
        The eval runner reports runs to the BFF; they appear here with their delta against the baseline and the gate result.
      </EmptyState>
    );

  // The report is about the two versions on screen; with none picked, the BFF's default pair.
  const versions = compare.candidate && compare.baseline && compare.candidate !== compare.baseline ? [compare.candidate, compare.baseline] : undefined;
  return (
    <EvalReportBody
      runs={runs}
      policy={policy}
      selectedRunId={selectedRunId}
      compare={compare}
      trendMetric={trendMetric}
      onSelectRun={selectRun}
      onCompare={setCompare}
      onSwap={swapCompare}
      onTrendMetric={setTrendMetric}
      toolbar={<ReportExportBar modelId={model.id} versions={versions} />}
    />
  );
}
