// One model: header, section tabs (overview, eval report, rollout), and the
// overview itself: versions, the selected version, deployment and its history.
import { useCallback, useEffect, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelTab } from '../../app/router.js';
import { useStore } from '../../app/store.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { EmptyState, ErrorState } from '../../ui/States.js';
import { LoadingState } from '../../ui/Spinner.js';
import { EvalReport } from '../evals/EvalReport.js';
import { RolloutPanel } from '../rollout/RolloutPanel.js';
import { OnlineGateSection } from '../canary/OnlineGateSection.js';
import { DeploymentCard, DeploymentHistory } from './DeploymentCard.js';
import { VersionPanel } from './VersionPanel.js';
import { VersionsTable } from './VersionsTable.js';

const TABS: Array<{ tab: ModelTab; label: string }> = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'evals', label: 'Eval report' },
  { tab: 'rollout', label: 'Rollout' },
];

function Overview({ modelId, selectedVersion }: { modelId: string; selectedVersion: string | undefined }): ReactElement | null {
  const data = useStore((s) => s.modelDetail.data);
  const roles = useStore(useShallow((s) => s.session.user?.roles ?? []));
  const navigate = useStore((s) => s.navigate);
  const onSelect = useCallback(
    (version: string) => navigate({ name: 'model', modelId, tab: 'overview', version }, { replace: true }),
    [navigate, modelId],
  );
  if (!data) return null;
  const fallback = data.versions.find((v) => v.status === 'active') ?? data.versions[0];
  const version = data.versions.find((v) => v.version === selectedVersion) ?? fallback ?? null;
  return (
    <div className="overview">
      <VersionsTable selected={version?.version ?? null} onSelect={onSelect} />
      <div className="overview-main">
        {version && <VersionPanel model={data.model} version={version} canOperate={roles.includes('operator')} />}
      </div>
      <aside className="overview-side" aria-label="Deployment">
        <DeploymentCard deployment={data.deployment} />
        <OnlineGateSection key={data.model.id} modelId={data.model.id} modelType={data.model.type} canEdit={roles.includes('admin')} />
        <DeploymentHistory />
      </aside>
    </div>
  );
}

export function ModelScreen({ modelId, tab, version }: { modelId: string; tab: ModelTab; version?: string }): ReactElement {
  const { status, error, data } = useStore(useShallow((s) => ({ status: s.modelDetail.status, error: s.modelDetail.error, data: s.modelDetail.data })));
  const roles = useStore(useShallow((s) => s.session.user?.roles ?? []));
  const loadModel = useStore((s) => s.loadModel);
  const navigate = useStore((s) => s.navigate);
  const stale = data?.model.id !== modelId;

  useEffect(() => {
    void loadModel(modelId);
  }, [loadModel, modelId]);

  let body: ReactElement | null;
  if (stale && (status === 'loading' || status === 'idle')) body = <LoadingState label="Loading the model…" />;
  else if (status === 'error' && error && (stale || !data))
    body =
      error.code === 'not_found' ? (
        <EmptyState icon="search" title={`No model “${modelId}”`} action={<Button onClick={() => navigate({ name: 'registry' })}>Back to the registry</Button>}>
          It may have been removed, or the link is wrong.
        </EmptyState>
      ) : (
        <ErrorState error={error} onRetry={() => void loadModel(modelId, { force: true })} />
      );
  else if (!data || stale) body = <LoadingState label="Loading the model…" />;
  else if (tab === 'evals') body = <EvalReport model={data.model} />;
  else if (tab === 'rollout') body = <RolloutPanel modelId={modelId} side={<DeploymentHistory />} />;
  else body = <Overview modelId={modelId} selectedVersion={version} />;

  const model = !stale ? data?.model : undefined;
  return (
    <section className="page page-scroll" aria-labelledby="model-title">
      <header className="page-header">
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <a href="#/models">Registry</a>
          <Icon name="chevronRight" size={12} />
          <span aria-current="page">{model?.name ?? modelId}</span>
        </nav>
        <div className="page-title-row">
          <h1 id="model-title">{model?.name ?? modelId}</h1>
          {model && <Badge tone="accent">{model.type}</Badge>}
          <span className="spacer" />
          <Button
            variant="primary"
            size="sm"
            icon="plus"
            onClick={() => navigate({ name: 'register', modelId })}
            disabled={!roles.includes('operator')}
            title={roles.includes('operator') ? undefined : 'Registering versions needs the operator role'}
          >
            Register version
          </Button>
        </div>
        {model && (
          <div className="model-meta">
            <span className="mono faint">{model.id}</span>
            <span className="faint">Owner: {model.owner}</span>
            {model.tags.map((tag) => (
              <Badge key={tag}>{tag}</Badge>
            ))}
          </div>
        )}
        {model?.description && <p className="model-description muted">{model.description}</p>}
        <nav className="tabs" aria-label="Model sections">
          {TABS.map((item) => (
            <a
              key={item.tab}
              href={`#/models/${encodeURIComponent(modelId)}${item.tab === 'overview' ? '' : `/${item.tab}`}`}
              className={`tab${item.tab === tab ? ' is-current' : ''}`}
              aria-current={item.tab === tab ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
      </header>
      <div className="page-content">{body}</div>
    </section>
  );
}
