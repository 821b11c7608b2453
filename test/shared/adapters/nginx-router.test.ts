import { describe, expect, it } from 'vitest';
import { NginxRouter } from '../../../shared/adapters/nginx-router.js';
import type { RouterSpec } from '../../../shared/contracts/plan.js';
import { kubeError, TARGET, useKubeSandbox, type KubeHarness } from './kube-harness.js';

const spec = { kind: 'nginx', ingress: 'web', canaryIngress: 'web-canary' } as const satisfies RouterSpec;
const h = useKubeSandbox(spec);
const router = () => new NginxRouter({ kubeconfigs: h.kubeconfigs });
const annotations = (harness: KubeHarness, name = 'web-canary') =>
  harness.world.get('Ingress', 'prod', name)?.metadata.annotations;

describe('NginxRouter through client-node against the sandbox API', () => {
  it('moves canary-weight 0 → 10 → 25 → 50 → 0 and returns what it reads back', async () => {
    const seen: number[] = [];
    for (const weight of [0, 10, 25, 50, 0]) {
      seen.push(await router().setWeight(TARGET, spec, weight));
      expect(annotations(h)?.['nginx.ingress.kubernetes.io/canary-weight']).toBe(String(weight));
    }
    expect(seen).toEqual([0, 10, 25, 50, 0]);
    expect(annotations(h)?.['nginx.ingress.kubernetes.io/canary']).toBe('true');
    expect(annotations(h, 'web')).toBeUndefined(); // the main Ingress is never touched
    const patches = h.sandbox.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(4); // the seeded Ingress already had weight 0
    expect(patches[0]).toEqual({
      method: 'PATCH',
      path: '/apis/networking.k8s.io/v1/namespaces/prod/ingresses/web-canary',
      contentType: 'application/merge-patch+json',
    });
  });

  it('scales the weight to canary-weight-total', async () => {
    const ingress = h.world.get('Ingress', 'prod', 'web-canary')!;
    ingress.metadata.annotations = {
      ...ingress.metadata.annotations,
      'nginx.ingress.kubernetes.io/canary-weight-total': '1000',
    };
    h.world.put(ingress);
    expect(await router().setWeight(TARGET, spec, 25)).toBe(25);
    expect(annotations(h)?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('250');
  });

  it('refuses an Ingress that is not marked canary, and bad weights', async () => {
    const notCanary = await kubeError(router().setWeight(TARGET, { ...spec, canaryIngress: 'web' }, 10));
    expect(notCanary.code).toBe('invalid');
    expect(notCanary.message).toContain('is not a canary ingress');
    for (const weight of [-1, 101, 12.5, Number.NaN])
      expect((await kubeError(router().setWeight(TARGET, spec, weight))).code).toBe('invalid');
    expect((await kubeError(router().setWeight(TARGET, { ...spec, canaryIngress: 'x/y' }, 1))).code).toBe(
      'invalid',
    );
  });

  it('throws router-mismatch when something rewrites the weight (e.g. GitOps self-heal)', async () => {
    h.world.onChange(({ object }) => {
      const weight = object.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
      if (object.kind === 'Ingress' && weight !== undefined && weight !== '0') {
        object.metadata.annotations = {
          ...object.metadata.annotations,
          'nginx.ingress.kubernetes.io/canary-weight': '0',
        };
        h.world.put(object);
      }
    });
    const error = await kubeError(router().setWeight(TARGET, spec, 10));
    expect(error).toMatchObject({ code: 'router-mismatch' });
    expect(error.message).toContain('reads canary weight 0, set 10');
  });

  it('reports a missing canary Ingress as not-found', async () => {
    const error = await kubeError(router().setWeight(TARGET, { ...spec, canaryIngress: 'nope' }, 10));
    expect(error.code).toBe('not-found');
    expect(error.message).toContain('ingresses.networking.k8s.io "nope" not found');
  });
});
