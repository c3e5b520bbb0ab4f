import { cleanup, configure, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MetricDelta } from '../../../shared/domain/gate.js';
import { DeltaCell } from './DeltaCell.js';
import { Dialog } from './Dialog.js';
import { GateBadge } from './GateBadge.js';
import { JsonTree } from './JsonTree.js';
import { VirtualTable } from './VirtualTable.js';
import { installTableLayout } from '../test-support/layout.js';

// Two shared cores: async queries may need longer than the 1 s default.
configure({ asyncUtilTimeout: 5000 });

beforeAll(installTableLayout);
afterEach(cleanup);

describe('DeltaCell', () => {
  it('colours by verdict for the direction and says it in words', () => {
    const latency: MetricDelta = { metric: 'latency_proxy', direction: 'lower_is_better', baseline: 4.4, candidate: 3.6, abs: -0.8, rel: -0.1818, verdict: 'better' };
    render(<DeltaCell delta={latency} kind="rel" />);
    const cell = screen.getByLabelText(/latency_proxy relative change/);
    expect(cell.className).toContain('delta-better');
    expect(cell.getAttribute('aria-label')).toMatch(/better \(lower is better\)/);
    expect(cell.textContent).toMatch(/18\.18/);
  });

  it('shows a dash when a side is missing', () => {
    render(<DeltaCell delta={{ metric: 'f1', direction: 'higher_is_better', baseline: null, candidate: 0.9, abs: null, rel: null, verdict: null }} kind="abs" />);
    expect(screen.getByLabelText('f1: missing on one side').textContent).toBe('—');
  });
});

describe('GateBadge', () => {
  it('names the failing metric and its threshold, lower-is-better metrics "rose"', () => {
    render(
      <GateBadge
        gate={{
          passed: false,
          failed_metrics: ['latency_proxy'],
          checks: [{ metric: 'latency_proxy', direction: 'lower_is_better', passed: false, reason: 'regression_rel', limit: 0.1, observed: 0.2, message: 'latency_proxy rose by 0.88 (20.0 %), more than the allowed 10.0 %' }],
        }}
      />,
    );
    expect(screen.getByText(/Gate failed: latency_proxy rose 20% \(limit 10%\)/)).toBeTruthy();
  });
});

describe('Dialog', () => {
  function Harness() {
    const [open, setOpen] = useState(false);
    return (
      <>
        <button onClick={() => setOpen(true)}>Open</button>
        {open && (
          <Dialog title="Confirm" onClose={() => setOpen(false)}>
            <input aria-label="first" data-autofocus />
            <button>last</button>
          </Dialog>
        )}
      </>
    );
  }

  it('moves focus in, keeps Tab inside, closes on Esc and gives focus back', () => {
    render(<Harness />);
    const opener = screen.getByText('Open');
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Confirm' });
    expect(document.activeElement).toBe(screen.getByLabelText('first'));
    screen.getByText('last').focus();
    fireEvent.keyDown(dialog, { key: 'Tab' });
    // Wraps to the first focusable (the close button comes first in the header).
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});

describe('VirtualTable', () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `row-${i}` }));
  function Harness({ onOpen }: { onOpen: (id: string) => void }) {
    const [active, setActive] = useState<string | null>(null);
    return <VirtualTable rows={rows} columns={[{ id: 'id', header: 'Id', width: '1fr', render: (r) => r.id }]} rowKey={(r) => r.id} label="Rows" activeKey={active} onActiveChange={setActive} onOpen={(r) => onOpen(r.id)} />;
  }

  it('renders only a window of rows and moves with j/k and arrows; Enter opens', () => {
    const opened: string[] = [];
    render(<Harness onOpen={(id) => opened.push(id)} />);
    const grid = screen.getByRole('grid', { name: 'Rows' });
    expect(grid.getAttribute('aria-rowcount')).toBe('1001');
    expect(screen.getAllByRole('row').length).toBeLessThan(60);
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'k' });
    expect(screen.getByRole('row', { selected: true }).textContent).toBe('row-2');
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(opened).toEqual(['row-2']);
    fireEvent.keyDown(grid, { key: 'End' });
    // jsdom cannot scroll, so the row itself is not rendered; the grid points at it.
    expect(grid.getAttribute('aria-activedescendant')).toMatch(/-r999$/);
  });
});

describe('JsonTree', () => {
  it('folds, and search shows matches with their ancestors', () => {
    render(<JsonTree value={{ training_config: { learning_rate: 0.0002, epochs: 3 }, metrics: { ndcg: 0.5 } }} label="Metadata" searchable />);
    expect(screen.queryByText(/learning_rate/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Search Metadata'), { target: { value: 'learning' } });
    expect(screen.getByText('learning')).toBeTruthy();
    expect(screen.queryByText(/ndcg/)).toBeNull();
    fireEvent.change(screen.getByLabelText('Search Metadata'), { target: { value: 'zzz' } });
    expect(screen.getByText(/Nothing matches/)).toBeTruthy();
  });

  it('searches, expands and draws metadata nested 5,000 levels deep without recursing into all of it', () => {
    let deep: unknown = { needle: 'found' };
    for (let i = 0; i < 5000; i++) deep = { level: deep };
    render(<JsonTree value={{ top: 1, deep }} label="Metadata" searchable />);
    fireEvent.click(screen.getByRole('button', { name: 'Expand all' }));
    expect(screen.getByText(/nested deeper than 32 levels/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search Metadata'), { target: { value: 'needle' } });
    expect(screen.queryByText('top')).toBeNull();
    expect(screen.getByText(/nested deeper than 32 levels/)).toBeTruthy();
  });
});
