// What the renderer sees of the settings: effective values, which are locked by
// the workstation policy, the mode, and the policy's state; refuses locked
// changes. Changing the BFF is its own flow, confirmed in a native dialog.
import type { AppMode, SettingsView } from '../../../shared/ipc/contract.js';
import { isSecureBffOrigin, type RendererSettingsPatch, type SettingKey } from '../../../shared/settings/settings.js';
import { ClientError } from './client-error.js';
import { bffChangeConfirmation, requireConfirmation, type Confirm } from './confirmations.js';
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

  /** The renderer's changes; `bff_url` is not among them (the IPC schema refuses it, and so does this). */
  set(patch: RendererSettingsPatch): SettingsView {
    if ('bff_url' in patch) throw new ClientError('invalid_ipc_payload', 'The BFF is changed with its own confirmation, not as a setting.');
    this.#refuseLocked(Object.keys(patch).filter((key) => patch[key as keyof RendererSettingsPatch] !== undefined) as SettingKey[]);
    this.store.updateUserSettings(patch);
    for (const listener of this.#listeners) listener();
    return this.view();
  }

  /**
   * Points the console at another BFF (null: local mode) from the next start,
   * after the user confirmed the origin in a native dialog the page cannot draw
   * or answer. Refused when locked, not https (loopback aside), or not an
   * origin the workstation policy allows.
   */
  async changeBff(url: string | null, confirm: Confirm): Promise<SettingsView> {
    this.#refuseLocked(['bff_url']);
    let origin: string | null = null;
    if (url !== null) {
      origin = new URL(url).origin;
      if (!isSecureBffOrigin(url)) {
        throw new ClientError('bff_not_allowed', `${origin} is plain http to another computer: passwords would cross the network unencrypted. Use https.`);
      }
      const allowed = this.policy.policy?.allowed_bff_origins;
      if (allowed && !allowed.some((entry) => new URL(entry).origin === origin)) {
        throw new ClientError('bff_not_allowed', `Your workstation policy (${this.policy.status.path}) does not allow ${origin}.`, {
          allowed: allowed.map((entry) => new URL(entry).origin),
        });
      }
    }
    if (this.effective().settings.bff_url === url) return this.view();
    await requireConfirmation(confirm, bffChangeConfirmation(origin));
    this.store.updateUserSettings({ bff_url: url });
    for (const listener of this.#listeners) listener();
    return this.view();
  }

  #refuseLocked(keys: SettingKey[]): void {
    const { locked } = this.effective();
    const refused = keys.filter((key) => locked.includes(key));
    if (refused.length > 0) {
      throw new ClientError('setting_locked', `Your workstation policy (${this.policy.status.path}) fixes ${refused.join(', ')}.`, {
        locked: refused,
      });
    }
  }

  /** Called after every accepted change (the login item follows launch_at_login at once). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
