// Report files the OS hands the app: macOS sends 'open-file' events (also
// before "ready", so register early); Windows and Linux put the path on the
// command line, of this launch or of a second one (single-instance lock).
import { app } from 'electron';
import { reportPathsFromArgv } from '../services/report-files.js';

/** Calls `onPath` for every report file the OS opens with the running app. */
export function listenForReportFiles(onPath: (path: string) => void): void {
  app.on('open-file', (event, path) => {
    event.preventDefault();
    onPath(path);
  });
  app.on('second-instance', (_event, argv) => {
    for (const path of reportPathsFromArgv(argv)) onPath(path);
  });
}

/** Report files named on this launch's command line. */
export function startupReportPaths(): string[] {
  return reportPathsFromArgv(process.argv);
}
