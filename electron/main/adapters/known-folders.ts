// Windows' ProgramData known folder, read from the machine's registry (not from
// the environment, which the user sets): where the workstation policy lives.
import { execFileSync } from 'node:child_process';
import { win32 } from 'node:path';

const PROFILE_LIST = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList';
const CURRENT_VERSION = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
/** reg.exe at its fixed place: PATH and %SystemRoot% come from the environment too. */
const REG_EXE = 'C:\\Windows\\System32\\reg.exe';

function regValue(key: string, name: string): string | null {
  try {
    const output = execFileSync(REG_EXE, ['query', key, '/v', name], { encoding: 'utf8', windowsHide: true, timeout: 5000 });
    const match = new RegExp(`^\\s*${name}\\s+REG_(?:EXPAND_)?SZ\\s+(.+?)\\s*$`, 'mi').exec(output);
    return match?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * FOLDERID_ProgramData as the registry names it (`%SystemDrive%\ProgramData`,
 * the drive taken from the registry's SystemRoot); null off Windows or when it
 * cannot be read (the policy service then uses C:\ProgramData).
 */
export function programDataFolder(platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== 'win32') return null;
  const raw = regValue(PROFILE_LIST, 'ProgramData');
  if (!raw) return null;
  const systemRoot = regValue(CURRENT_VERSION, 'SystemRoot');
  const systemDrive = systemRoot && /^[A-Za-z]:/.test(systemRoot) ? systemRoot.slice(0, 2) : 'C:';
  const expanded = raw.replace(/%SystemDrive%/gi, systemDrive);
  return /^[A-Za-z]:[\\/]/.test(expanded) && !expanded.includes('%') ? win32.normalize(expanded) : null;
}
