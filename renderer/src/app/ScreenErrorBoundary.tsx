// The error state of a screen that could not be shown: a screen's code chunk
// that failed to load (every screen but sign-in and the registry is loaded when
// first opened) or a render error. Without it React unmounts the whole shell and
// the window goes blank; with it the sidebar stays, the user can go elsewhere
// (a new `resetKey`, the route, clears it) or reload the window.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button } from '../ui/Button.js';
import { Icon } from '../ui/Icon.js';

interface Props {
  /** Changes when the user goes to another screen: the boundary tries again there. */
  resetKey: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
  key: string;
}

export class ScreenErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The renderer's console is where a developer looks (and the e2e harness fails on it).
    console.error('a screen failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="state state-error" role="alert">
        <span className="state-icon">
          <Icon name="warning" size={20} />
        </span>
        <p className="state-title">This screen could not be shown.</p>
        <p className="state-body">Go to another screen, or reload the window to try again.</p>
        {error.message.trim() !== '' && <p className="state-detail">{error.message}</p>}
        <Button size="sm" icon="refresh" onClick={() => window.location.reload()}>
          Reload
        </Button>
      </div>
    );
  }
}
