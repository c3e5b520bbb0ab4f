import { cleanup, configure, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../../app/store.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { BASELINE_METRICS, model, run } from '../../test-support/fixtures.js';
import { installTableLayout } from '../../test-support/layout.js';
import { resetStore } from '../../test-support/store-reset.js';
import { EvalReport } from './EvalReport.js';

// Two shared cores: async queries may need longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no canvas: the charts stay in their loading state; the tables carry the data.
vi.mock('./echarts-loader.js', () => ({ loadEcharts: () => new Promise(() => {}) }));

let double: ModelOpsDouble;
beforeAll(installTableLayout);
beforeEach(resetStore);
afterEach(() => {
  cleanup();
  double.uninstall();
});

function rowOf(metric: string): HTMLElement {
  return screen.getByRole('rowheader', { name: new RegExp(`^${metric}`) }).closest('tr') as HTMLElement;
}

describe('eval report', () => {
  it('colours a rising lower-is-better metric as worse and names it, with its limit, in the gate badge', async () => {
    const slower = run('slow', '2.2.0', '2.0.0', { ...BASELINE_METRICS, latency_proxy: 5.28 });
    double = installModelOpsDouble({ 'app:evals:list': () => ok({ items: [slower] }) });
    render(<EvalReport model={model()} />);
    await screen.findByText('Compare');

    const latency = rowOf('latency_proxy');
    expect(within(latency).getByText('worse')).toBeTruthy();
    expect(within(latency).getByLabelText(/relative change \+20%: worse \(lower is better\)/)).toBeTruthy();
    expect(latency.className).toBe('is-gate-failed');
    expect(screen.getAllByText(/Gate failed: latency_proxy rose 20% \(limit 10%\)/).length).toBeGreaterThan(0);
  });

  it('colours a falling lower-is-better metric as better and a falling higher-is-better one as worse', async () => {
    const mixed = run('mix', '2.1.0', '2.0.0', { ...BASELINE_METRICS, latency_proxy: 3.6, 'ndcg@10': 0.499 });
    double = installModelOpsDouble({ 'app:evals:list': () => ok({ items: [mixed] }) });
    render(<EvalReport model={model()} />);
    await screen.findByText('Compare');
    expect(within(rowOf('latency_proxy')).getByText('better')).toBeTruthy();
    expect(within(rowOf('ndcg@10')).getByText('worse')).toBeTruthy();
    expect(screen.getAllByText('Gate passed').length).toBeGreaterThan(0);
  });

  it('shows the empty and the error state, with the BFF message', async () => {
    double = installModelOpsDouble({ 'app:evals:list': () => ok({ items: [] }) });
    render(<EvalReport model={model()} />);
    expect(await screen.findByText('No eval runs yet')).toBeTruthy();
    cleanup();
    resetStore();
    double.on('app:evals:list', () => fail('not_found', 'no model ltr-ranker'));
    render(<EvalReport model={model()} />);
    expect(await screen.findByText('It no longer exists.')).toBeTruthy();
    expect(screen.getByText('No model ltr-ranker')).toBeTruthy();
    expect(useStore.getState().evals.status).toBe('error');
  });
});
