// `npm run bench [-- name ...]`: runs every benchmark module in scripts/bench/
// (each default-exports an async run(options)), or only those named. Benchmarks print
// figures; they never pass or fail on a timing.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'bench');
// Names come first; from the first --option on, the arguments belong to the benchmarks
// (e.g. `npm run bench -- bff-registry --db postgres://…`).
const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const wanted = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
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
  const module = (await import(pathToFileURL(join(folder, `${name}.ts`)).href)) as { default?: (options: string[]) => Promise<void> };
  if (typeof module.default !== 'function') throw new Error(`scripts/bench/${name}.ts must default-export an async run()`);
  await module.default(options);
}
