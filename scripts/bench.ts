// `npm run bench [-- name ...]`: runs every benchmark module in scripts/bench/
// (each default-exports an async run()), or only those named. Benchmarks print
// figures; they never pass or fail on a timing.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const wanted = process.argv.slice(2);
const modules = (await readdir(folder))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => basename(file, '.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (modules.length === 0) {
  console.error(`no benchmark named ${wanted.join(', ')} in scripts/bench/`);
  process.exit(2);
}

for (const name of modules) {
  console.log(`\n=== ${name} ===`);
  const module = (await import(pathToFileURL(join(folder, `${name}.ts`)).href)) as { default?: () => Promise<void> };
  if (typeof module.default !== 'function') throw new Error(`scripts/bench/${name}.ts must default-export an async run()`);
  await module.default();
}
