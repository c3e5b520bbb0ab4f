#!/usr/bin/env node
// Runs Electronegativity over electron/ and fails on any finding that is not
// justified in README.md ("Electron main process" > "Electronegativity").
// Electronegativity itself exits 0 even with HIGH findings, so its CSV is read here.
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
]);

const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
const csv = join(dir, 'findings.csv');
try {
  execFileSync('npx', ['--no-install', 'electronegativity', '-i', 'electron', '-r', '-e', ELECTRON_VERSION, '-o', csv], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: new URL('..', import.meta.url),
  });
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).filter(Boolean);
  const findings = rows.map((row) => {
    const [id, severity, confidence, file, location] = row.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
    return { id, severity, confidence, file, location };
  });
  const unexplained = findings.filter((finding) => !JUSTIFIED.has(`${finding.id} ${finding.file}`));
  for (const finding of findings) {
    const mark = JUSTIFIED.has(`${finding.id} ${finding.file}`) ? 'justified' : 'NEW';
    console.log(`electronegativity: ${mark.padEnd(9)} ${finding.id} ${finding.severity}/${finding.confidence} ${finding.file}:${finding.location}`);
  }
  if (unexplained.length > 0) {
    console.error(`electronegativity: ${unexplained.length} finding(s) neither fixed nor justified in README.md`);
    process.exit(1);
  }
  console.log(`electronegativity: ${findings.length} finding(s), all justified in README.md`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
