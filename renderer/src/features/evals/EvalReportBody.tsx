// The eval report as it is drawn, from plain data: runs with their gate, two
// versions compared metric by metric (absolute and relative delta, coloured
// by each metric's direction), a delta bar chart and a trend line. The live
// screen feeds it from the store, the offline viewer from a signed report file.
import { useCallback, useEffect, useId, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import type { EvalRunResult } from '../../../../shared/domain/eval-run.js';
import type { GatePolicy } from '../../../../shared/domain/gate.js';
import { useStore } from '../../app/store.js';
import { formatDateTime, formatInteger, formatMetric, formatRelative } from '../../lib/format.js';
import { useIsDark } from '../../lib/theme.js';
import { Button } from '../../ui/Button.js';
import { DeltaCell, DIRECTION_WORD, VerdictLabel } from '../../ui/DeltaCell.js';
import { GateBadge, GateChecks } from '../../ui/GateBadge.js';
import { Callout } from '../../ui/States.js';
import { fittedTableHeight, VirtualTable, type Column } from '../../ui/VirtualTable.js';
import { ChartFrame } from './ChartFrame.js';
import { deltaBarOption, themeColors, trendOption, type ChartColors } from './chart-options.js';
import { compareVersions, metricNames, trendOf, versionsInRuns, type Comparison } from './eval-view.js';

export const RUN_COLUMNS: Array<Column<EvalRunResult>> = [
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
export function useChartColors(): ChartColors {
  const setting = useStore((s) => s.settings.view?.settings.theme);
  const dark = useIsDark(setting);
  const [colors, setColors] = useState<ChartColors>(() => themeColors());
  // Re-read after commit, not during render: the theme attribute is set in a layout effect, so
  // a render-time read would still see the old theme's colours.
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setColors(themeColors()), [dark, setting]);
  return colors;
}

export type CompareSelection = { candidate: string | null; baseline: string | null };

export type EvalReportBodyProps = {
  /** Newest first. */
  runs: readonly EvalRunResult[];
  /** The gate that judges a pair no run measured together. */
  policy: GatePolicy;
  selectedRunId: string | null;
  compare: CompareSelection;
  trendMetric: string;
  onSelectRun: (runId: string) => void;
  onCompare: (patch: Partial<CompareSelection>) => void;
  onSwap: () => void;
  onTrendMetric: (metric: string) => void;
  /** Shown above the runs (the live screen's export buttons). */
  toolbar?: ReactNode;
  /** Side by side, the delta chart goes under the table instead of beside it. */
  compact?: boolean;
};

/** The delta table, the relative-change chart and the gate checks of one comparison. */
export function ComparisonDetails({ comparison, colors }: { comparison: Comparison; colors: ChartColors }): ReactElement {
  const { candidate, baseline } = comparison;
  const deltaOption = useMemo(() => deltaBarOption(comparison.delta, colors), [comparison, colors]);
  return (
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
        {/* Focusable: a region that scrolls sideways must be reachable from the keyboard. */}
        <div className="delta-table-scroll" role="region" aria-label={`Deltas, ${candidate} against ${baseline}`} tabIndex={0}>
          <table className="table delta-table">
            <caption className="visually-hidden">
              {candidate} compared with {baseline}
            </caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col" className="align-end">
                  Baseline <span className="mono faint">{baseline}</span>
                </th>
                <th scope="col" className="align-end">
                  Candidate <span className="mono faint">{candidate}</span>
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
        </div>
        <div className="compare-chart">
          <h4>Relative change</h4>
          <ChartFrame
            option={deltaOption}
            label={`Relative change of each metric, ${candidate} against ${baseline}: ${comparison.delta.map((d) => `${d.metric} ${d.verdict ?? 'n/a'}`).join(', ')}`}
            measure="eval-chart:delta"
            className="chart-delta"
          />
        </div>
      </div>
      <details className="gate-details">
        <summary>Gate checks ({comparison.gate.checks.length})</summary>
        <GateChecks gate={comparison.gate} />
      </details>
    </>
  );
}

/** One side of the comparison: any version that has runs. */
function VersionPicker(props: { label: string; versions: readonly string[]; value: string | null; onChange: (version: string | null) => void }): ReactElement {
  return (
    <label className="toolbar-field">
      <span>{props.label}</span>
      <select value={props.value ?? ''} onChange={(event) => props.onChange(event.target.value || null)}>
        {props.versions.map((version) => (
          <option key={version} value={version}>
            {version}
          </option>
        ))}
      </select>
    </label>
  );
}

export function EvalReportBody(props: EvalReportBodyProps): ReactElement {
  const { runs, policy, selectedRunId, compare, trendMetric, onSelectRun, onCompare, onSwap, onTrendMetric, toolbar, compact = false } = props;
  // Two reports side by side each draw this: headings must not share ids.
  const ids = useId();
  const colors = useChartColors();
  const versions = useMemo(() => versionsInRuns(runs), [runs]);
  const metrics = useMemo(() => metricNames(runs), [runs]);
  const comparison = useMemo(
    () => (compare.candidate && compare.baseline ? compareVersions(runs, compare.candidate, compare.baseline, policy) : null),
    [runs, compare.candidate, compare.baseline, policy],
  );
  const trend = useMemo(() => trendOf(runs, trendMetric), [runs, trendMetric]);
  const trendChart = useMemo(() => trendOption(trend, trendMetric, colors), [trend, trendMetric, colors]);
  const rowKey = useCallback((run: EvalRunResult) => run.id, []);
  const onActive = useCallback((key: string) => onSelectRun(key), [onSelectRun]);

  const sameVersion = compare.candidate !== null && compare.candidate === compare.baseline;
  return (
    <div className={`evals${compact ? ' is-compact' : ''}`}>
      {toolbar}
      <section className="card evals-runs" aria-labelledby={`${ids}-runs`}>
        <header className="card-header">
          <h3 id={`${ids}-runs`}>Runs</h3>
          <span className="muted num">
            {formatInteger(runs.length)} {runs.length === 1 ? 'run' : 'runs'}, newest first
          </span>
        </header>
        <div className="runs-table" style={{ height: fittedTableHeight(runs.length, 40, 232) }}>
          <VirtualTable rows={runs} columns={RUN_COLUMNS} rowKey={rowKey} label="Eval runs" activeKey={selectedRunId} onActiveChange={onActive} rowHeight={40} />
        </div>
      </section>

      <section className="card evals-compare" aria-labelledby={`${ids}-compare`}>
        <header className="card-header">
          <h3 id={`${ids}-compare`}>Compare</h3>
          <div className="compare-pickers">
            <VersionPicker label="Candidate" versions={versions} value={compare.candidate} onChange={(candidate) => onCompare({ candidate })} />
            <Button size="sm" variant="ghost" onClick={onSwap} aria-label="Swap candidate and baseline">
              ⇄
            </Button>
            <VersionPicker label="Baseline" versions={versions} value={compare.baseline} onChange={(baseline) => onCompare({ baseline })} />
          </div>
        </header>

        {sameVersion ? (
          <Callout tone="info">Pick two different versions to compare.</Callout>
        ) : !comparison ? (
          <Callout tone="warn">One of these versions has no measured metrics.</Callout>
        ) : (
          <ComparisonDetails comparison={comparison} colors={colors} />
        )}
      </section>

      <section className="card evals-trend" aria-labelledby={`${ids}-trend`}>
        <header className="card-header">
          <h3 id={`${ids}-trend`}>Trend</h3>
          <label className="toolbar-field">
            <span>Metric</span>
            <select value={trendMetric} onChange={(event) => onTrendMetric(event.target.value)}>
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
