import { describe, expect, it } from 'vitest';
import { addWorkload } from '../../../sandbox/kubernetes.js';
import { TrafficRouters } from '../../../shared/adapters/routers.js';
import { OLD_IMAGE, TARGET, useKubeSandbox } from './kube-harness.js';

const h = useKubeSandbox({ kind: 'nginx', ingress: 'web', canaryIngress: 'web-canary' });

describe('TrafficRouters', () => {
  it('dispatches on the router kind of each plan', async () => {
    addWorkload(h.world, {
      namespace: 'prod',
      deployment: 'api',
      image: OLD_IMAGE,
      replicas: 1,
      router: { kind: 'gateway-api', route: 'api', primaryBackend: 'api', canaryBackend: 'api-canary' },
    });
    addWorkload(h.world, {
      namespace: 'prod',
      deployment: 'worker',
      image: OLD_IMAGE,
      replicas: 3,
      router: { kind: 'replicas' },
    });
    const routers = new TrafficRouters({ kubeconfigs: h.kubeconfigs });

    expect(
      await routers.setWeight(TARGET, { kind: 'nginx', ingress: 'web', canaryIngress: 'web-canary' }, 10),
    ).toBe(10);
    expect(
      await routers.setWeight(
        TARGET,
        { kind: 'gateway-api', route: 'api', primaryBackend: 'api', canaryBackend: 'api-canary' },
        10,
      ),
    ).toBe(10);
    expect(
      await routers.setWeight(
        TARGET,
        { kind: 'replicas', deployment: 'worker', canaryDeployment: 'worker-canary' },
        50,
      ),
    ).toBe(50);

    // Read back without writing: what the cluster routes now.
    expect(
      await Promise.all([
        routers.readWeight(TARGET, { kind: 'nginx', ingress: 'web', canaryIngress: 'web-canary' }),
        routers.readWeight(TARGET, {
          kind: 'gateway-api',
          route: 'api',
          primaryBackend: 'api',
          canaryBackend: 'api-canary',
        }),
        routers.readWeight(TARGET, {
          kind: 'replicas',
          deployment: 'worker',
          canaryDeployment: 'worker-canary',
        }),
      ]),
    ).toEqual([10, 10, 50]);
    const paths = h.sandbox.requests.filter((r) => r.method === 'PATCH').map((r) => r.path);
    expect(paths).toEqual([
      '/apis/networking.k8s.io/v1/namespaces/prod/ingresses/web-canary',
      '/apis/gateway.networking.k8s.io/v1/namespaces/prod/httproutes/api',
      '/apis/apps/v1/namespaces/prod/deployments/worker-canary',
    ]);
  });
});
