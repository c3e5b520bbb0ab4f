#!/usr/bin/env node
// Runs Electronegativity over electron/ and fails on any finding that is not
// justified in README.md ("Electron main process" > "Electronegativity").
// Electronegativity itself exits 0 even with HIGH findings, so its report is read here:
// SARIF (JSON), because its CSV writer sometimes overwrites the start of the first row.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ELECTRON_VERSION = JSON.parse(readFileSync(new URL('../node_modules/electron/package.json', import.meta.url), 'utf8')).version;

/** check id + file: each one explained in README.md. */
const JUSTIFIED = new Set([
  'CSP_GLOBAL_CHECK main/adapters/protocol.ts',
  'PROTOCOL_HANDLER_JS_CHECK main/adapters/deep-link.ts',
  'PRELOAD_JS_CHECK main/adapters/window.ts',
  'OPEN_EXTERNAL_JS_CHECK main/adapters/system-browser.ts',
]);

const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
const sarif = join(dir, 'findings.sarif');
try {
  execFileSync('npx', ['--no-install', 'electronegativity', '-i', 'electron', '-r', '-e', ELECTRON_VERSION, '-o', sarif], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: new URL('..', import.meta.url),
  });
  const results = JSON.parse(readFileSync(sarif, 'utf8')).runs.flatMap((run) => run.results);
  const findings = results.map((result) => {
    const where = result.locations[0].physicalLocation;
    return { id: result.ruleId, level: result.level, file: where.artifactLocation.uri, location: `${where.region.startLine}:${where.region.startColumn}` };
  });
  const unexplained = findings.filter((finding) => !JUSTIFIED.has(`${finding.id} ${finding.file}`));
  for (const finding of findings) {
    const mark = JUSTIFIED.has(`${finding.id} ${finding.file}`) ? 'justified' : 'NEW';
    console.log(`electronegativity: ${mark.padEnd(9)} ${finding.id} ${finding.level} ${finding.file}:${finding.location}`);
  }
  if (unexplained.length > 0) {
    console.error(`electronegativity: ${unexplained.length} finding(s) neither fixed nor justified in README.md`);
    process.exit(1);
  }
  console.log(`electronegativity: ${findings.length} finding(s), all justified in README.md`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
