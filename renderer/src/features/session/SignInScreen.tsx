// Sign in: which BFF (locked when the workstation policy fixes it, "Local mode"
// when none is set), user, password, stay signed in. After an expiry it says so,
// and signing in returns to the screen the user was on.
import { useState, type FormEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../app/store.js';
import { formatRoute } from '../../app/router.js';
import { BffUrl } from '../../../../shared/settings/settings.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { Icon } from '../../ui/Icon.js';
import { Callout, InlineError } from '../../ui/States.js';
import { Spinner } from '../../ui/Spinner.js';
import { IdpWaiting } from './IdpWaiting.js';

export function BffSetting(): ReactElement {
  const { view, status, saving, saveError } = useStore(useShallow((s) => s.settings));
  const changeBff = useStore((s) => s.changeBff);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  if (!view) {
    return <div className="signin-bff muted">{status === 'error' ? 'The BFF setting could not be read.' : <Spinner size={14} label="Reading settings" />}</div>;
  }
  const locked = view.locked.includes('bff_url');
  const url = view.settings.bff_url;

  const save = async (value: string | null) => {
    if (value !== null) {
      const parsed = BffUrl.safeParse(value.trim());
      if (!parsed.success) {
        setProblem(parsed.error.issues[0]?.message ?? 'Not a valid URL');
        return;
      }
      value = parsed.data;
    }
    setProblem(null);
    // The main process asks the user to confirm the origin in a system dialog before it is stored.
    if (await changeBff(value)) setEditing(false);
  };

  return (
    <div className="signin-bff">
      {view.policy.state === 'invalid' && (
        <Callout tone="bad" role="alert">
          <strong>The workstation policy is invalid.</strong> {view.policy.error ?? view.policy.path}
        </Callout>
      )}
      {editing ? (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void save(draft);
          }}
        >
          <Field label="BFF URL" error={problem} hint="For example https://modelops.example.com (https, or http to this computer only). You confirm it in a system dialog; it takes effect after a restart.">
            {(props) => <input {...props} type="text" inputMode="url" value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />}
          </Field>
          {saveError && <InlineError error={saveError} />}
          <div className="row">
            <Button type="submit" variant="primary" size="sm" busy={saving}>
              Save
            </Button>
            {url !== null && (
              <Button size="sm" onClick={() => void save(null)} disabled={saving}>
                Use local mode
              </Button>
            )}
            <Button size="sm" variant="ghost" onClick={() => setEditing(false)} disabled={saving}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <div className="signin-bff-row">
          <div className="signin-bff-text">
            <span className="field-label">BFF</span>
            {url === null ? (
              <span>
                <strong>Local mode</strong> <span className="muted">— the console runs its own BFF on this computer, with demo data.</span>
              </span>
            ) : (
              <span className="mono truncate" title={url}>
                {url}
              </span>
            )}
            {locked && (
              <span className="signin-locked">
                <Icon name="lock" size={12} /> Set by your workstation policy
              </span>
            )}
            {view.restart_required && <span className="warn">Restart the app to use the changed address.</span>}
          </div>
          {!locked && (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setDraft(url ?? 'https://');
                setEditing(true);
              }}
            >
              Change…
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

const SCREEN_NAMES: Record<string, string> = {
  registry: 'the registry',
  model: 'the model',
  register: 'the registration form',
  approvals: 'the approvals inbox',
  audit: 'the audit log',
  settings: 'settings',
};

export function SignInScreen(): ReactElement {
  const session = useStore(useShallow((s) => ({ status: s.session.status, notice: s.session.notice, error: s.session.error, rememberedUser: s.session.rememberedUser, lastUsername: s.session.lastUsername })));
  const route = useStore((s) => s.route);
  const mode = useStore((s) => s.settings.view?.mode ?? s.appInfo?.mode ?? null);
  const signIn = useStore((s) => s.signIn);
  const signInLocal = useStore((s) => s.signInLocal);
  const localUsers = useStore((s) => s.session.localUsers);
  const methods = useStore((s) => s.session.methods);
  const signInWithIdp = useStore((s) => s.signInWithIdp);
  const waitingForIdp = useStore((s) => s.session.waitingForIdp);
  // Without an answer from the BFF the password form stays: it is the one method every BFF had.
  const passwordForm = methods?.local_sign_in ?? true;
  const [username, setUsername] = useState(session.lastUsername ?? session.rememberedUser ?? '');
  const [password, setPassword] = useState('');
  const [stay, setStay] = useState(session.rememberedUser !== null);
  const busy = session.status === 'signing_in';
  const returning = session.notice !== null && session.lastUsername !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '' || password === '') return;
    await signIn({ username, password, staySignedIn: stay });
    // The password never outlives the attempt.
    setPassword('');
  };

  // One choice for either method: with the password form hidden it sits with the company button.
  const stayBox = (
    <label className="checkbox">
      <input type="checkbox" checked={stay} onChange={(e) => setStay(e.target.checked)} />
      <span>
        Stay signed in
        <span className="field-hint"> — keeps a renewal token in the system keychain</span>
      </span>
    </label>
  );

  return (
    <div className="signin">
      <div className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="layers" size={18} />
          </span>
          <div>
            <h1>Model Ops Console</h1>
            <p className="muted">Registry, eval gates and two-person rollouts</p>
          </div>
        </div>
        {session.notice && (
          <Callout tone="warn" role="alert">
            {session.notice}
            {returning && <div className="callout-detail">You will return to {SCREEN_NAMES[route.name] ?? 'where you were'} ({formatRoute(route).slice(1)}).</div>}
          </Callout>
        )}
        <BffSetting />
        {methods?.idp && (
          <div className="stack" role="group" aria-label="Company sign-in">
            {!passwordForm && stayBox}
            <Button variant={passwordForm ? 'secondary' : 'primary'} busy={busy} disabled={busy} onClick={() => void signInWithIdp(stay)}>
              {`Sign in with ${methods.idp.provider_name}`}
            </Button>
            {waitingForIdp ? (
              <IdpWaiting providerName={methods.idp.provider_name} task="sign in" />
            ) : (
              <p className="field-hint">Opens your browser; return here when you have signed in.</p>
            )}
            {!passwordForm && session.error && <InlineError error={session.error} />}
          </div>
        )}
        {passwordForm && (
        <form className="stack" onSubmit={submit} aria-label="Sign in">
          <Field label="User name">
            {(props) => (
              <input {...props} type="text" autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} data-autofocus={username === '' || undefined} autoFocus={username === ''} required />
            )}
          </Field>
          <Field label="Password">
            {(props) => <input {...props} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus={username !== ''} required />}
          </Field>
          {stayBox}
          {session.error && <InlineError error={session.error} />}
          <Button type="submit" variant="primary" busy={busy} disabled={username.trim() === '' || password === ''}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
        )}
        <p className="signin-offline muted">
          Reviewing an exported report? <a href="#/reports">Open it without signing in</a>.
        </p>
        {mode === 'local' && localUsers.length > 0 && (
          <div className="signin-demo stack" role="group" aria-label="Demo users">
            <p className="muted">
              Local mode: sign in as a demo user. Their passwords are generated for each run and stay inside the console.
            </p>
            <div className="row">
              {localUsers.map((user) => (
                <Button key={user.username} size="sm" disabled={busy} onClick={() => void signInLocal(user.username, stay)}>
                  {user.display_name} ({user.roles.join(', ')})
                </Button>
              ))}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

export function SessionSplash(): ReactElement {
  const { status, rememberedUser } = useStore(useShallow((s) => ({ status: s.session.status, rememberedUser: s.session.rememberedUser })));
  return (
    <div className="signin">
      <div className="splash" role="status">
        <Spinner size={20} label="" />
        <span>{status === 'restoring' && rememberedUser ? `Signing you in as ${rememberedUser}…` : 'Starting…'}</span>
      </div>
    </div>
  );
}
