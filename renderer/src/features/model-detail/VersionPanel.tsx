// One version in full: registry fields with copy, release notes, metadata as a
// searchable JSON tree, and the operator's actions on it.
import { useState, type ReactElement } from 'react';
import type { Model, ModelVersion } from '../../../../shared/domain/model.js';
import { useStore } from '../../app/store.js';
import { formatCalendarDate, formatDateTime, formatInteger } from '../../lib/format.js';
import { StatusBadge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { JsonTree } from '../../ui/JsonTree.js';
import { Callout } from '../../ui/States.js';
import { DeprecateDialog } from './DeprecateDialog.js';

export function VersionPanel({ model, version, canOperate }: { model: Model; version: ModelVersion; canOperate: boolean }): ReactElement {
  const navigate = useStore((s) => s.navigate);
  const setCompare = useStore((s) => s.setCompare);
  const stable = useStore((s) => s.modelDetail.data?.deployment.stable_version ?? null);
  const canary = useStore((s) => s.modelDetail.data?.deployment.canary_version ?? null);
  const [deprecating, setDeprecating] = useState(false);
  const serving = version.version === stable || version.version === canary;

  return (
    <article className="card version-panel" aria-labelledby="version-title">
      <header className="card-header">
        <div className="row">
          <h3 id="version-title" className="mono">
            {version.version}
          </h3>
          <StatusBadge status={version.status} />
          {serving && <span className="badge badge-accent">{version.version === stable ? 'serving stable' : 'serving canary'}</span>}
        </div>
        <div className="row">
          <Button
            size="sm"
            onClick={() => {
              setCompare({ candidate: version.version });
              navigate({ name: 'model', modelId: model.id, tab: 'evals' });
            }}
          >
            Eval results
          </Button>
          {version.status !== 'deprecated' && (
            <Button
              size="sm"
              variant="danger"
              onClick={() => setDeprecating(true)}
              disabled={!canOperate || serving}
              title={!canOperate ? 'Needs the operator role' : serving ? 'A version that serves traffic cannot be deprecated' : undefined}
            >
              Deprecate…
            </Button>
          )}
        </div>
      </header>
      {version.status === 'deprecated' && version.deprecated_reason && (
        <Callout tone="warn">
          <strong>Deprecated:</strong> {version.deprecated_reason}
        </Callout>
      )}
      <dl className="kv">
        <dt>Artifact</dt>
        <dd>
          <span className="mono truncate" title={version.artifact_uri}>
            {version.artifact_uri}
          </span>
          <CopyButton value={version.artifact_uri} label="Copy artifact URI" />
        </dd>
        <dt>Checksum</dt>
        <dd>
          <span className="mono truncate" title={version.checksum}>
            sha256:{version.checksum.slice(0, 16)}…
          </span>
          <CopyButton value={version.checksum} label="Copy sha256 checksum" />
        </dd>
        <dt>Runtime</dt>
        <dd className="num">
          {version.runtime.device.toUpperCase()}
          {version.runtime.max_batch !== undefined && ` · max batch ${formatInteger(version.runtime.max_batch)}`}
          {version.runtime.max_len !== undefined && ` · max length ${formatInteger(version.runtime.max_len)}`}
        </dd>
        <dt>Framework</dt>
        <dd>
          {version.framework} · {version.export_format}
        </dd>
        <dt>Registered</dt>
        <dd>
          {formatDateTime(version.created_at)} by {version.created_by}
        </dd>
        <dt>Supported until</dt>
        <dd>{formatCalendarDate(version.supported_until)}</dd>
      </dl>
      <section className="version-section" aria-label="Release notes">
        <h4>Release notes</h4>
        {version.release_notes.trim() === '' ? <p className="faint">No release notes.</p> : <p className="release-notes">{version.release_notes}</p>}
      </section>
      <section className="version-section" aria-label="Metadata">
        <h4>Metadata</h4>
        <JsonTree value={version.metadata} label="Metadata" searchable />
      </section>
      {deprecating && <DeprecateDialog modelId={model.id} version={version.version} onClose={() => setDeprecating(false)} />}
    </article>
  );
}
