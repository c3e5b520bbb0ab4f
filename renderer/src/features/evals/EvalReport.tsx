// The eval report of one model: runs with their gate, any two versions
// compared metric by metric (absolute and relative delta, coloured by each
// metric's direction), a delta bar chart and a trend line across runs.
import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EvalRunResult } from '../../../../shared/domain/eval-run.js';
import type { Model } from '../../../../shared/domain/model.js';
import { effectiveGatePolicy } from '../../../../shared/logic/gate.js';
import { useStore } from '../../app/store.js';
import { formatDateTime, formatInteger, formatMetric, formatRelative } from '../../lib/format.js';
import { useIsDark } from '../../lib/theme.js';
import { Button } from '../../ui/Button.js';
import { DeltaCell, DIRECTION_WORD, VerdictLabel } from '../../ui/DeltaCell.js';
import { GateBadge, GateChecks } from '../../ui/GateBadge.js';
import { Callout, EmptyState, ErrorState } from '../../ui/States.js';
import { LoadingState } from '../../ui/Spinner.js';
import { fittedTableHeight, VirtualTable, type Column } from '../../ui/VirtualTable.js';
import { ChartFrame } from './ChartFrame.js';
import { deltaBarOption, themeColors, trendOption, type ChartColors } from './chart-options.js';
import { compareVersions, metricNames, trendOf, versionsInRuns } from './eval-view.js';

const RUN_COLUMNS: Array<Column<EvalRunResult>> = [
  {
    id: 'versions',
    header: 'Candidate vs baseline',
    width: 'minmax(150px, 1.2fr)',
    render: (run) => (
      <span className="mono">
        {run.version} <span className="faint">vs</span> {run.baseline_version}
      </span>
    ),
  },
  { id: 'dataset', header: 'Dataset', width: 'minmax(140px, 1.2fr)', render: (run) => <span className="truncate" title={`${run.dataset.name} (${run.dataset.hash})`}>{run.dataset.name}</span> },
  { id: 'finished', header: 'Finished', width: '120px', render: (run) => <span title={formatDateTime(run.finished_at)}>{formatRelative(run.finished_at)}</span> },
  { id: 'gate', header: 'Gate', width: 'minmax(200px, 2fr)', render: (run) => <GateBadge gate={run.gate} /> },
];

/** Theme colours for the charts, re-read whenever light/dark changes. */
function useChartColors(): ChartColors {
  const setting = useStore((s) => s.settings.view?.settings.theme);
  const dark = useIsDark(setting);
  const [colors, setColors] = useState<ChartColors>(() => themeColors());
  useEffect(() => setColors(themeColors()), [dark, setting]);
  return colors;
}

export function EvalReport({ model }: { model: Model }): ReactElement {
  const { status, error, runs, selectedRunId, compare, trendMetric } = useStore(useShallow((s) => s.evals));
  const { loadEvals, selectRun, setCompare, swapCompare, setTrendMetric } = useStore(
    useShallow((s) => ({ loadEvals: s.loadEvals, selectRun: s.selectRun, setCompare: s.setCompare, swapCompare: s.swapCompare, setTrendMetric: s.setTrendMetric })),
  );
  const loadedFor = useStore((s) => s.evals.modelId);
  const colors = useChartColors();

  useEffect(() => {
    void loadEvals(model.id);
  }, [loadEvals, model.id]);

  const policy = useMemo(() => effectiveGatePolicy(model), [model]);
  const versions = useMemo(() => versionsInRuns(runs), [runs]);
  const metrics = useMemo(() => metricNames(runs), [runs]);
  const comparison = useMemo(
    () => (compare.candidate && compare.baseline ? compareVersions(runs, compare.candidate, compare.baseline, policy) : null),
    [runs, compare.candidate, compare.baseline, policy],
  );
  const trend = useMemo(() => trendOf(runs, trendMetric), [runs, trendMetric]);
  const deltaOption = useMemo(() => (comparison ? deltaBarOption(comparison.delta, colors) : null), [comparison, colors]);
  const trendChart = useMemo(() => trendOption(trend, trendMetric, colors), [trend, trendMetric, colors]);
  const rowKey = useCallback((run: EvalRunResult) => run.id, []);
  const onActive = useCallback((key: string) => selectRun(key), [selectRun]);

  if (loadedFor !== model.id || status === 'idle' || (status === 'loading' && runs.length === 0)) return <LoadingState label="Loading eval runs…" />;
  if (status === 'error' && error) return <ErrorState error={error} onRetry={() => void loadEvals(model.id, { force: true })} />;
  if (runs.length === 0)
    return (
      <EmptyState icon="scroll" title="No eval runs yet">
        The eval runner reports runs to the BFF; they appear here with their delta against the baseline and the gate result.
      </EmptyState>
    );

  const sameVersion = compare.candidate !== null && compare.candidate === compare.baseline;
  return (
    <div className="evals">
      <section className="card evals-runs" aria-labelledby="runs-title">
        <header className="card-header">
          <h3 id="runs-title">Runs</h3>
          <span className="muted num">
            {formatInteger(runs.length)} {runs.length === 1 ? 'run' : 'runs'}, newest first
          </span>
        </header>
        <div className="runs-table" style={{ height: fittedTableHeight(runs.length, 40, 232) }}>
          <VirtualTable rows={runs} columns={RUN_COLUMNS} rowKey={rowKey} label="Eval runs" activeKey={selectedRunId} onActiveChange={onActive} rowHeight={40} />
        </div>
      </section>

      <section className="card evals-compare" aria-labelledby="compare-title">
        <header className="card-header">
          <h3 id="compare-title">Compare</h3>
          <div className="compare-pickers">
            <label className="toolbar-field">
              <span>Candidate</span>
              <select value={compare.candidate ?? ''} onChange={(event) => setCompare({ candidate: event.target.value || null })}>
                {versions.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <Button size="sm" variant="ghost" onClick={swapCompare} aria-label="Swap candidate and baseline">
              ⇄
            </Button>
            <label className="toolbar-field">
              <span>Baseline</span>
              <select value={compare.baseline ?? ''} onChange={(event) => setCompare({ baseline: event.target.value || null })}>
                {versions.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          </div>
        </header>

        {sameVersion ? (
          <Callout tone="info">Pick two different versions to compare.</Callout>
        ) : !comparison ? (
          <Callout tone="warn">One of these versions has no measured metrics.</Callout>
        ) : (
          <>
            <div className="compare-summary">
              <GateBadge gate={comparison.gate} />
              <span className="muted">
                {comparison.run
                  ? `Run ${comparison.run.id} on ${comparison.run.dataset.name}, ${formatDateTime(comparison.run.finished_at)}`
                  : `Each version's latest numbers, gated with this model's policy`}
              </span>
            </div>
            {!comparison.run && comparison.datasets.candidate !== comparison.datasets.baseline && (
              <Callout tone="warn">
                These versions were measured on different datasets ({comparison.datasets.candidate} and {comparison.datasets.baseline}); read the differences with care.
              </Callout>
            )}
            <div className="compare-grid">
              <table className="table delta-table">
                <caption className="visually-hidden">
                  {compare.candidate} compared with {compare.baseline}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col" className="align-end">
                      Baseline <span className="mono faint">{compare.baseline}</span>
                    </th>
                    <th scope="col" className="align-end">
                      Candidate <span className="mono faint">{compare.candidate}</span>
                    </th>
                    <th scope="col" className="align-end">
                      Δ abs
                    </th>
                    <th scope="col" className="align-end">
                      Δ rel
                    </th>
                    <th scope="col">Verdict</th>
                  </tr>
                </thead>
                <tbody>
                  {comparison.delta.map((d) => (
                    <tr key={d.metric} className={comparison.gate.failed_metrics.includes(d.metric) ? 'is-gate-failed' : undefined}>
                      <th scope="row">
                        <span className="mono">{d.metric}</span>
                        <span className="metric-direction" title={DIRECTION_WORD[d.direction]}>
                          {d.direction === 'higher_is_better' ? '↑ higher is better' : '↓ lower is better'}
                        </span>
                      </th>
                      <td className="align-end num">{formatMetric(d.baseline)}</td>
                      <td className="align-end num">{formatMetric(d.candidate)}</td>
                      <td className="align-end">
                        <DeltaCell delta={d} kind="abs" />
                      </td>
                      <td className="align-end">
                        <DeltaCell delta={d} kind="rel" />
                      </td>
                      <td>
                        <VerdictLabel verdict={d.verdict} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="compare-chart">
                <h4>Relative change</h4>
                {deltaOption && (
                  <ChartFrame
                    option={deltaOption}
                    label={`Relative change of each metric, ${compare.candidate} against ${compare.baseline}: ${comparison.delta
                      .map((d) => `${d.metric} ${d.verdict ?? 'n/a'}`)
                      .join(', ')}`}
                    measure="eval-chart:delta"
                    className="chart-delta"
                  />
                )}
              </div>
            </div>
            <details className="gate-details">
              <summary>Gate checks ({comparison.gate.checks.length})</summary>
              <GateChecks gate={comparison.gate} />
            </details>
          </>
        )}
      </section>

      <section className="card evals-trend" aria-labelledby="trend-title">
        <header className="card-header">
          <h3 id="trend-title">Trend</h3>
          <label className="toolbar-field">
            <span>Metric</span>
            <select value={trendMetric} onChange={(event) => setTrendMetric(event.target.value)}>
              {metrics.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        </header>
        <ChartFrame
          option={trendChart}
          label={`${trendMetric} across ${trend.length} runs, oldest to newest; ${trend.filter((p) => !p.passed).length} runs failed their gate`}
          measure="eval-chart:trend"
          className="chart-trend"
        />
      </section>
    </div>
  );
}
