// What the console found when it checked a report file, said plainly: verified
// (which BFF, which key), signed by an unknown key, altered, or not a report.
import type { ReactElement } from 'react';
import type { OpenedReport } from '../../../../shared/ipc/contract.js';
import { formatDateTime } from '../../lib/format.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';

export function VerdictBanner({ opened, onImportKey }: { opened: OpenedReport; onImportKey?: () => void }): ReactElement {
  const verification = opened.verification;
  switch (verification.status) {
    case 'verified': {
      const report = opened.signed?.report;
      // A retired key cannot sign any more (its private half is destroyed at rotation): a later export is suspicious.
      const signedAfterRetirement = verification.key_retired_at !== null && report !== undefined && report.exported_at > verification.key_retired_at;
      return (
        <div className="report-verdict report-verdict-good" role="status">
          <Icon name="shield" size={20} />
          <div>
            <strong className="report-verdict-title">Verified</strong>
            <p>
              {verification.bff_origin !== null ? (
                <>
                  Signed by the BFF at <span className="mono">{verification.bff_origin}</span> with key <span className="mono">{verification.key_id}</span>, pinned
                  while signed in to it. Nothing in the file was changed since.
                </>
              ) : (
                <>
                  Signed by a key you imported: <span className="mono">{verification.key_id}</span>
                  {verification.key_label ? (
                    <>
                      {' '}
                      (“{verification.key_label}”)
                    </>
                  ) : null}
                  . Nothing in the file was changed since. The report says it comes from <span className="mono">{verification.report_origin}</span>; that
                  is only as true as the key you imported.
                </>
              )}
            </p>
            {verification.key_retired_at !== null && !signedAfterRetirement && (
              <p className="muted">This key was retired on {formatDateTime(verification.key_retired_at)}, after it signed this report: it still proves the report.</p>
            )}
            {signedAfterRetirement && (
              <p className="warn">
                The report says it was exported after its key was retired ({formatDateTime(verification.key_retired_at)}); ask the BFF administrator about this key.
              </p>
            )}
            {verification.bff_origin !== null && verification.report_origin !== verification.bff_origin && (
              <p className="muted">
                The report names its BFF <span className="mono">{verification.report_origin}</span>; the key is the one that BFF listed at{' '}
                <span className="mono">{verification.bff_origin}</span>.
              </p>
            )}
          </div>
        </div>
      );
    }
    case 'unknown_key':
      return (
        <div className="report-verdict report-verdict-warn" role="status">
          <Icon name="key" size={20} />
          <div>
            <strong className="report-verdict-title">Signed by an unknown key</strong>
            <p>
              Key <span className="mono">{verification.key_id}</span> is not one this console trusts, so nothing below is confirmed. Sign in to the BFF that
              exported it (its keys are pinned at sign-in), or import its public key from the BFF&apos;s administrator.
            </p>
            {onImportKey && (
              <Button size="sm" icon="key" onClick={onImportKey}>
                Import the key…
              </Button>
            )}
          </div>
        </div>
      );
    case 'other_origin':
      return (
        <div className="report-verdict report-verdict-warn" role="status">
          <Icon name="key" size={20} />
          <div>
            <strong className="report-verdict-title">Signed by another BFF&apos;s key</strong>
            <p>
              The report says it comes from <span className="mono">{verification.report_origin}</span>, but it is signed with key{' '}
              <span className="mono">{verification.key_id}</span>, which this console pinned from{' '}
              <span className="mono">{verification.key_origin}</span>. That BFF&apos;s key is no proof for another one, so nothing below is confirmed. Sign
              in to <span className="mono">{verification.report_origin}</span> to pin its own keys.
            </p>
          </div>
        </div>
      );
    case 'altered':
      return (
        <div className="report-verdict report-verdict-bad" role="alert">
          <Icon name="warning" size={20} />
          <div>
            <strong className="report-verdict-title">Altered — do not trust this file</strong>
            <p>
              The signature (key <span className="mono">{verification.key_id}</span>) does not match the contents: the file was changed after the BFF signed it.
              Ask for a fresh export.
            </p>
          </div>
        </div>
      );
    case 'invalid':
      return (
        <div className="report-verdict report-verdict-bad" role="alert">
          <Icon name="warning" size={20} />
          <div>
            <strong className="report-verdict-title">Not a report this console can read</strong>
            <p>{verification.message}</p>
          </div>
        </div>
      );
  }
}
