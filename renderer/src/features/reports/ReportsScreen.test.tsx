// Offline reports through the whole app: reachable signed out from the sign-in
// screen, open by dialog / drop / the OS, a file over 50 MB refused before it is
// read, two side by side, a key import that re-checks, and export from the eval report.
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { REPORT_FILE_MAX_BYTES } from '../../../../shared/report/report.js';
import { App } from '../../app/App.js';
import { connectPushes } from '../../app/push-bridge.js';
import { useStore } from '../../app/store.js';
import { deployment, model, OLIVIA, version } from '../../test-support/fixtures.js';
import { installTableLayout } from '../../test-support/layout.js';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { FAILING_RUN, KEY_ID, openedReport, PASSING_RUN, signedReport, VERIFIED } from '../../test-support/report-fixtures.js';
import { resetStore } from '../../test-support/store-reset.js';

configure({ asyncUtilTimeout: 5000 });

vi.mock('../evals/echarts-loader.js', () => ({ loadEcharts: () => new Promise(() => {}) }));
// The page builder has its own test (report-html.test.ts); here only what is sent matters.
vi.mock('./report-page.js', () => ({ buildReportPage: async () => '<!doctype html><html><body><svg></svg></body></html>' }));

let double: ModelOpsDouble;
let disconnect: () => void;
let signedIn = false;

beforeAll(installTableLayout);
beforeEach(() => {
  resetStore();
  signedIn = false;
  double = installModelOpsDouble({
    'app:session:state': () => ok(signedIn ? { status: 'signed_in', user: OLIVIA, remembered: false } : { status: 'signed_out', remembered_user: null }),
    'app:session:restore': () => ok({ status: 'signed_out', remembered_user: null }),
    'app:app:info': () => ok({ name: 'Model Ops Console', version: '0.1.0', mode: 'remote', bff_origin: 'https://bff.example', platform: 'linux', badge_supported: false }),
    'app:settings:get': () =>
      ok({ settings: { bff_url: 'https://bff.example', notifications_enabled: true, theme: 'system', run_in_background: 'approvers', launch_at_login: false }, locked: [], mode: 'remote', bff_origin: 'https://bff.example', policy: { path: '/etc/p.json', state: 'absent' }, restart_required: false }),
    'app:connection:state': () => ok({ state: 'idle' }),
    'app:approvals:list': () => ok({ items: [], next_cursor: null }),
    'app:reports:keys': () => ok({ keys: [] }),
  });
  disconnect = connectPushes();
});
afterEach(() => {
  cleanup();
  disconnect();
  double.uninstall();
});

/** A File as Chromium has it: jsdom's lacks arrayBuffer(). */
function fileOf(text: string, name: string, read: () => Promise<ArrayBuffer> = async () => new TextEncoder().encode(text).buffer): File {
  const file = new File([text], name);
  Object.defineProperty(file, 'arrayBuffer', { value: read });
  return file;
}

function dropFiles(files: File[]): void {
  const dataTransfer = { types: ['Files'], files, dropEffect: 'none' };
  fireEvent.dragEnter(window, { dataTransfer });
  fireEvent.dragOver(window, { dataTransfer });
  fireEvent.drop(window, { dataTransfer });
}

describe('offline reports', () => {
  it('opens from the sign-in screen with no session: dialog -> verified, keys listed', async () => {
    double.on('app:reports:open', () => ok({ status: 'opened', report: openedReport(VERIFIED) }));
    render(<App />);
    fireEvent.click(await screen.findByRole('link', { name: 'Open it without signing in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Offline reports' })).toBeTruthy();
    expect(screen.getByText('Offline review — not signed in')).toBeTruthy();
    expect(screen.getByText('None yet: sign in to a BFF, or import a key.')).toBeTruthy();

    fireEvent.click(screen.getAllByRole('button', { name: 'Open report…' })[0]!);
    expect(await screen.findByText('Verified', { selector: '.report-verdict-title' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /ltr-ranker 2\.2\.0 vs 2\.0\.0/, pressed: true })).toBeTruthy();
    expect(screen.getByRole('table', { name: '2.2.0 compared with 2.0.0' })).toBeTruthy();
  });

  it('Ctrl+O opens the dialog from any screen; a cancelled dialog changes nothing', async () => {
    double.on('app:reports:open', () => ok({ status: 'cancelled' }));
    render(<App />);
    await screen.findByRole('form', { name: 'Sign in' });
    fireEvent.keyDown(document.body, { key: 'o', ctrlKey: true });
    await waitFor(() => expect(double.callsTo('app:reports:open')).toHaveLength(1));
    expect(screen.getByRole('form', { name: 'Sign in' })).toBeTruthy();
  });

  it('a drop over 50 MB is refused by its size, never read or sent; two dropped files open side by side', async () => {
    double.on('app:reports:open-dropped', ({ file_name }) =>
      ok(file_name.startsWith('tampered') ? openedReport({ status: 'altered', key_id: KEY_ID }, { file_name, path: null }) : openedReport(VERIFIED, { file_name, path: null })),
    );
    render(<App />);
    await screen.findByRole('form', { name: 'Sign in' });

    const read = vi.fn(async () => new ArrayBuffer(1));
    const huge = fileOf('x', 'huge.modelreport.json', read);
    Object.defineProperty(huge, 'size', { value: REPORT_FILE_MAX_BYTES + 1 });
    act(() => dropFiles([huge]));
    expect(await screen.findByText(/The file is 50\.1 MB: report files over 50 MB are refused without being read\./)).toBeTruthy();
    expect(read).not.toHaveBeenCalled();
    expect(double.callsTo('app:reports:open-dropped')).toEqual([]);

    const text = JSON.stringify(signedReport());
    act(() => dropFiles([fileOf(text, 'genuine.modelreport.json'), fileOf(text, 'tampered.modelreport.json')]));
    await screen.findByText('Altered — do not trust this file', { selector: '.report-verdict-title' });
    const sent = double.callsTo('app:reports:open-dropped');
    expect(sent.map((call) => call.file_name)).toEqual(['genuine.modelreport.json', 'tampered.modelreport.json']);
    expect(new TextDecoder().decode(sent[0]!.bytes)).toBe(text);
    const panels = screen.getAllByRole('article');
    expect(panels.map((panel) => panel.getAttribute('aria-label'))).toEqual(['Report file genuine.modelreport.json', 'Report file tampered.modelreport.json']);
    expect(panels[0]!.parentElement!.className).toContain('is-side-by-side');
    expect(within(panels[0]!).getByText('Verified', { selector: '.report-verdict-title' })).toBeTruthy();

    // Back to one, then side by side again by choice.
    fireEvent.change(screen.getByRole('combobox', { name: 'Side by side with' }), { target: { value: '' } });
    expect(screen.getAllByRole('article')).toHaveLength(1);
  });

  it('a file the OS opened (push) is shown at once, signed out', async () => {
    render(<App />);
    await screen.findByRole('form', { name: 'Sign in' });
    act(() => double.push('app:reports:opened', openedReport({ status: 'invalid', problem: 'not_json', message: 'The file is not JSON, so it is not an exported report.' }, { file_name: 'notes.json', signed: null })));
    expect(await screen.findByText('The file is not JSON, so it is not an exported report.')).toBeTruthy();
    expect(useStore.getState().route).toEqual({ name: 'reports' });
  });

  it('import the key of an unknown-key report: the report is checked again and turns verified', async () => {
    const unknown = openedReport({ status: 'unknown_key', key_id: KEY_ID });
    double.on('app:reports:open', () => ok({ status: 'opened', report: unknown }));
    double.on('app:reports:import-key', ({ public_key_pem }) =>
      public_key_pem.includes('BEGIN PUBLIC KEY')
        ? ok({ key: { key_id: KEY_ID, alg: 'Ed25519', public_key_pem, source: { kind: 'imported', label: 'audit team' }, pinned_at: '2026-11-20T10:00:00.000Z' } })
        : fail('invalid_key', 'Not a PEM public key'),
    );
    double.on('app:reports:reverify', ({ opened_id }) => ok({ ...unknown, opened_id, verification: { ...VERIFIED, bff_origin: null, key_label: 'audit team' } }));
    window.location.hash = '#/reports';
    render(<App />);
    fireEvent.click((await screen.findAllByRole('button', { name: 'Open report…' }))[0]!);
    fireEvent.click(await screen.findByRole('button', { name: 'Import the key…' }));

    const dialog = await screen.findByRole('dialog', { name: 'Import a report-signing key' });
    expect(dialog.textContent).toContain(`The report names key ${KEY_ID}`);
    fireEvent.change(within(dialog).getByLabelText('Public key (PEM)'), { target: { value: 'hello' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import key' }));
    expect(await within(dialog).findByText('This is not a report-signing public key.')).toBeTruthy();

    fireEvent.change(within(dialog).getByLabelText('Public key (PEM)'), { target: { value: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n' } });
    fireEvent.change(within(dialog).getByLabelText('Where it comes from (optional)'), { target: { value: 'audit team' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText('Verified', { selector: '.report-verdict-title' }).parentElement!.textContent).toContain(`Signed by a key you imported: ${KEY_ID} (“audit team”)`);
    expect(double.callsTo('app:reports:reverify')).toEqual([{ opened_id: unknown.opened_id }]);
    expect(double.callsTo('app:reports:import-key')[1]).toMatchObject({ label: 'audit team' });
  });

  it('exports from the eval report screen: JSON through the main process, HTML built here; progress, then a toast naming the file', async () => {
    signedIn = true;
    window.location.hash = '#/models/ltr-ranker/evals';
    double.on('app:models:get', () => ok({ model: model(), versions: [version('2.2.0'), version('2.0.0', { status: 'active' })], deployment: deployment() }));
    double.on('app:evals:list', () => ok({ items: [PASSING_RUN, FAILING_RUN] }));
    let finish: (value: unknown) => void = () => undefined;
    double.on(
      'app:reports:export',
      () =>
        new Promise((resolve) => {
          finish = resolve as (value: unknown) => void;
        }),
    );
    double.on('app:reports:get', () => ok(signedReport()));
    render(<App />);

    const bar = await screen.findByRole('group', { name: 'Export for offline review' });
    expect(bar.textContent).toContain('Export 2.2.0 vs 2.0.0 for offline review');
    fireEvent.click(within(bar).getByRole('button', { name: 'Signed report (.json)' }));
    expect(await within(bar).findByRole('button', { name: 'Exporting…' })).toBeTruthy();
    expect((within(bar).getByRole('button', { name: 'Web page (.html)' }) as HTMLButtonElement).disabled).toBe(true);
    act(() =>
      finish(
        ok({
          status: 'saved',
          path: '/home/olivia/Downloads/ltr-ranker-2.2.0_2.0.0.modelreport.json',
          file_name: 'ltr-ranker-2.2.0_2.0.0.modelreport.json',
          bytes: 1234,
          verification: VERIFIED,
        }),
      ),
    );
    expect(await screen.findByText('Saved ltr-ranker-2.2.0_2.0.0.modelreport.json')).toBeTruthy();
    expect(double.callsTo('app:reports:export')[0]).toEqual({ format: 'json', model_id: 'ltr-ranker', versions: ['2.2.0', '2.0.0'] });

    double.on('app:reports:export', () => fail('file_write_failed', 'page.html could not be saved in /ro: the disk is read-only.'));
    fireEvent.click(within(bar).getByRole('button', { name: 'Web page (.html)' }));
    expect(await screen.findByText('The report could not be exported')).toBeTruthy();
    expect(screen.getByText(/The file could not be saved there\. Page\.html could not be saved in \/ro: the disk is read-only\./)).toBeTruthy();
    const html = double.callsTo('app:reports:export')[1]!;
    expect(html).toMatchObject({ format: 'html', model_id: 'ltr-ranker', versions: ['2.2.0', '2.0.0'] });
    expect((html as { html: string }).html).toContain('<svg');
    expect(double.callsTo('app:reports:get')).toEqual([{ model_id: 'ltr-ranker', versions: ['2.2.0', '2.0.0'] }]);
  });
});
