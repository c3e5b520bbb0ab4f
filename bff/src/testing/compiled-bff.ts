// The BFF as it ships (docs/decisions/0011-compiled-bff-and-local-start.md): tests that
// start it as a child process (the CLI, replicas, crash recovery) run the compiled
// output with plain node, not the sources through tsx (about 2 s per child). Built once
// per test process into a private folder under out/ (node_modules resolves its
// external packages from there), removed when the process exits.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = join(import.meta.dirname, '../../..');

let built: Promise<string> | undefined;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Copies left by test processes that were killed before their exit handler ran. */
function removeStaleCopies(): void {
  if (!existsSync(join(REPO_ROOT, 'out'))) return;
  for (const name of readdirSync(join(REPO_ROOT, 'out'), { withFileTypes: true })) {
    const pid = /^test-bff-(\d+)$/.exec(name.name)?.[1];
    if (name.isDirectory() && pid && !processIsAlive(Number(pid))) rmSync(join(REPO_ROOT, 'out', name.name), { recursive: true, force: true });
  }
}

/** The path of the compiled CLI (`node <path> serve …`), built on the first call. */
export function compiledBffCli(): Promise<string> {
  built ??= (async () => {
    const outDir = join(REPO_ROOT, 'out', `test-bff-${process.pid}`);
    removeStaleCopies();
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    await promisify(execFile)(process.execPath, ['scripts/build-bff.mjs', '--out-dir', outDir], { cwd: REPO_ROOT, timeout: 120_000 });
    return join(outDir, 'cli.js');
  })();
  return built;
}
