// Reads a .cpuprofile (Chrome DevTools format) and prints where the time went:
// self time per function and per package/file, and inclusive time of the
// functions whose name or file matches --focus. Run:
//   npx tsx scripts/bench-probes/profile-summary.ts out.cpuprofile [--top 40] [--focus regex]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, focus: { type: 'string' } } });
const profile = JSON.parse(await readFile(positionals[0]!, 'utf8')) as Profile;
const top = Number(values.top ?? 40);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Time per sample: the delta to the next sample.
const selfTime = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  selfTime.set(profile.samples[i]!, (selfTime.get(profile.samples[i]!) ?? 0) + delta);
}
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

const where = (node: Node) => {
  const url = node.callFrame.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'npm:').replace(/.*\/(bff|shared|scripts)\//, '$1/');
  return url;
};
const label = (node: Node) => `${node.callFrame.functionName || '(anonymous)'} ${where(node)}:${node.callFrame.lineNumber + 1}`;
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;

const selfByLabel = new Map<string, number>();
const selfByFile = new Map<string, number>();
for (const [id, us] of selfTime) {
  const node = byId.get(id)!;
  selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + us);
  const file = where(node).replace(/^(npm:(@[^/]+\/)?[^/]+).*/, '$1') || `(${node.callFrame.functionName})`;
  selfByFile.set(file, (selfByFile.get(file) ?? 0) + us);
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
};
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
print('self time by package / file', selfByFile);
print('self time by function', selfByLabel);

if (values.focus) {
  // Inclusive time: a sample counts once for every distinct matching frame on its stack.
  const pattern = new RegExp(values.focus);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfTime) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      if (pattern.test(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
  }
  print(`inclusive time of frames matching /${values.focus}/`, inclusive);
}
