// The charts of the HTML page: the live screen's echarts options drawn by
// echarts' server-side SVG renderer (no DOM, no canvas) into SVG strings.
// Loaded with import(), like the live charts, so only an HTML export pays for it.
// `use` renamed: echarts' registration function, not React's use() hook.
import { init, use as registerParts, type EChartsCoreOption } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

registerParts([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

/** One chart as an SVG document; a static page has no tooltips and no zoom slider. */
export function renderChartSvg(option: EChartsCoreOption, width: number, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const { tooltip: _tooltip, dataZoom: _dataZoom, ...still } = option as Record<string, unknown>;
    chart.setOption({ ...still, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
