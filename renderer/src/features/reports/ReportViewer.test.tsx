// The offline viewer in each state the main process can report: verified (from a
// BFF, or a hand-imported key; a retired key), signed by an unknown key, altered
// (contents only on request), and not a report — each saying so in words.
import { cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { installTableLayout } from '../../test-support/layout.js';
import { BFF_ORIGIN, KEY_ID, openedReport, VERIFIED } from '../../test-support/report-fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';
import { ReportViewer } from './ReportViewer.js';

configure({ asyncUtilTimeout: 5000 });

// jsdom has no canvas: the charts stay in their loading state; the tables carry the data.
vi.mock('../evals/echarts-loader.js', () => ({ loadEcharts: () => new Promise(() => {}) }));

beforeAll(installTableLayout);
beforeEach(resetStore);
afterEach(cleanup);

function rowOf(metric: string): HTMLElement {
  return screen.getByRole('rowheader', { name: new RegExp(`^${metric}`) }).closest('tr') as HTMLElement;
}

describe('ReportViewer', () => {
  it('verified: green banner naming the BFF and the key; the same deltas, gate badges and charts as the live screen, read-only', () => {
    render(<ReportViewer opened={openedReport(VERIFIED)} />);
    const banner = screen.getByRole('status', { name: '' });
    expect(banner.className).toContain('report-verdict-good');
    expect(banner.textContent).toContain('Verified');
    expect(banner.textContent).toContain(`Signed by the BFF at ${BFF_ORIGIN} with key ${KEY_ID}`);
    expect(screen.getByRole('note').textContent).toMatch(/^Offline copy exported by Olivia Operator \(olivia\) at .+ from http:\/\/127\.0\.0\.1:8787\. Read-only/);

    // Opens on the pair it was exported for: 2.2.0 against 2.0.0, whose run passed.
    expect(screen.getByRole('table', { name: '2.2.0 compared with 2.0.0' })).toBeTruthy();
    expect(within(rowOf('latency_proxy')).getByText('better')).toBeTruthy();
    const runs = screen.getByRole('grid', { name: 'Eval runs' });
    expect(within(runs).getByText(/Gate failed: ndcg@10 fell 6%/)).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Relative change of each metric, 2\.2\.0 against 2\.0\.0/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^ndcg@10 across 2 runs/ })).toBeTruthy();
    // Nothing to act on: no rollout, no register, no approve.
    expect(screen.queryByRole('button', { name: /canary|promote|roll back|approve|register/i })).toBeNull();

    // Picking the failing run compares it, as on the live screen.
    fireEvent.change(screen.getByRole('combobox', { name: 'Candidate' }), { target: { value: '2.1.0' } });
    expect(screen.getByRole('table', { name: '2.1.0 compared with 2.0.0' })).toBeTruthy();
    expect(rowOf('ndcg@10').className).toBe('is-gate-failed');
  });

  it('verified with a hand-imported key names its label; a retired key is explained', () => {
    render(
      <ReportViewer
        opened={openedReport({ ...VERIFIED, bff_origin: null, key_label: 'from the audit team', key_retired_at: '2026-12-01T00:00:00.000Z' })}
      />,
    );
    const banner = document.querySelector('.report-verdict-good')!;
    // It is the user's own import that vouches, not the BFF the report names.
    expect(banner.textContent).toContain(`Signed by a key you imported: ${KEY_ID} (“from the audit team”)`);
    expect(banner.textContent).not.toContain('Signed by the BFF');
    expect(banner.textContent).toContain(`The report says it comes from ${BFF_ORIGIN}`);
    expect(banner.textContent).toMatch(/This key was retired on .+, after it signed this report/);
  });

  it('a report exported after its key was retired is flagged', () => {
    render(<ReportViewer opened={openedReport({ ...VERIFIED, key_retired_at: '2026-11-01T00:00:00.000Z' })} />);
    expect(document.querySelector('.report-verdict-good')!.textContent).toMatch(/exported after its key was retired/);
  });

  it('unknown key: amber, names the key, offers the import, and shows the contents as unconfirmed', () => {
    const onImportKey = vi.fn();
    render(<ReportViewer opened={openedReport({ status: 'unknown_key', key_id: 'ed25519-ffffffffffffffff' })} onImportKey={onImportKey} />);
    const banner = document.querySelector('.report-verdict-warn')!;
    expect(banner.textContent).toContain('Signed by an unknown key');
    expect(banner.textContent).toContain('Key ed25519-ffffffffffffffff is not one this console trusts, so nothing below is confirmed');
    fireEvent.click(screen.getByRole('button', { name: 'Import the key…' }));
    expect(onImportKey).toHaveBeenCalledOnce();
    expect(screen.getByRole('table', { name: '2.2.0 compared with 2.0.0' })).toBeTruthy();
  });

  it("signed by another BFF's key: amber, names both origins and the key, contents shown as unconfirmed", () => {
    render(<ReportViewer opened={openedReport({ status: 'other_origin', key_id: KEY_ID, key_origin: 'https://staging.example', report_origin: BFF_ORIGIN })} />);
    const banner = document.querySelector('.report-verdict-warn')!;
    expect(banner.textContent).toContain("Signed by another BFF's key");
    expect(banner.textContent).toContain(`The report says it comes from ${BFF_ORIGIN}, but it is signed with key ${KEY_ID}, which this console pinned from https://staging.example`);
    expect(banner.textContent).toContain('nothing below is confirmed');
    expect(document.querySelector('.report-verdict-good')).toBeNull();
    expect(screen.getByRole('table', { name: '2.2.0 compared with 2.0.0' })).toBeTruthy();
  });

  it('altered: red "do not trust", and what the file claims only on request, marked', () => {
    render(<ReportViewer opened={openedReport({ status: 'altered', key_id: KEY_ID })} />);
    const alert = screen.getByRole('alert');
    expect(alert.className).toContain('report-verdict-bad');
    expect(alert.textContent).toContain('Altered — do not trust this file');
    expect(alert.textContent).toContain('the file was changed after the BFF signed it');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('note')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show what the altered file claims' }));
    expect(screen.getByRole('table', { name: '2.2.0 compared with 2.0.0' }).closest('.report-untrusted')).not.toBeNull();
  });

  it('not a report: the main process\'s sentence, no contents', () => {
    const message = 'The file ends too early: it is cut off (an incomplete download or copy?), so nothing in it can be checked.';
    render(<ReportViewer opened={openedReport({ status: 'invalid', problem: 'truncated', message }, { file_name: 'cut.modelreport.json' })} onClose={() => undefined} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe(`Not a report this console can read${message}`);
    expect(screen.getByRole('article', { name: 'Report file cut.modelreport.json' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Close cut.modelreport.json' })).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('button', { name: /Show what/ })).toBeNull();
  });
});
