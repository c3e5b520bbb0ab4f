// `npm run bench -- passwords`: time per scrypt hash at the BFF's default cost
// (N=2^17, r=8, p=1) and at the old one (2^15), one at a time and two at once
// (the build machines have 2 cores). Prints figures only.
import { hashPassword, type PasswordCost } from '../../bff/src/services/passwords.js';

async function time(label: string, cost: PasswordCost, parallel: number, rounds = 5): Promise<void> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    await Promise.all(Array.from({ length: parallel }, () => hashPassword('correct horse battery staple', cost)));
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: median ${samples[Math.floor(samples.length / 2)]!.toFixed(0)} ms for ${parallel} hash(es) (min ${samples[0]!.toFixed(0)}, max ${samples.at(-1)!.toFixed(0)})`);
}

export default async function run(): Promise<void> {
  await time('N=2^17 (default)', { N: 2 ** 17, r: 8, p: 1 }, 1);
  await time('N=2^17 (default)', { N: 2 ** 17, r: 8, p: 1 }, 2);
  await time('N=2^15 (before)', { N: 2 ** 15, r: 8, p: 1 }, 1);
}
