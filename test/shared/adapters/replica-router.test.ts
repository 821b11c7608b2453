import { describe, expect, it } from 'vitest';
import { achievedWeight, canaryReplicas, ReplicaRouter } from '../../../shared/adapters/replica-router.js';
import type { RouterSpec } from '../../../shared/contracts/plan.js';
import { deploymentSpec, kubeError, TARGET, useKubeSandbox } from './kube-harness.js';

const spec = {
  kind: 'replicas',
  deployment: 'web',
  canaryDeployment: 'web-canary',
} as const satisfies RouterSpec;
const h = useKubeSandbox(spec);
const router = () => new ReplicaRouter({ kubeconfigs: h.kubeconfigs });

describe('ReplicaRouter through client-node against the sandbox API', () => {
  it('scales only the canary and returns the share the replica counts achieve', async () => {
    // Primary has 4 replicas: 10% → 1 canary (20%), 25% → 1 (20%), 50% → 4 (50%), 0 → 0.
    const achieved: number[] = [];
    const canary: Array<number | undefined> = [];
    for (const weight of [10, 25, 50, 0]) {
      achieved.push(await router().setWeight(TARGET, spec, weight));
      canary.push(deploymentSpec(h, 'web-canary').replicas);
    }
    expect(achieved).toEqual([20, 20, 50, 0]);
    expect(canary).toEqual([1, 1, 4, 0]);
    expect(deploymentSpec(h, 'web').replicas).toBe(4);
    // 25% needed no write: the canary already had the one replica it asks for.
    expect(h.sandbox.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
  });

  it('needs the Deployment names and refuses 100% while the primary runs', async () => {
    const unnamed = await kubeError(router().setWeight(TARGET, { kind: 'replicas' }, 10));
    expect(unnamed.message).toContain('needs the primary and canary Deployment names');
    expect((await kubeError(router().setWeight(TARGET, spec, 100))).code).toBe('invalid');
    expect((await kubeError(router().setWeight(TARGET, { ...spec, deployment: 'Web' }, 10))).code).toBe(
      'invalid',
    );
  });

  it('throws router-mismatch when the canary is scaled behind its back (e.g. an HPA)', async () => {
    h.world.onChange(({ object }) => {
      if (object.metadata.name === 'web-canary' && object.spec?.replicas === 1)
        h.world.put({ ...object, spec: { ...object.spec, replicas: 3 } });
    });
    const error = await kubeError(router().setWeight(TARGET, spec, 10));
    expect(error).toMatchObject({ code: 'router-mismatch' });
    expect(error.message).toContain('reads weight 43, set 20');
  });
});

describe('replica arithmetic', () => {
  it('keeps at least one canary pod above 0% and follows the ratio otherwise', () => {
    expect(canaryReplicas(4, 0)).toBe(0);
    expect(canaryReplicas(0, 30)).toBe(1);
    expect(canaryReplicas(9, 10)).toBe(1);
    expect(canaryReplicas(10, 50)).toBe(10);
    expect(canaryReplicas(3, 75)).toBe(9);
    expect(achievedWeight(0, 0)).toBe(0);
    expect(achievedWeight(3, 9)).toBe(75);
  });
});
