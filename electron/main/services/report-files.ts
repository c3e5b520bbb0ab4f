// Which command-line arguments name report files to open: the OS passes the
// file this way for a file association (Windows, Linux), "Open with", or a
// second launch of the app while it runs.
import { isAbsolute, resolve } from 'node:path';

/** More at once is not a reviewer opening reports but a glob gone wrong. */
const MAX_FILES = 4;

/**
 * Absolute paths of the `*.json` arguments (exported reports are
 * `*.modelreport.json`; a renamed one still ends in .json). Switches,
 * URLs (deep links) and the executable itself are never files to open.
 */
export function reportPathsFromArgv(argv: readonly string[], workingDirectory: string): string[] {
  const paths: string[] = [];
  for (const argument of argv.slice(1)) {
    if (argument.startsWith('-') || /^[a-z][a-z0-9+.-]+:\/\//i.test(argument)) continue;
    if (!/\.json$/i.test(argument)) continue;
    paths.push(isAbsolute(argument) ? argument : resolve(workingDirectory, argument));
    if (paths.length === MAX_FILES) break;
  }
  return paths;
}
