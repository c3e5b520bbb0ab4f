// The echarts build the console uses: the core plus only the charts, components
// and renderer it draws with. Loaded with import() so it is a separate chunk.
// `use` renamed: echarts' registration function, not React's use() hook.
import { init, use as registerParts } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

registerParts([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, DataZoomComponent, CanvasRenderer]);

export { init };
