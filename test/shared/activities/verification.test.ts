import { describe, expect, it } from 'vitest';
import { verifyRound } from '../../../shared/activities/verification.js';
import { judgeRound } from '../../../shared/analysis/verification.js';
import type { InputOf } from '../../../shared/contracts/contract.js';
import type { Activities } from '../../../shared/contracts/activities.js';
import type { VerificationSpec } from '../../../shared/contracts/plan.js';
import type { ClusterTarget } from '../../../shared/ports/cluster.js';
import type { Ports } from '../../../shared/ports/index.js';
import { FakeWorld } from '../../fakes/world.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { AT, input, P95, script, SUCCESS } from './analysis-fixtures.js';

const ID = 'apigateway-0123456789ab';
const SPEC: VerificationSpec = {
  window: 300_000,
  interval: 30_000,
  rules: [
    { name: 'success', metric: SUCCESS, for: 60_000 },
    { name: 'p95', metric: P95, for: 60_000 },
  ],
};
const TARGET: ClusterTarget = {
  subscriptionId: 'sub',
  resourceGroup: 'rg',
  cluster: 'aks',
  namespace: 'prod',
};

function setup() {
  const world = new FakeWorld();
  script(world, { 'request-rate': 5, 'request-success-rate': 97, 'request-duration': 200 });
  const store = new MemoryRunStore();
  return { world, store, ports: { metrics: world, cluster: world, store } as unknown as Ports };
}

const roundInput = (seqs: number[]): InputOf<typeof Activities.verifyRound> => ({
  analyse: { ...input({ metrics: SPEC.rules.map((r) => r.metric) }), side: 'primary' },
  pods: { target: TARGET, deployment: 'api' },
  spec: SPEC,
  since: { success: Date.parse(AT) - 30_000 },
  record: { deploymentId: ID, service: 'ApiGateway', seqs, at: AT },
});

/** analyse + rollout + record of one verification round, in one activity. */
describe('verifyRound', () => {
  it('records the round as judgeRound judges it, at the reserved seqs, and returns the evidence', async () => {
    const { store, ports } = setup();
    const out = await verifyRound(ports, roundInput([300, 301, 302, 303]));
    expect(out.pods).toMatchObject({ replicas: 1, readyReplicas: 1, crashLooping: [] });
    const entries = await store.listEvents(ID);
    expect(entries.map((e) => [e.seq, e.title, e.verdict])).toEqual([
      [300, 'verify:success', 'fail'],
      [301, 'verify:success', 'pass'],
      [302, 'verify:p95', 'pass'],
      [303, 'verify:pods', 'pass'],
    ]);
    expect(entries.every((e) => e.kind === 'check' && e.at === AT)).toBe(true);
    expect(entries[0]?.evidence).toMatchObject({ kind: 'metric', breachedForMs: 30_000 });
    // The orchestration's judgement of the returned evidence is what was written.
    const judged = judgeRound(
      SPEC,
      out.checks,
      out.pods,
      { success: Date.parse(AT) - 30_000 },
      Date.parse(AT),
    );
    expect(entries.map(({ deploymentId: _, seq: __, at: ___, ...e }) => e)).toEqual(judged.entries);
  });

  it('writes nothing and throws when the reserved seqs do not match the entries (a bug, retried)', async () => {
    const { store, ports } = setup();
    await expect(verifyRound(ports, roundInput([300, 301]))).rejects.toThrow(
      'verification wrote 4 entries for 2 reserved sequence numbers',
    );
    expect(await store.listEvents(ID)).toEqual([]);
  });
});
