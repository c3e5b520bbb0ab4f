// echarts options of the live canary panel: canary against stable, interval
// by interval, for error rate and latency. Pure: tests build the same options.
import type { EChartsCoreOption } from 'echarts/core';
import type { IntervalEvaluation } from '../../../../shared/domain/online-gate.js';
import type { ChartColors } from '../evals/chart-options.js';

const timeOf = (iso: string) => iso.slice(11, 19);

export type LiveMetric = 'error_rate' | 'latency';

function valueOf(interval: IntervalEvaluation, side: 'canary' | 'stable', metric: LiveMetric): number | null {
  const summary = interval[side];
  if (metric === 'latency') return summary.latency_ms;
  return summary.error_rate === null ? null : Math.round(summary.error_rate * 10_000) / 100;
}

/** Two lines (canary, stable) over the intervals; failing intervals marked on the canary line. */
export function liveCanaryOption(intervals: readonly IntervalEvaluation[], metric: LiveMetric, colors: ChartColors): EChartsCoreOption {
  const unit = metric === 'latency' ? 'ms' : '%';
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { color: colors.muted }, itemWidth: 14, itemHeight: 8 },
    tooltip: {
      renderMode: 'richText',
      backgroundColor: colors.surface,
      borderColor: colors.grid,
      textStyle: { color: colors.text, fontSize: 12 },
      confine: true,
      trigger: 'axis',
    },
    xAxis: {
      type: 'category',
      data: intervals.map((interval) => timeOf(interval.window_end)),
      boundaryGap: false,
      axisLabel: { color: colors.muted, hideOverlap: true },
      axisLine: { lineStyle: { color: colors.grid } },
    },
    yAxis: {
      type: 'value',
      name: unit,
      nameTextStyle: { color: colors.muted },
      axisLabel: { color: colors.muted },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    series: [
      {
        name: 'canary',
        type: 'line',
        data: intervals.map((interval) => {
          const value = valueOf(interval, 'canary', metric);
          return interval.verdict === 'failing' ? { value, itemStyle: { color: colors.worse }, symbolSize: 8 } : value;
        }),
        symbolSize: 5,
        lineStyle: { color: colors.accent, width: 2 },
        itemStyle: { color: colors.accent },
        connectNulls: false,
      },
      {
        name: 'stable',
        type: 'line',
        data: intervals.map((interval) => valueOf(interval, 'stable', metric)),
        symbolSize: 4,
        lineStyle: { color: colors.baseline, width: 1.5, type: 'dashed' },
        itemStyle: { color: colors.baseline },
        connectNulls: false,
      },
    ],
  };
}
