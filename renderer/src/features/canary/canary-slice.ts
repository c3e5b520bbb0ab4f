// The online canary analysis of the model on screen (DESIGN §9): read once
// when the rollout tab opens, then kept current from the event stream
// (canary.evaluated, canary.rolled_back) — never polled.
import type { StateCreator } from 'zustand';
import type { All } from '../../app/store.js';
import type { IntervalEvaluation, StepAnalysisSummary } from '../../../../shared/domain/online-gate.js';
import { call, type IpcError } from '../../lib/model-ops.js';

/** Intervals kept for the live charts; older ones scroll away (a bound on memory, not a policy). */
export const MAX_INTERVALS_SHOWN = 200;

export type CanarySlice = {
  canary: {
    modelId: string | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    analysis: StepAnalysisSummary | null;
    intervals: IntervalEvaluation[];
  };
  loadCanary: (modelId: string) => Promise<void>;
  /** A canary.evaluated or canary.rolled_back event: the step's summary with its newest verdict. */
  canaryAnalysed: (analysis: StepAnalysisSummary) => void;
};

export const initialCanaryState = (): CanarySlice['canary'] => ({ modelId: null, status: 'idle', error: null, analysis: null, intervals: [] });

/** The intervals after `analysis` arrived: a new step starts over; the same step appends its newest verdict once. */
export function withAnalysis(current: Pick<CanarySlice['canary'], 'analysis' | 'intervals'>, analysis: StepAnalysisSummary): IntervalEvaluation[] {
  const sameStep = current.analysis?.state_version === analysis.state_version;
  const intervals = sameStep ? current.intervals : [];
  const last = analysis.last;
  if (!last || intervals.some((interval) => interval.window_end === last.window_end)) return intervals;
  return [...intervals, last].slice(-MAX_INTERVALS_SHOWN);
}

export const createCanarySlice: StateCreator<All, [], [], CanarySlice> = (set, get) => {
  const patch = (changes: Partial<CanarySlice['canary']>) => set((state) => ({ canary: { ...state.canary, ...changes } }));
  return {
    canary: initialCanaryState(),

    loadCanary: async (modelId) => {
      if (get().canary.modelId !== modelId) patch({ ...initialCanaryState(), modelId, status: 'loading' });
      const result = await call((api) => api.canary.get({ model_id: modelId }));
      if (get().canary.modelId !== modelId) return;
      if (result.ok) patch({ status: 'ready', error: null, analysis: result.value.analysis, intervals: result.value.intervals.slice(-MAX_INTERVALS_SHOWN) });
      else patch({ status: 'error', error: result.error });
    },

    canaryAnalysed: (analysis) => {
      const current = get().canary;
      if (current.modelId !== analysis.model_id) return;
      patch({ analysis, intervals: withAnalysis(current, analysis), status: 'ready' });
    },
  };
};
