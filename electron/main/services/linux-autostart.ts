// Launch at login on Linux: the XDG autostart entry (~/.config/autostart),
// which GNOME, KDE, Xfce and others read. Electron's setLoginItemSettings
// covers only macOS and Windows.
import { mkdir, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export const AUTOSTART_FILE_NAME = 'model-ops-console.desktop';

export function autostartDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart');
}

/** Desktop Entry quoting: arguments in double quotes, with \ " ` $ escaped. */
const quote = (arg: string) => `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;

export function autostartEntry(appName: string, command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${appName}`,
    `Exec=${command.map(quote).join(' ')}`,
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes (atomically) or removes the entry. */
export async function applyLinuxAutostart(dir: string, enabled: boolean, appName: string, command: readonly string[]): Promise<void> {
  const file = join(dir, AUTOSTART_FILE_NAME);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(`${file}.tmp`, autostartEntry(appName, command), { mode: 0o644 });
  await rename(`${file}.tmp`, file);
}
