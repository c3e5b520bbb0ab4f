// Approval commit -> HAProxy applied: 50 rollouts (canary approved, then
// rolled back) through a demo BFF dispatching to a real HAProxy. For each, the
// time from the approval's (or rollback's) answer — the commit is done by
// then — to the `deployment.applied` event, which the dispatcher writes after
// HAProxy's weights were set and read back. `npm run bench -- dispatch`;
// BENCH_ROLLOUTS changes the count. Prints figures; never fails on a timing.
import type { ChangeRequest } from '../../shared/domain/change-request.js';
import type { Deployment } from '../../shared/domain/deployment.js';
import { startHarness } from '../../bff/src/testing/demo-harness.js';
import { haproxyInstalled, startHaproxy, startModelServer } from '../../bff/src/testing/haproxy.js';

const rollouts = Number(process.env.BENCH_ROLLOUTS ?? 50);

function summary(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(1);
  console.log(`${label.padEnd(44)} n ${sorted.length}  p50 ${at(0.5).padStart(6)} ms  p99 ${at(0.99).padStart(6)} ms  max ${sorted.at(-1)!.toFixed(1).padStart(6)} ms`);
}

export default async function run(): Promise<void> {
  if (!haproxyInstalled()) {
    console.log('haproxy is not installed (apt-get install haproxy): dispatch benchmark skipped');
    return;
  }
  const servers = await Promise.all([startModelServer('2.0.0'), startModelServer('2.1.0')]);
  const haproxy = await startHaproxy([{ name: 'ltr', servers, initialWeights: { v2_0_0: 100 } }]);
  const h = await startHarness({ socket: true });
  try {
    const [olivia, arjun, ada] = await Promise.all([h.as('olivia'), h.as('arjun'), h.as('ada')]);
    const stream = await olivia.subscribe();
    const set = await ada.call('PUT', '/admin/models/ltr-ranker/serving', {
      body: { target: { kind: 'haproxy', runtime_api: haproxy.runtimeApi, backend: 'ltr' } },
      stepUp: 'serving.set',
    });
    if (set.status !== 200) throw new Error(`PUT serving: ${set.status} ${set.text}`);
    const applied = (stateVersion: number) =>
      stream.waitFor((event) => event.data.type === 'deployment.applied' && event.data.deployment.state_version === stateVersion, 10_000);
    const approvals: number[] = [];
    const rollbacks: number[] = [];

    for (let i = 0; i < rollouts; i++) {
      const requested = await olivia.post('/admin/models/ltr-ranker/rollout', { target_version: '2.1.0', strategy: 'canary', justification: 'bench' }, { stepUp: 'rollout' });
      if (requested.status !== 202) throw new Error(`rollout: ${requested.status} ${requested.text}`);
      const request = requested.body.request as ChangeRequest;
      const approveToken = await arjun.stepUp('approve');
      const approved = await arjun.post(`/admin/approvals/${request.id}/approve`, { comment: 'bench', intent_digest: request.intent_digest }, { stepUp: approveToken });
      const committed = performance.now();
      if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${approved.text}`);
      await applied((approved.body.deployment as Deployment).state_version);
      approvals.push(performance.now() - committed);

      const rollbackToken = await olivia.stepUp('rollback');
      const rolledBack = await olivia.post('/admin/models/ltr-ranker/rollback', { justification: 'bench' }, { stepUp: rollbackToken });
      const rollbackCommitted = performance.now();
      if (rolledBack.status !== 200) throw new Error(`rollback: ${rolledBack.status} ${rolledBack.text}`);
      await applied((rolledBack.body.deployment as Deployment).state_version);
      rollbacks.push(performance.now() - rollbackCommitted);
    }
    stream.close();
    summary('approval answered -> HAProxy applied (canary 5 %)', approvals);
    summary('rollback answered -> HAProxy applied', rollbacks);
  } finally {
    await h.close();
    await haproxy.stop();
  }
}
