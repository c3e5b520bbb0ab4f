// Builds the HTML export of a signed report: the comparison it was exported
// for and a trend line per metric, drawn with the live screen's chart options
// in light colours (a page meant for printing and mail), then the page itself.
import type { SignedReport } from '../../../../shared/report/report.js';
import { deltaBarOption, trendOption, type ChartColors } from '../evals/chart-options.js';
import { metricNames, newestFirst, trendOf } from '../evals/eval-view.js';
import { buildReportHtml } from './report-html.js';
import { initialComparison } from './report-view.js';

/** The light theme's colours (styles/tokens.css), fixed: the page does not follow the viewer's theme. */
export const PAGE_CHART_COLORS: ChartColors = {
  text: '#1a1d23',
  muted: '#545d69',
  grid: '#e1e4ea',
  better: '#17794a',
  worse: '#c02c45',
  same: '#5f6875',
  accent: '#4a5bd4',
  baseline: '#5f6875',
  surface: '#ffffff',
};

/** Trend charts beyond this many metrics would bury the page; the run tables hold every number. */
const MAX_TREND_CHARTS = 6;
const CHART_WIDTH = 720;

type ChartRenderer = typeof import('./report-charts.js');

let loading: Promise<ChartRenderer> | null = null;
function loadChartRenderer(): Promise<ChartRenderer> {
  loading ??= import('./report-charts.js').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

export async function buildReportPage(signed: SignedReport, renderer: Promise<ChartRenderer> = loadChartRenderer()): Promise<string> {
  const { renderChartSvg } = await renderer;
  const report = signed.report;
  const runs = newestFirst(report.runs);
  const comparison = initialComparison(report);
  const delta = comparison ? renderChartSvg(deltaBarOption(comparison.delta, PAGE_CHART_COLORS), CHART_WIDTH, 48 + 32 * comparison.delta.length) : null;
  const trends = metricNames(runs)
    .slice(0, MAX_TREND_CHARTS)
    .map((metric) => ({ metric, svg: renderChartSvg(trendOption(trendOf(runs, metric), metric, PAGE_CHART_COLORS), 480, 240) }));
  return buildReportHtml({ signed, comparison, charts: { delta, trends } });
}
