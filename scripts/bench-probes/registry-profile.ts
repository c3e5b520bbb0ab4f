// A CPU profile of the registry's hot reads (issue 12): starts the BFF on a
// bulk-loaded SQLite file as the bff-registry benchmark does, then sends each
// read many times so that `node --cpu-prof` (or the inspector, with --profile)
// sees where a request's time goes. Run:
//   npx tsx scripts/bench-probes/registry-profile.ts [--profile out.cpuprofile] [--requests N]
// and read the profile with scripts/bench-probes/profile-summary.ts.
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startLoadedRegistry } from '../bench/bff-registry.js';

const { values } = parseArgs({ options: { profile: { type: 'string' }, requests: { type: 'string' } } });
const requests = Number(values.requests ?? 2000);
const { bff, headers, paths, close } = await startLoadedRegistry('registry-profile-');
try {
  const run = async (count: number) => {
    for (const path of paths) {
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const response = await fetch(`${bff.url}${path}`, { headers });
        await response.arrayBuffer();
      }
      console.log(`${path.slice(0, 40).padEnd(40)} ${((performance.now() - started) / count).toFixed(3)} ms per request`);
    }
  };
  await run(200);
  const session = values.profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 50 });
    await session.post('Profiler.start');
  }
  await run(requests);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(values.profile!, JSON.stringify(profile));
    session.disconnect();
  }
} finally {
  await close();
}
