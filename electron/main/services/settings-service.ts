// What the renderer sees of the settings: effective values, which are locked by
// the workstation policy, the mode, and the policy's state; refuses locked changes.
import type { AppMode, SettingsView } from '../../../shared/ipc/contract.js';
import type { SettingKey, SettingsPatch } from '../../../shared/settings/settings.js';
import { ClientError } from './client-error.js';
import { effectiveSettings, type EffectiveSettings, type LoadedPolicy } from './policy-service.js';
import type { SettingsStore } from './settings-store.js';

export class SettingsService {
  /** The BFF URL the app started with: a different one needs a restart. */
  readonly #startupBffUrl: string | null;
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly store: SettingsStore,
    private readonly policy: LoadedPolicy,
    private readonly bffOrigin: () => string | null,
  ) {
    this.#startupBffUrl = this.effective().settings.bff_url;
  }

  effective(): EffectiveSettings {
    return effectiveSettings(this.store.userSettings(), this.policy.policy);
  }

  get mode(): AppMode {
    return this.#startupBffUrl === null ? 'local' : 'remote';
  }

  view(): SettingsView {
    const { settings, locked } = this.effective();
    return {
      settings,
      locked,
      mode: this.mode,
      bff_origin: this.bffOrigin(),
      policy: this.policy.status,
      restart_required: settings.bff_url !== this.#startupBffUrl,
    };
  }

  set(patch: SettingsPatch): SettingsView {
    const { locked } = this.effective();
    const refused = (Object.keys(patch) as SettingKey[]).filter((key) => patch[key] !== undefined && locked.includes(key));
    if (refused.length > 0) {
      throw new ClientError('setting_locked', `Your workstation policy (${this.policy.status.path}) fixes ${refused.join(', ')}.`, {
        locked: refused,
      });
    }
    this.store.updateUserSettings(patch);
    for (const listener of this.#listeners) listener();
    return this.view();
  }

  /** Called after every accepted change (the login item follows launch_at_login at once). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
