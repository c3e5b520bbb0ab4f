// Offline reports: exported eval reports opened from files (dialog, drop, the
// OS), each with its verdict; two side by side to compare; and the signing keys
// this console trusts, with a hand import. Works signed out and offline.
import { useEffect, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PinnedKey } from '../../../../shared/report/report.js';
import { useStore } from '../../app/store.js';
import { formatDateTime } from '../../lib/format.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { EmptyState, InlineError } from '../../ui/States.js';
import { KeyImportDialog } from './KeyImportDialog.js';
import { openShortcutLabel } from './ReportFileHandlers.js';
import { ReportViewer } from './ReportViewer.js';
import { reportTitle, verdictWord } from './report-view.js';

function keySource(key: PinnedKey): ReactElement {
  return key.source.kind === 'bff' ? (
    <>
      BFF <span className="mono">{key.source.origin}</span>
    </>
  ) : (
    <>Imported by hand{key.source.label ? ` (“${key.source.label}”)` : ''}</>
  );
}

function TrustedKeys({ onImport }: { onImport: () => void }): ReactElement {
  const keys = useStore(useShallow((s) => s.reports.keys));
  return (
    <section className="card trusted-keys" aria-labelledby="trusted-keys-title">
      <header className="card-header">
        <h2 id="trusted-keys-title" className="card-title">
          Trusted signing keys
        </h2>
        <Button size="sm" icon="key" onClick={onImport}>
          Import a key…
        </Button>
      </header>
      <p className="muted">
        Public keys of the BFFs this console has signed in to (pinned at each sign-in, never dropped, so reports signed before a key rotation still verify)
        and keys imported by hand.
      </p>
      {keys.status === 'error' && keys.error && <InlineError error={keys.error} />}
      {keys.items.length === 0 ? (
        <p className="muted">{keys.status === 'loading' ? 'Reading the keys…' : 'None yet: sign in to a BFF, or import a key.'}</p>
      ) : (
        <table className="table keys-table">
          <caption className="visually-hidden">Trusted report-signing keys</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">From</th>
              <th scope="col">Created</th>
              <th scope="col">Retired</th>
              <th scope="col">Trusted since</th>
            </tr>
          </thead>
          <tbody>
            {keys.items.map((key) => (
              <tr key={`${key.key_id} ${key.source.kind === 'bff' ? key.source.origin : 'imported'}`}>
                <td className="mono">{key.key_id}</td>
                <td>{keySource(key)}</td>
                <td>{formatDateTime(key.created_at)}</td>
                <td>{key.retired_at ? formatDateTime(key.retired_at) : <span className="faint">in use</span>}</td>
                <td>{formatDateTime(key.pinned_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ReportsScreen(): ReactElement {
  const { opened, shown, opening } = useStore(useShallow((s) => ({ opened: s.reports.opened, shown: s.reports.shown, opening: s.reports.opening })));
  const { openReportDialog, closeReport, showReport, compareWith, loadPinnedKeys } = useStore(
    useShallow((s) => ({
      openReportDialog: s.openReportDialog,
      closeReport: s.closeReport,
      showReport: s.showReport,
      compareWith: s.compareWith,
      loadPinnedKeys: s.loadPinnedKeys,
    })),
  );
  // undefined: closed; null: open for any key; a key id: open for that report's key.
  const [importing, setImporting] = useState<string | null | undefined>(undefined);

  useEffect(() => {
    void loadPinnedKeys();
  }, [loadPinnedKeys]);

  const onScreen = shown.map((id) => opened.find((report) => report.opened_id === id)).filter((report) => report !== undefined);
  const first = onScreen[0];
  const sideBySide = onScreen.length > 1;

  return (
    <section className="page page-scroll" aria-labelledby="reports-title">
      <header className="page-header">
        <div className="page-title-row">
          <h1 id="reports-title">Offline reports</h1>
          <span className="spacer" />
          <Button variant="primary" size="sm" icon="file" busy={opening} onClick={() => void openReportDialog()} title={`Open report… (${openShortcutLabel()})`}>
            Open report…
          </Button>
        </div>
        <p className="muted reports-intro">
          Exported eval reports, checked against the signing keys this console trusts: no sign-in and no network needed. Open a{' '}
          <span className="mono">.modelreport.json</span> file ({openShortcutLabel()} from any screen) or drop it anywhere on this window; drop two to compare them
          side by side.
        </p>
      </header>
      <div className="page-content reports-content">
        {opened.length === 0 ? (
          <EmptyState
            icon="file"
            title="No report open"
            action={
              <Button icon="file" busy={opening} onClick={() => void openReportDialog()}>
                Open report…
              </Button>
            }
          >
            A report exported from the eval report screen (Export: signed report) opens here with its verdict: verified, signed by an unknown key, altered, or
            not a report.
          </EmptyState>
        ) : (
          <>
            <nav className="opened-reports" aria-label="Opened reports">
              <ul>
                {opened.map((report) => {
                  const { word, tone } = verdictWord(report.verification);
                  const current = shown.includes(report.opened_id);
                  return (
                    <li key={report.opened_id} className={current ? 'is-current' : undefined}>
                      <button type="button" className="opened-report" aria-pressed={current} onClick={() => showReport(report.opened_id)}>
                        <span className="opened-report-title mono truncate">{reportTitle(report)}</span>
                        <Badge tone={tone}>{word}</Badge>
                      </button>
                    </li>
                  );
                })}
              </ul>
              {opened.length > 1 && first && (
                <label className="toolbar-field">
                  <span>Side by side with</span>
                  <select value={onScreen[1]?.opened_id ?? ''} onChange={(event) => compareWith(event.target.value || null)}>
                    <option value="">— one report only —</option>
                    {opened
                      .filter((report) => report.opened_id !== first.opened_id)
                      .map((report) => (
                        <option key={report.opened_id} value={report.opened_id}>
                          {reportTitle(report)} ({report.file_name})
                        </option>
                      ))}
                  </select>
                </label>
              )}
            </nav>
            <div className={`report-panels${sideBySide ? ' is-side-by-side' : ''}`}>
              {onScreen.map((report) => (
                <ReportViewer
                  key={report.opened_id}
                  opened={report}
                  compact={sideBySide}
                  onClose={() => closeReport(report.opened_id)}
                  onImportKey={() => setImporting(report.verification.status === 'unknown_key' ? report.verification.key_id : null)}
                />
              ))}
            </div>
          </>
        )}
        <TrustedKeys onImport={() => setImporting(null)} />
      </div>
      {importing !== undefined && <KeyImportDialog keyId={importing ?? undefined} onClose={() => setImporting(undefined)} />}
      <span className="visually-hidden" aria-live="polite">
        {opening ? 'Opening a report…' : ''}
      </span>
    </section>
  );
}
