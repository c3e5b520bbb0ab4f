// The user's own settings and the "remembered user" of each BFF, in a JSON
// file in the app's data folder. Nothing secret is ever written here.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SettingsPatch } from '../../../shared/settings/settings.js';
import { Username } from '../../../shared/domain/primitives.js';
import type { Logger } from './logger.js';

const StoredSettings = z.strictObject({
  version: z.literal(1),
  settings: SettingsPatch,
  /** Session origin -> user whose refresh token the keychain holds. */
  remembered_users: z.record(z.string(), Username),
  /** One-time explanations already given (the first close that hid the window to the tray). */
  notices_shown: z.array(z.enum(['first_close'])).optional(),
});
type StoredSettings = z.infer<typeof StoredSettings>;
export type OnceNotice = NonNullable<StoredSettings['notices_shown']>[number];

const EMPTY: StoredSettings = { version: 1, settings: {}, remembered_users: {} };

export class SettingsStore {
  #data: StoredSettings;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {
    this.#data = this.#read();
  }

  /** The values the user chose (not yet merged with the policy). */
  userSettings(): SettingsPatch {
    return { ...this.#data.settings };
  }

  updateUserSettings(patch: SettingsPatch): void {
    this.#data = { ...this.#data, settings: { ...this.#data.settings, ...patch } };
    this.#write();
  }

  rememberedUser(sessionOrigin: string): string | null {
    return this.#data.remembered_users[sessionOrigin] ?? null;
  }

  setRememberedUser(sessionOrigin: string, username: string | null): void {
    const users = { ...this.#data.remembered_users };
    if (username) users[sessionOrigin] = username;
    else delete users[sessionOrigin];
    this.#data = { ...this.#data, remembered_users: users };
    this.#write();
  }

  noticeShown(notice: OnceNotice): boolean {
    return this.#data.notices_shown?.includes(notice) ?? false;
  }

  markNoticeShown(notice: OnceNotice): void {
    if (this.noticeShown(notice)) return;
    this.#data = { ...this.#data, notices_shown: [...(this.#data.notices_shown ?? []), notice] };
    this.#write();
  }

  #read(): StoredSettings {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return structuredClone(EMPTY);
    }
    try {
      const json = JSON.parse(text) as unknown;
      const parsed = StoredSettings.safeParse(json);
      if (parsed.success) return parsed.data;
      // A BFF URL this console no longer accepts (plain http to another machine) costs only that
      // setting, not the whole file: the console starts in local mode and the user picks an https URL.
      const settings = (json as { settings?: Record<string, unknown> } | null)?.settings;
      if (settings && typeof settings === 'object' && 'bff_url' in settings) {
        const { bff_url: refused, ...rest } = settings;
        const retry = StoredSettings.safeParse({ ...(json as object), settings: rest });
        if (retry.success) {
          this.logger.warn('stored BFF URL refused (https is required off this computer); using local mode until it is changed', {
            file: this.file,
            bff_url: String(refused).slice(0, 200),
          });
          return retry.data;
        }
      }
      throw parsed.error;
    } catch (error) {
      // The user's own file (not the policy): start from defaults, but say so.
      this.logger.warn('settings file unreadable, using defaults', { file: this.file, error });
      return structuredClone(EMPTY);
    }
  }

  #write(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    // Write then rename, so a crash mid-write never leaves half a file.
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.#data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
