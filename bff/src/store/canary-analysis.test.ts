// One evaluator per model at a time, across replicas: the analysis row is
// claimed with a lease by a conditional write. Two connection pools on one
// database stand for two replicas (SQLite here, PostgreSQL in bff-pg).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultOnlineGatePolicy } from '../../../shared/logic/online-gate.js';
import { seedDemo } from '../seed/demo.js';
import { testDatabase } from '../testing/harness.js';
import { claimCanaryStep, findCanaryStep, updateCanaryStep } from './canary-analysis.js';
import { openDatabase, type Db } from './database.js';

let dir: string;
let replicaA: Db;
let replicaB: Db;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canary-lease-'));
  const location = await testDatabase(dir, 'canary.db');
  replicaA = await openDatabase(location);
  replicaB = await openDatabase(location);
  await seedDemo(replicaA, new Date());
});

afterAll(async () => {
  await replicaA.destroy();
  await replicaB.destroy();
  await rm(dir, { recursive: true, force: true });
});

const t = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)).toISOString();
const fresh = {
  model_id: 'ltr-ranker',
  state_version: 7,
  canary_version: '2.1.0',
  stable_version: '2.0.0',
  canary_pct: 5,
  status: 'waiting' as const,
  policy: JSON.stringify(defaultOnlineGatePolicy('LTR')),
  intervals_evaluated: 0,
  consecutive_passes: 0,
  consecutive_failures: 0,
  last_evaluation: null,
  last_failure: null,
  window_start: t(0),
  next_evaluation_at: t(60),
  haproxy_counters: null,
  started_at: t(0),
  updated_at: t(0),
};

describe('canary analysis lease', () => {
  it('lets exactly one of 20 simultaneous claims from two replicas start a step', async () => {
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claimCanaryStep(i % 2 === 0 ? replicaA : replicaB, 'ltr-ranker', t(1), `${t(30)}#${i}`, fresh, false)),
    );
    expect(claims.filter((claim) => claim !== null)).toHaveLength(1);
  });

  it('hands a due step to one evaluator, keeps a held lease, and takes back an expired one', async () => {
    const row = (await findCanaryStep(replicaA, 'ltr-ranker'))!;
    const held = row.claimed_until!;
    // Held: nobody else gets it, due or not.
    expect(await claimCanaryStep(replicaB, 'ltr-ranker', t(2), 'other', null, false)).toBeNull();
    // The holder writes and releases; a writer whose lease is gone changes nothing.
    expect(await updateCanaryStep(replicaB, 'ltr-ranker', 'not-the-lease', { status: 'baking' })).toBe(false);
    expect(await updateCanaryStep(replicaA, 'ltr-ranker', held, { status: 'baking' })).toBe(true);
    // Not due before next_evaluation_at; due after it, to one of two evaluators.
    expect(await claimCanaryStep(replicaA, 'ltr-ranker', t(59), t(89), null, true)).toBeNull();
    const due = await Promise.all([claimCanaryStep(replicaA, 'ltr-ranker', t(61), `${t(91)}a`, null, true), claimCanaryStep(replicaB, 'ltr-ranker', t(61), `${t(91)}b`, null, true)]);
    expect(due.filter((claim) => claim === 'claimed')).toHaveLength(1);
    // A crashed evaluator's lease runs out: the step is taken back.
    expect(await claimCanaryStep(replicaB, 'ltr-ranker', t(92), t(122), null, true)).toBe('claimed');
    expect((await findCanaryStep(replicaA, 'ltr-ranker'))!.status).toBe('baking');
  });
});
