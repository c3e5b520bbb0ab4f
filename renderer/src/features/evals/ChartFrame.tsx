// Hosts one echarts chart: loads echarts on demand, follows the container's
// size, and records how long the first render took (User Timing, read by the
// benchmark). The chart is an image to assistive technology; the tables carry the data.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { loadEcharts } from './echarts-loader.js';
import { Spinner } from '../../ui/Spinner.js';

export type ChartFrameProps = {
  option: EChartsCoreOption;
  /** What the chart shows, in words. */
  label: string;
  /** User Timing name for the first render, e.g. "eval-chart:trend". */
  measure?: string;
  className?: string;
};

export function ChartFrame({ option, label, measure, className }: ChartFrameProps): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const optionRef = useRef(option);
  optionRef.current = option;

  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    loadEcharts().then(
      ({ init }) => {
        if (cancelled || !host.current) return;
        const started = performance.now();
        const instance = init(host.current, undefined, { renderer: 'canvas' });
        chart.current = instance;
        if (measure) {
          // The first frame drawn ('rendered'), not 'finished': that one waits for the entry animation.
          instance.on('rendered', function record() {
            instance.off('rendered', record);
            performance.measure(measure, { start: started, end: performance.now() });
          });
        }
        instance.setOption(optionRef.current, { notMerge: true });
        if (typeof ResizeObserver !== 'undefined') {
          observer = new ResizeObserver(() => instance.resize());
          observer.observe(host.current);
        }
        setState('ready');
      },
      () => !cancelled && setState('error'),
    );
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [measure]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div className={`chart${className ? ` ${className}` : ''}`}>
      <div ref={host} className="chart-canvas" role="img" aria-label={label} />
      {state === 'loading' && (
        <div className="chart-overlay">
          <Spinner size={16} label="Loading chart" />
        </div>
      )}
      {state === 'error' && <div className="chart-overlay muted">The chart could not be drawn.</div>}
    </div>
  );
}
