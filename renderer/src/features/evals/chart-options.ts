// echarts options for the eval report, built from plain data and the theme's
// colours. Pure: the benchmark and the tests build the same options as the screen.
import type { EChartsCoreOption } from 'echarts/core';
import type { MetricDelta } from '../../../../shared/domain/gate.js';
import { formatMetric, formatPercent, formatSignedMetric } from '../../lib/format.js';
import type { TrendPoint } from './eval-view.js';

export type ChartColors = {
  text: string;
  muted: string;
  grid: string;
  better: string;
  worse: string;
  same: string;
  accent: string;
  baseline: string;
  surface: string;
};

/** Colours from the page's CSS custom properties, so charts follow the light/dark theme. */
export function themeColors(element: Element = document.documentElement): ChartColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--text', '#1a1d23'),
    muted: read('--text-muted', '#545d69'),
    grid: read('--border', '#e1e4ea'),
    better: read('--good', '#17794a'),
    worse: read('--bad', '#c02c45'),
    same: read('--text-faint', '#7b8492'),
    accent: read('--accent', '#4a5bd4'),
    baseline: read('--text-faint', '#7b8492'),
    surface: read('--bg-surface', '#ffffff'),
  };
}

const tooltipBase = (colors: ChartColors) => ({
  // richText draws the tooltip on the canvas: no HTML with inline style attributes,
  // which the page's CSP (style-src 'self') would block.
  renderMode: 'richText' as const,
  backgroundColor: colors.surface,
  borderColor: colors.grid,
  textStyle: { color: colors.text, fontSize: 12 },
  confine: true,
});

/**
 * Relative change per metric as horizontal bars, coloured by better / worse
 * for the metric's direction (so a latency drop is green). Metrics with no
 * relative change (zero baseline) use the absolute one, said in the label.
 */
export function deltaBarOption(delta: readonly MetricDelta[], colors: ChartColors): EChartsCoreOption {
  const rows = [...delta].reverse(); // echarts draws the first category at the bottom
  const value = (d: MetricDelta) => (d.rel !== null ? d.rel * 100 : (d.abs ?? 0));
  const label = (d: MetricDelta) => (d.rel !== null ? formatPercent(d.rel, true) : d.abs !== null ? `${formatSignedMetric(d.abs)} (abs.)` : 'missing');
  const colour = (d: MetricDelta) => (d.verdict === 'better' ? colors.better : d.verdict === 'worse' ? colors.worse : colors.same);
  return {
    animation: false,
    grid: { left: 8, right: 72, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'item',
      formatter: (params: { dataIndex: number }) => {
        const d = rows[params.dataIndex]!;
        const word = d.verdict === 'better' ? 'better' : d.verdict === 'worse' ? 'worse' : d.verdict === 'same' ? 'no change' : 'n/a';
        return `${d.metric}\n${formatMetric(d.baseline)} → ${formatMetric(d.candidate)}\n${label(d)} (${word})`;
      },
    },
    xAxis: {
      type: 'value',
      // Few ticks, and echarts drops any label that would touch its neighbour ("-15%-10%-5%" ran together).
      splitNumber: 4,
      axisLabel: { color: colors.muted, hideOverlap: true, formatter: (v: number) => formatPercent(v / 100) },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    yAxis: {
      type: 'category',
      data: rows.map((d) => d.metric),
      axisLabel: { color: colors.text, fontFamily: 'monospace' },
      axisLine: { lineStyle: { color: colors.grid } },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 18,
        data: rows.map((d) => ({ value: value(d), itemStyle: { color: colour(d), borderRadius: 3 } })),
        label: {
          show: true,
          position: 'right',
          color: colors.muted,
          formatter: (params: { dataIndex: number }) => label(rows[params.dataIndex]!),
        },
        markLine: { silent: true, symbol: 'none', data: [{ xAxis: 0 }], lineStyle: { color: colors.muted, type: 'solid' }, label: { show: false } },
      },
    ],
  };
}

/** Points above which the trend drops its symbols and animation and samples the line. */
export const LARGE_TREND = 150;

/**
 * A metric across runs, oldest to newest: the candidate's value, the
 * baseline it was compared with, and runs whose gate failed marked in red.
 */
export function trendOption(points: readonly TrendPoint[], metric: string, colors: ChartColors): EChartsCoreOption {
  const large = points.length > LARGE_TREND;
  const labels = points.map((p) => p.version);
  return {
    animation: !large,
    grid: { left: 8, right: 16, top: 32, bottom: large ? 48 : 24, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { color: colors.muted }, itemWidth: 14, itemHeight: 8 },
    tooltip: {
      ...tooltipBase(colors),
      trigger: 'axis',
      formatter: (params: Array<{ dataIndex: number }>) => {
        const p = points[params[0]?.dataIndex ?? 0];
        if (!p) return '';
        return `${p.version} · ${p.finishedAt.slice(0, 10)}\n${metric}: ${formatMetric(p.value)} (baseline ${formatMetric(p.baseline)})\nGate ${p.passed ? 'passed' : 'failed'}`;
      },
    },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: false,
      axisLabel: { color: colors.muted, hideOverlap: true },
      axisLine: { lineStyle: { color: colors.grid } },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { color: colors.muted, formatter: (v: number) => formatMetric(v) },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    dataZoom: large ? [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 8, borderColor: colors.grid }] : [],
    series: [
      {
        name: `${metric} (candidate)`,
        type: 'line',
        data: points.map((p) =>
          p.passed || large ? p.value : { value: p.value, itemStyle: { color: colors.worse }, symbolSize: 8 },
        ),
        showSymbol: !large,
        symbolSize: 6,
        sampling: large ? 'lttb' : undefined,
        lineStyle: { color: colors.accent, width: 2 },
        itemStyle: { color: colors.accent },
        connectNulls: true,
      },
      {
        name: 'baseline',
        type: 'line',
        data: points.map((p) => p.baseline),
        showSymbol: false,
        sampling: large ? 'lttb' : undefined,
        lineStyle: { color: colors.baseline, width: 1.5, type: 'dashed' },
        itemStyle: { color: colors.baseline },
        connectNulls: true,
      },
    ],
  };
}
