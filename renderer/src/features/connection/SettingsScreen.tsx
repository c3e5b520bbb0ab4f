// Settings: the BFF (or local mode), theme, notifications and the desktop
// behaviour (background, start at login), each shown
// locked when the workstation policy fixes it; the policy file's status and
// the app's version.
import type { ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SettingKey } from '../../../../shared/settings/settings.js';
import { useStore } from '../../app/store.js';
import { Button } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { Callout, ErrorState, InlineError } from '../../ui/States.js';
import { LoadingState } from '../../ui/Spinner.js';
import { BffSetting } from '../session/SignInScreen.js';
import { ShortcutList } from '../../app/ShortcutsDialog.js';

/** The platform's own name for where a background app lives. */
function trayPlace(platform: string | undefined): string {
  return platform === 'darwin' ? 'menu bar' : platform === 'win32' ? 'notification area' : 'system tray';
}

function Locked({ settingKey, locked }: { settingKey: SettingKey; locked: readonly SettingKey[] }): ReactElement | null {
  if (!locked.includes(settingKey)) return null;
  return (
    <span className="signin-locked">
      <Icon name="lock" size={12} /> Set by your workstation policy
    </span>
  );
}

/** One on/off setting: its checkbox, what it does, and the lock when the policy fixes it. */
function CheckboxSetting(props: {
  settingKey: SettingKey;
  label: string;
  hint: string;
  checked: boolean;
  locked: readonly SettingKey[];
  saving: boolean;
  onChange: (checked: boolean) => void;
}): ReactElement {
  const { settingKey, label, hint, checked, locked, saving, onChange } = props;
  return (
    <div className="setting-row">
      <label className="checkbox">
        <input type="checkbox" checked={checked} disabled={saving || locked.includes(settingKey)} onChange={(e) => onChange(e.target.checked)} />
        <span>
          {label}
          <span className="field-hint"> — {hint}</span>
        </span>
      </label>
      <Locked settingKey={settingKey} locked={locked} />
    </div>
  );
}

export function SettingsScreen(): ReactElement {
  const { view, status, error, saving, saveError } = useStore(useShallow((s) => s.settings));
  const appInfo = useStore((s) => s.appInfo);
  const { updateSettings, loadAppInfo } = useStore(useShallow((s) => ({ updateSettings: s.updateSettings, loadAppInfo: s.loadAppInfo })));

  let body: ReactElement;
  if (!view && status === 'error' && error) body = <ErrorState error={error} onRetry={() => void loadAppInfo()} />;
  else if (!view) body = <LoadingState label="Reading settings…" />;
  else {
    const locked = view.locked;
    body = (
      <div className="settings stack">
        <article className="card">
          <header className="card-header">
            <h3>Connection</h3>
          </header>
          <BffSetting />
          <dl className="kv">
            <dt>Mode</dt>
            <dd>{view.mode === 'local' ? 'Local (embedded BFF with demo data)' : 'Remote BFF'}</dd>
            <dt>In use</dt>
            <dd className="mono">{view.bff_origin ?? 'not connected'}</dd>
            <dt>Workstation policy</dt>
            <dd>
              {view.policy.state === 'absent' ? 'none' : view.policy.state === 'loaded' ? 'loaded' : 'invalid'} <span className="faint mono">{view.policy.path}</span>
            </dd>
          </dl>
          {view.policy.state === 'invalid' && <Callout tone="bad">{view.policy.error ?? 'The policy file could not be used.'}</Callout>}
        </article>
        <article className="card">
          <header className="card-header">
            <h3>Appearance and notifications</h3>
          </header>
          <div className="setting-row">
            <div>
              <span className="field-label" id="theme-label">
                Theme
              </span>
              <p className="field-hint">“System” follows the operating system’s light or dark mode.</p>
            </div>
            <div className="row">
              <Locked settingKey="theme" locked={locked} />
              <div className="segmented" role="group" aria-labelledby="theme-label">
                {(['system', 'light', 'dark'] as const).map((theme) => (
                  <button key={theme} type="button" aria-pressed={view.settings.theme === theme} disabled={saving || locked.includes('theme')} onClick={() => void updateSettings({ theme })}>
                    {theme.charAt(0).toUpperCase() + theme.slice(1)}
                  </button>
                ))}
              </div>
            </div>
          </div>
          <CheckboxSetting
            settingKey="notifications_enabled"
            label="Desktop notifications"
            hint="new approval requests, decisions on yours, rollbacks"
            checked={view.settings.notifications_enabled}
            locked={locked}
            saving={saving}
            onChange={(checked) => void updateSettings({ notifications_enabled: checked })}
          />
          {saveError && <InlineError error={saveError} />}
        </article>
        <article className="card">
          <header className="card-header">
            <h3>Desktop</h3>
          </header>
          <div className="setting-row">
            <div>
              <span className="field-label" id="background-label">
                Keep running when the window is closed
              </span>
              <p className="field-hint">The console stays in the {trayPlace(appInfo?.platform)} and tells you about approval requests; quit it from there.</p>
            </div>
            <div className="row">
              <Locked settingKey="run_in_background" locked={locked} />
              <div className="segmented" role="group" aria-labelledby="background-label">
                {(
                  [
                    ['approvers', 'For approvers'],
                    ['always', 'Always'],
                    ['never', 'Never'],
                  ] as const
                ).map(([value, label]) => (
                  <button
                    key={value}
                    type="button"
                    aria-pressed={view.settings.run_in_background === value}
                    disabled={saving || locked.includes('run_in_background')}
                    onClick={() => void updateSettings({ run_in_background: value })}
                  >
                    {label}
                  </button>
                ))}
              </div>
            </div>
          </div>
          <CheckboxSetting
            settingKey="launch_at_login"
            label="Start at login"
            hint="in the background, so notifications arrive without opening the console"
            checked={view.settings.launch_at_login}
            locked={locked}
            saving={saving}
            onChange={(checked) => void updateSettings({ launch_at_login: checked })}
          />
        </article>
        <article className="card">
          <header className="card-header">
            <h3>Keyboard</h3>
          </header>
          <ShortcutList />
        </article>
        {appInfo && (
          <p className="faint">
            {appInfo.name} {appInfo.version} · {appInfo.platform}
          </p>
        )}
        <div>
          <Button size="sm" variant="ghost" icon="refresh" onClick={() => void loadAppInfo()}>
            Reload settings
          </Button>
        </div>
      </div>
    );
  }
  return (
    <section className="page page-scroll" aria-labelledby="settings-title">
      <header className="page-header">
        <div className="page-title-row">
          <h1 id="settings-title">Settings</h1>
        </div>
      </header>
      <div className="page-content">{body}</div>
    </section>
  );
}
