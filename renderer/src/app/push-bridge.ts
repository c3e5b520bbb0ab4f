// Pushes from the main process (session expiry, connection state, BFF events,
// notification clicks, report files the OS opened) become store actions here, at module level, once.
import type { ServerEvent } from '../../../shared/api/events.js';
import type { RendererMenuCommand } from '../../../shared/ipc/contract.js';
import { onSessionLost, subscribe } from '../lib/model-ops.js';
import { parseHash } from './router.js';
import { useStore } from './store.js';

const ACTION_WORD: Record<string, string> = { start_canary: 'canary', advance: 'advance', promote: 'promotion', rollback: 'rollback' };

/** Routes one BFF event to every slice that shows what it changed. */
export function handleServerEvent(event: ServerEvent): void {
  const store = useStore.getState();
  const data = event.data;
  switch (data.type) {
    case 'approval.requested':
    case 'approval.decided':
    case 'request.dispatched':
    case 'request.rejected':
    case 'request.cancelled':
    case 'request.expired':
    case 'request.stale': {
      store.approvalRequestChanged(data.request);
      store.rolloutRequestChanged(data.request);
      if (store.modelDetail.modelId === data.request.model_id) void store.loadModelHistory(data.request.model_id);
      const me = store.session.user?.username;
      if (data.type !== 'approval.requested' && data.request.requested_by === me) {
        const word = ACTION_WORD[data.request.action] ?? data.request.action;
        const outcome = data.type.replace(/^(request|approval)\./, '');
        store.pushToast({
          tone: data.type === 'request.dispatched' ? 'success' : data.type === 'approval.decided' ? 'info' : 'warning',
          title: `Your ${word} of ${data.request.model_id} ${data.request.target_version}: ${outcome}`,
          route: { name: 'approvals', requestId: data.request.id },
        });
      }
      return;
    }
    case 'rollback.executed':
    case 'deployment.changed':
      store.deploymentChanged(data.deployment);
      // An admin setting the serving target announces it as a deployment change: re-read the target shown.
      if (data.type === 'deployment.changed' && store.serving.modelId === data.deployment.model_id) void store.loadServing(data.deployment.model_id);
      if (data.type === 'rollback.executed' && data.by !== store.session.user?.username) {
        store.pushToast({
          tone: 'warning',
          title: `${data.model_id} rolled back by ${data.by}`,
          detail: data.justification,
          route: { name: 'model', modelId: data.model_id, tab: 'rollout' },
        });
      }
      return;
    case 'deployment.applied':
    case 'deployment.dispatch_failed':
    case 'deployment.drift':
      // Only the dispatch status moved (the registry row shows none of it): patch the model on screen in place,
      // without a re-read, as a retrying dispatcher reports every few seconds.
      store.modelDispatchChanged(data.deployment);
      // The BFF reports a change of dispatch status once (not every try), with an audit entry: the timeline shows it.
      if (store.modelDetail.modelId === data.deployment.model_id) void store.loadModelHistory(data.deployment.model_id);
      return;
    case 'canary.evaluated':
      store.canaryAnalysed(data.analysis);
      return;
    case 'canary.rolled_back':
      store.canaryAnalysed(data.analysis);
      store.registryDeploymentChanged(data.deployment);
      store.modelDeploymentChanged(data.deployment);
      if (store.modelDetail.modelId === data.model_id) void store.loadModelHistory(data.model_id);
      store.pushToast({
        tone: 'warning',
        title: `${data.model_id} rolled back automatically by the online canary analysis`,
        detail: data.reason,
        route: { name: 'model', modelId: data.model_id, tab: 'rollout' },
      });
      return;
    case 'version.registered':
      void store.refreshRegistryRow(data.model_id);
      if (store.modelDetail.modelId === data.model_id) void store.loadModel(data.model_id, { force: true });
      return;
    case 'eval_run.reported':
      void store.refreshRegistryRow(data.model_id);
      if (store.evals.modelId === data.model_id) void store.loadEvals(data.model_id, { force: true });
      return;
  }
}

/**
 * After the machine woke (or the network came back) the main process has
 * reconnected and checked the session: the screen on show re-reads its data
 * in the background, keeping what it shows until the answer is in.
 */
export function refreshCurrentScreen(): void {
  const store = useStore.getState();
  if (store.session.status !== 'signed_in') return;
  const route = store.route;
  switch (route.name) {
    case 'registry':
      void store.loadRegistry({ force: true });
      return;
    case 'model':
      void store.loadModel(route.modelId, { force: true });
      void store.loadModelHistory(route.modelId);
      if (route.tab === 'evals') void store.loadEvals(route.modelId, { force: true });
      if (route.tab === 'rollout') void store.loadRolloutPending(route.modelId);
      return;
    case 'approvals':
      void store.loadApprovals({ force: true });
      return;
    case 'audit':
      void store.loadAudit({ force: true });
      return;
    default:
      return;
  }
}

/** A command from the application menu or the tray that acts on the page. */
export function runMenuCommand(command: RendererMenuCommand): void {
  const store = useStore.getState();
  switch (command) {
    case 'sign-out':
      void store.signOut();
      return;
    case 'keyboard-shortcuts':
      store.setShortcutsOpen(true);
      return;
    case 'open-settings':
      store.navigate({ name: 'settings' });
      return;
    case 'open-approvals':
      store.navigate({ name: 'approvals' });
      return;
    case 'export-report': {
      // Export works on the pair of versions the eval report shows: take the user there.
      const route = store.route;
      if (route.name === 'model' || route.name === 'register') {
        store.navigate({ name: 'model', modelId: route.modelId, tab: 'evals' });
        store.pushToast({ tone: 'info', title: 'Pick the two versions, then “Export … for offline review”' });
      } else {
        store.pushToast({ tone: 'info', title: 'Open a model’s eval report to export it', route: { name: 'registry' } });
      }
      return;
    }
  }
}

/** Subscribes to every push; returns a function that undoes it (tests, hot reload). */
export function connectPushes(): () => void {
  const store = () => useStore.getState();
  onSessionLost((error) => store().sessionLost(error.message));
  const onHash = () => store().routeChanged(parseHash(window.location.hash));
  window.addEventListener('hashchange', onHash);
  const unsubscribers = [
    subscribe((api) => api.on.sessionExpired(({ message }) => store().sessionLost(message))),
    subscribe((api) => api.on.sessionUserChanged(({ user }) => store().sessionUserChanged(user))),
    subscribe((api) => api.on.connectionChanged((state) => store().connectionChanged(state))),
    subscribe((api) => api.on.eventsReceived((event) => handleServerEvent(event))),
    subscribe((api) => api.on.approvalsPendingChanged(({ count }) => store().pendingApprovalsChanged(count))),
    subscribe((api) =>
      // The approvals screen selects (and re-reads) the request named by the route.
      api.on.navigationOpenRequest(({ request_id }) => store().navigate({ name: 'approvals', requestId: request_id })),
    ),
    // A dispatch failure or drift notification: the model's rollout tab shows what the serving layer does.
    subscribe((api) => api.on.navigationOpenModel(({ model_id }) => store().navigate({ name: 'model', modelId: model_id, tab: 'rollout' }))),
    // A report file the OS opened with the app: shown at once, signed in or not.
    subscribe((api) => api.on.reportsOpened((report) => store().reportOpened(report))),
    subscribe((api) => api.on.connectionResumed(() => refreshCurrentScreen())),
    subscribe((api) => api.on.menuCommand(({ command }) => runMenuCommand(command))),
  ];
  return () => {
    onSessionLost(null);
    window.removeEventListener('hashchange', onHash);
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
