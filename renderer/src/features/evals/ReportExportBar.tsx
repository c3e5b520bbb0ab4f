// Export of the eval report on screen, for reviewers without access to the
// console: the signed JSON (verifiable) or a self-contained web page (readable anywhere).
// It lives with the eval report it sits on (reports/ draws saved reports with evals/ pieces,
// so the dependency runs reports -> evals only); the export itself is the reports slice's.
import type { ReactElement } from 'react';
import { useStore } from '../../app/store.js';
import { Button } from '../../ui/Button.js';

export function ReportExportBar({ modelId, versions }: { modelId: string; versions: string[] | undefined }): ReactElement {
  const exporting = useStore((s) => s.reports.exporting);
  const exportReport = useStore((s) => s.exportReport);
  const what = versions ? `${versions[0]} vs ${versions[1]}` : 'the current pair';
  return (
    <div className="report-export-bar" role="group" aria-label="Export for offline review">
      <span className="muted">
        Export <span className="mono">{what}</span> for offline review:
      </span>
      <Button
        size="sm"
        icon="download"
        busy={exporting === 'json'}
        disabled={exporting !== null}
        title="The signed report: any reviewer can check it was not changed"
        onClick={() => void exportReport({ modelId, versions, format: 'json' })}
      >
        {exporting === 'json' ? 'Exporting…' : 'Signed report (.json)'}
      </Button>
      <Button
        size="sm"
        icon="download"
        busy={exporting === 'html'}
        disabled={exporting !== null}
        title="One web page with the tables and charts, readable in any browser (not verifiable)"
        onClick={() => void exportReport({ modelId, versions, format: 'html' })}
      >
        {exporting === 'html' ? 'Exporting…' : 'Web page (.html)'}
      </Button>
    </div>
  );
}
