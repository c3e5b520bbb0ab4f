// On-demand loading of echarts: the first chart on screen pays for it, the
// initial renderer bundle does not. Tests replace this module.
export type EchartsModule = typeof import('./echarts-setup.js');

let loading: Promise<EchartsModule> | null = null;

export function loadEcharts(): Promise<EchartsModule> {
  loading ??= import('./echarts-setup.js').catch((error: unknown) => {
    // A failed load (e.g. a broken install) may be retried by the next chart.
    loading = null;
    throw error;
  });
  return loading;
}
