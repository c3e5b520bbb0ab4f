// The shell: sign-in until there is a session, then the sidebar (navigation,
// connection, user) and the screen of the current route. Offline reports open
// without a session too (a file dropped, Ctrl/Cmd+O, or the OS opening one).
import { lazy, Suspense, useEffect, useMemo, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useGlobalShortcuts } from '../lib/keyboard.js';
import { useApplyTheme } from '../lib/theme.js';
import { Icon, type IconName } from '../ui/Icon.js';
import { LoadingState } from '../ui/Spinner.js';
import { RegistryScreen } from '../features/registry/RegistryScreen.js';
import { ReportFileHandlers } from '../features/reports/ReportFileHandlers.js';
import { SessionSplash, SignInScreen } from '../features/session/SignInScreen.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import { ScreenErrorBoundary } from './ScreenErrorBoundary.js';
import type { Route } from './router.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { useStore } from './store.js';
import { Toasts } from './Toasts.js';

// The first screens (sign-in, the registry) are in the initial bundle; every other screen is a
// chunk of its own, loaded when first opened (issue 12: initial renderer JS under 175 kB gzip;
// README "Renderer performance"). Their state slices stay in the store, which loads at start.
const ApprovalsScreen = lazy(() => import('../features/approvals/ApprovalsScreen.js').then((m) => ({ default: m.ApprovalsScreen })));
const AuditScreen = lazy(() => import('../features/audit/AuditScreen.js').then((m) => ({ default: m.AuditScreen })));
const SettingsScreen = lazy(() => import('../features/connection/SettingsScreen.js').then((m) => ({ default: m.SettingsScreen })));
const ModelScreen = lazy(() => import('../features/model-detail/ModelScreen.js').then((m) => ({ default: m.ModelScreen })));
const RegisterVersionScreen = lazy(() => import('../features/register-version/RegisterVersionScreen.js').then((m) => ({ default: m.RegisterVersionScreen })));
const ReportsScreen = lazy(() => import('../features/reports/ReportsScreen.js').then((m) => ({ default: m.ReportsScreen })));

const NAV: Array<{ name: Route['name']; href: string; label: string; icon: IconName; match: Array<Route['name']> }> = [
  { name: 'registry', href: '#/models', label: 'Registry', icon: 'layers', match: ['registry', 'model', 'register'] },
  { name: 'approvals', href: '#/approvals', label: 'Approvals', icon: 'inbox', match: ['approvals'] },
  { name: 'audit', href: '#/audit', label: 'Audit log', icon: 'scroll', match: ['audit'] },
  { name: 'reports', href: '#/reports', label: 'Offline reports', icon: 'file', match: ['reports'] },
  { name: 'settings', href: '#/settings', label: 'Settings', icon: 'gear', match: ['settings'] },
];

function Sidebar(): ReactElement {
  const routeName = useStore((s) => s.route.name);
  const pending = useStore((s) => s.pendingApprovalCount);
  const user = useStore((s) => s.session.user);
  const signOut = useStore((s) => s.signOut);
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="layers" size={16} />
        </span>
        <span className="brand-name">Model Ops</span>
      </div>
      <nav aria-label="Main">
        <ul className="nav">
          {NAV.map((item) => {
            const current = item.match.includes(routeName);
            return (
              <li key={item.name}>
                <a href={item.href} className={`nav-link${current ? ' is-current' : ''}`} aria-current={current ? 'page' : undefined}>
                  <Icon name={item.icon} />
                  <span>{item.label}</span>
                  {item.name === 'approvals' && pending > 0 && (
                    <span className="nav-count num" aria-label={`${pending} pending`}>
                      {pending}
                    </span>
                  )}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="sidebar-foot">
        <ConnectionIndicator />
        {user && (
          <div className="user">
            <span className="user-avatar" aria-hidden="true">
              {user.display_name.charAt(0).toUpperCase()}
            </span>
            <span className="user-text">
              <span className="user-name truncate">{user.display_name}</span>
              <span className="user-roles truncate">{user.roles.join(', ')}</span>
            </span>
            <button type="button" className="icon-button" aria-label="Sign out" title="Sign out" onClick={() => void signOut()}>
              <Icon name="signOut" />
            </button>
          </div>
        )}
      </div>
    </aside>
  );
}

/** The current route's screen; a lazily loaded one shows a loading state until its chunk is in. */
function Screen(): ReactElement {
  const routeName = useStore((s) => s.route.name);
  return (
    <ScreenErrorBoundary resetKey={routeName}>
      <Suspense fallback={<LoadingState label="Loading" />}>
        <RouteScreen />
      </Suspense>
    </ScreenErrorBoundary>
  );
}

function RouteScreen(): ReactElement {
  const route = useStore(useShallow((s) => s.route));
  switch (route.name) {
    case 'registry':
      return <RegistryScreen />;
    case 'model':
      return <ModelScreen modelId={route.modelId} tab={route.tab} version={route.version} />;
    case 'register':
      return <RegisterVersionScreen modelId={route.modelId} />;
    case 'approvals':
      return <ApprovalsScreen requestId={route.requestId} />;
    case 'audit':
      return <AuditScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'reports':
      return <ReportsScreen />;
  }
}

/** Offline review without a session: the reports screen under a bar that leads back to sign-in. */
function OfflineShell(): ReactElement {
  return (
    <div className="offline-shell">
      <header className="offline-shell-bar">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="layers" size={16} />
        </span>
        <span className="brand-name">Model Ops</span>
        <span className="muted">Offline review — not signed in</span>
        <span className="spacer" />
        <a href="#/models">Sign in</a>
      </header>
      <main className="app-main" id="main">
        <ScreenErrorBoundary resetKey="reports">
          <Suspense fallback={<LoadingState label="Loading" />}>
            <ReportsScreen />
          </Suspense>
        </ScreenErrorBoundary>
      </main>
    </div>
  );
}

function Shell(): ReactElement {
  const help = useStore((s) => s.shortcutsOpen);
  const setHelp = useStore((s) => s.setShortcutsOpen);
  const handlers = useMemo(() => ({ onHelp: () => setHelp(true) }), [setHelp]);
  useGlobalShortcuts(handlers);
  return (
    <div className="app-shell">
      <Sidebar />
      <main className="app-main" id="main">
        <Screen />
      </main>
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
    </div>
  );
}

export function App(): ReactElement {
  const status = useStore((s) => s.session.status);
  const offlineReview = useStore((s) => s.route.name === 'reports');
  const theme = useStore((s) => s.settings.view?.settings.theme);
  const startSession = useStore((s) => s.startSession);
  useApplyTheme(theme);
  useEffect(() => {
    void startSession();
  }, [startSession]);

  return (
    <>
      {status === 'starting' || status === 'restoring' ? (
        <SessionSplash />
      ) : status === 'signed_in' ? (
        <Shell />
      ) : offlineReview ? (
        <OfflineShell />
      ) : (
        <SignInScreen />
      )}
      <ReportFileHandlers />
      <Toasts />
    </>
  );
}
