// Eval runs of one model, the selected run, the two versions being compared
// and the metric the trend line shows.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { EvalRunResult } from '../../../../shared/domain/eval-run.js';
import { call, type IpcError } from '../../lib/model-ops.js';
import { newestFirst } from './eval-view.js';

export type EvalsSlice = {
  evals: {
    modelId: string | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    /** Newest first. */
    runs: EvalRunResult[];
    selectedRunId: string | null;
    compare: { candidate: string | null; baseline: string | null };
    trendMetric: string;
  };
  loadEvals: (modelId: string, options?: { force?: boolean }) => Promise<void>;
  selectRun: (runId: string) => void;
  setCompare: (patch: { candidate?: string | null; baseline?: string | null }) => void;
  swapCompare: () => void;
  setTrendMetric: (metric: string) => void;
};

export const initialEvalsState = (): EvalsSlice['evals'] => ({
  modelId: null,
  status: 'idle',
  error: null,
  runs: [],
  selectedRunId: null,
  compare: { candidate: null, baseline: null },
  trendMetric: 'ndcg@10',
});

export const createEvalsSlice: StateCreator<All, [], [], EvalsSlice> = (set, get) => {
  const patch = slicePatch(set, 'evals');

  return {
    evals: initialEvalsState(),

    loadEvals: async (modelId, options) => {
      const current = get().evals;
      const same = current.modelId === modelId;
      // Coming back re-reads quietly: runs reported meanwhile must show.
      if (same && !options?.force && current.status === 'loading') return;
      if (same) patch(current.status === 'ready' ? { error: null } : { status: 'loading', error: null });
      else patch({ ...initialEvalsState(), modelId, status: 'loading' });
      const result = await call((api) => api.evals.list({ model_id: modelId }));
      if (get().evals.modelId !== modelId) return;
      if (!result.ok) {
        patch({ status: 'error', error: result.error });
        return;
      }
      const runs = newestFirst(result.value.items);
      const { selectedRunId, compare, trendMetric } = get().evals;
      const selected = runs.find((run) => run.id === selectedRunId) ?? runs[0] ?? null;
      const metrics = selected ? Object.keys(selected.metrics) : [];
      patch({
        status: 'ready',
        error: null,
        runs,
        selectedRunId: selected?.id ?? null,
        compare: compare.candidate !== null ? compare : { candidate: selected?.version ?? null, baseline: selected?.baseline_version ?? null },
        trendMetric: metrics.length === 0 || metrics.includes(trendMetric) ? trendMetric : metrics[0]!,
      });
    },

    selectRun: (runId) => {
      const run = get().evals.runs.find((r) => r.id === runId);
      if (!run) return;
      patch({ selectedRunId: runId, compare: { candidate: run.version, baseline: run.baseline_version } });
    },

    setCompare: (changes) => patch({ compare: { ...get().evals.compare, ...changes } }),

    swapCompare: () => {
      const { candidate, baseline } = get().evals.compare;
      patch({ compare: { candidate: baseline, baseline: candidate } });
    },

    setTrendMetric: (metric) => patch({ trendMetric: metric }),
  };
};
