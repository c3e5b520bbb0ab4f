// Which command-line arguments name report files to open: the OS passes the
// file this way for a file association (Windows, Linux), "Open with", or a
// second launch of the app while it runs.
import { posix, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';

/** More at once is not a reviewer opening reports but a glob gone wrong. */
const MAX_FILES = 4;

/** `scheme:` at the start, as in `modelops:/../x.json` or `https://…`; a drive letter (`C:\`) is not one. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:/i;
const WINDOWS_DRIVE = /^[a-z]:[\\/]/i;

/**
 * Absolute paths of the `*.json` arguments (exported reports are
 * `*.modelreport.json`; a renamed one still ends in .json). Switches, the
 * executable itself, relative paths and anything that looks like a URL are
 * never files to open — deep links without `//` (`modelops:/../Downloads/x.json`)
 * included; only `file://` URLs are turned into the path they name.
 */
export function reportPathsFromArgv(argv: readonly string[], platform: NodeJS.Platform = process.platform): string[] {
  const windows = platform === 'win32';
  const paths: string[] = [];
  for (const argument of argv.slice(1)) {
    if (argument.startsWith('-')) continue;
    let path: string;
    if (/^file:\/\//i.test(argument)) {
      try {
        path = fileURLToPath(argument, { windows });
      } catch {
        continue;
      }
    } else if (URL_LIKE.test(argument) && !(windows && WINDOWS_DRIVE.test(argument))) {
      continue;
    } else {
      path = argument;
    }
    if (!(windows ? win32.isAbsolute(path) && (WINDOWS_DRIVE.test(path) || path.startsWith('\\\\')) : posix.isAbsolute(path))) continue;
    if (!/\.json$/i.test(path)) continue;
    paths.push(windows ? win32.normalize(path) : posix.normalize(path));
    if (paths.length === MAX_FILES) break;
  }
  return paths;
}
