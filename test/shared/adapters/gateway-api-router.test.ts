import { describe, expect, it } from 'vitest';
import { GatewayApiRouter, splitRules, weightPatch } from '../../../shared/adapters/gateway-api-router.js';
import type { RouterSpec } from '../../../shared/contracts/plan.js';
import { kubeError, TARGET, useKubeSandbox, type KubeHarness } from './kube-harness.js';

const spec = {
  kind: 'gateway-api',
  route: 'web',
  primaryBackend: 'web',
  canaryBackend: 'web-canary',
} as const satisfies RouterSpec;
const h = useKubeSandbox(spec);
const router = () => new GatewayApiRouter({ kubeconfigs: h.kubeconfigs });

type Rule = { matches?: unknown[]; backendRefs: Array<{ name: string; port?: number; weight?: number }> };
const rules = (harness: KubeHarness): Rule[] =>
  (harness.world.get('HTTPRoute', 'prod', 'web')?.spec as { rules: Rule[] }).rules;
function setRules(harness: KubeHarness, next: Rule[]): void {
  const route = harness.world.get('HTTPRoute', 'prod', 'web')!;
  harness.world.put({ ...route, spec: { ...route.spec, rules: next } });
}

describe('GatewayApiRouter through client-node against the sandbox API', () => {
  it('sets backend weights with a JSON Patch on the exact indices and reads them back', async () => {
    expect(await router().setWeight(TARGET, spec, 10)).toBe(10);
    expect(rules(h)[0]?.backendRefs).toEqual([
      { name: 'web', port: 80, weight: 90 },
      { name: 'web-canary', port: 80, weight: 10 },
    ]);
    const patch = h.sandbox.requests.find((r) => r.method === 'PATCH');
    expect(patch).toEqual({
      method: 'PATCH',
      path: '/apis/gateway.networking.k8s.io/v1/namespaces/prod/httproutes/web',
      contentType: 'application/json-patch+json',
    });
    expect(await router().setWeight(TARGET, spec, 50)).toBe(50);
    expect(await router().setWeight(TARGET, spec, 50)).toBe(50);
    expect(await router().setWeight(TARGET, spec, 0)).toBe(0);
    expect(h.sandbox.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
  });

  it('updates every rule that splits between the two backends and leaves the rest of the route alone', async () => {
    setRules(h, [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [{ name: 'other', port: 80 }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          { name: 'mirror', port: 80, weight: 0 },
          { name: 'web-canary', port: 80 },
          { name: 'web', port: 80 },
        ],
      },
      {
        backendRefs: [
          { name: 'web', port: 8080, weight: 1 },
          { name: 'web-canary', port: 8080, weight: 1 },
        ],
      },
    ]);
    expect(await router().setWeight(TARGET, spec, 25)).toBe(25);
    expect(rules(h)).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [{ name: 'other', port: 80 }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          { name: 'mirror', port: 80, weight: 0 },
          { name: 'web-canary', port: 80, weight: 25 },
          { name: 'web', port: 80, weight: 75 },
        ],
      },
      {
        backendRefs: [
          { name: 'web', port: 8080, weight: 75 },
          { name: 'web-canary', port: 8080, weight: 25 },
        ],
      },
    ]);
  });

  it('guards each index with a test of the backend name', () => {
    const route = { spec: { rules: [{ backendRefs: [{ name: 'web-canary' }, { name: 'web' }] }] } };
    const splits = splitRules(route, spec);
    expect(splits).toEqual([{ rule: 0, primary: 1, canary: 0 }]);
    expect(weightPatch(splits, spec, 10)).toEqual([
      { op: 'test', path: '/spec/rules/0/backendRefs/1/name', value: 'web' },
      { op: 'test', path: '/spec/rules/0/backendRefs/0/name', value: 'web-canary' },
      { op: 'add', path: '/spec/rules/0/backendRefs/1/weight', value: 90 },
      { op: 'add', path: '/spec/rules/0/backendRefs/0/weight', value: 10 },
    ]);
  });

  it('refuses a route without both backends, and reports a missing route', async () => {
    const none = await kubeError(router().setWeight(TARGET, { ...spec, canaryBackend: 'web-v2' }, 10));
    expect(none.code).toBe('invalid');
    expect(none.message).toContain('has no rule with both web and web-v2');
    const missing = await kubeError(router().setWeight(TARGET, { ...spec, route: 'nope' }, 10));
    expect(missing.code).toBe('not-found');
    expect(missing.message).toContain('httproutes.gateway.networking.k8s.io "nope" not found');
  });

  it('throws router-mismatch when the route reads back other weights', async () => {
    h.world.onChange(({ object }) => {
      const refs = (object.spec as { rules?: Rule[] } | undefined)?.rules?.[0]?.backendRefs;
      if (object.kind === 'HTTPRoute' && refs?.[1]?.weight !== 0)
        setRules(h, [
          {
            backendRefs: [
              { name: 'web', weight: 100 },
              { name: 'web-canary', weight: 0 },
            ],
          },
        ]);
    });
    const error = await kubeError(router().setWeight(TARGET, spec, 10));
    expect(error.code).toBe('router-mismatch');
    expect(error.message).toContain('reads canary weights 0, set 10');
  });
});
