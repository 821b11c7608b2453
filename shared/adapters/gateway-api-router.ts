import type { RouterSpec } from '../contracts/plan.js';
import type { ClusterTarget } from '../ports/cluster.js';
import { checkName, checkWeight, KubeClients, KubeError, type KubeApis } from './kube-client.js';
import type { KubernetesOptions } from './kubernetes.js';

type GatewaySpec = Extract<RouterSpec, { kind: 'gateway-api' }>;

interface BackendRef {
  name?: string;
  weight?: number;
}
interface HttpRoute {
  spec?: { rules?: Array<{ backendRefs?: BackendRef[] }> };
}

const ROUTE = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes' } as const;

/** Index of the primary and canary backendRefs in each rule that has both. */
export interface SplitRule {
  rule: number;
  primary: number;
  canary: number;
}

export function splitRules(route: HttpRoute, spec: GatewaySpec): SplitRule[] {
  const found: SplitRule[] = [];
  (route.spec?.rules ?? []).forEach((rule, index) => {
    const refs = rule.backendRefs ?? [];
    const primary = refs.findIndex((r) => r.name === spec.primaryBackend);
    const canary = refs.findIndex((r) => r.name === spec.canaryBackend);
    if (primary >= 0 && canary >= 0) found.push({ rule: index, primary, canary });
  });
  return found;
}

/** Canary share in percent of the primary+canary pair (Gateway API: weight defaults to 1). */
function share(route: HttpRoute, split: SplitRule): number {
  const refs = route.spec?.rules?.[split.rule]?.backendRefs ?? [];
  const primary = refs[split.primary]?.weight ?? 1;
  const canary = refs[split.canary]?.weight ?? 1;
  return primary + canary === 0 ? 0 : Math.round((canary * 100) / (primary + canary));
}

/**
 * Gateway API HTTPRoute: canary and primary weights in every rule that routes to both backends, written
 * with a JSON Patch on the exact indices read just before. Each index is guarded by a `test` of the
 * backend's name, so a route reordered in between fails (422) instead of weighting the wrong backend.
 * Merge patch would replace whole `rules` arrays, and custom resources refuse strategic merge.
 */
export class GatewayApiRouter {
  private readonly kube: KubeClients;

  constructor(options: KubernetesOptions) {
    this.kube = new KubeClients(options.kubeconfigs, options.timeoutMs);
  }

  /** The canary's share of the first split rule; rules that disagree are a mismatch, not a weight. */
  async readWeight(target: ClusterTarget, router: GatewaySpec): Promise<number> {
    checkName('httproute', router.route);
    const { namespace } = target;
    const name = router.route;
    return this.kube.call(target, `read backend weights of httproute ${namespace}/${name}`, async (api) => {
      const route = await read(api, namespace, name);
      const shares = splitRules(route, router).map((s) => share(route, s));
      if (shares.some((s) => s !== shares[0]))
        throw new KubeError(
          'router-mismatch',
          `httproute ${namespace}/${name} splits differently per rule: ${shares.join(', ')}`,
        );
      return shares[0] ?? 0;
    });
  }

  async setWeight(target: ClusterTarget, router: GatewaySpec, weight: number): Promise<number> {
    checkWeight(weight);
    checkName('httproute', router.route);
    const { namespace } = target;
    const name = router.route;
    return this.kube.call(target, `set backend weights on httproute ${namespace}/${name}`, async (api) => {
      const route = await read(api, namespace, name);
      const splits = splitRules(route, router);
      if (splits.length === 0)
        throw new KubeError(
          'invalid',
          `httproute ${namespace}/${name} has no rule with both ${router.primaryBackend} and ${router.canaryBackend}`,
        );
      if (splits.some((s) => !exact(route, s, weight)))
        await api.custom.patchNamespacedCustomObject(
          { ...ROUTE, namespace, name, body: weightPatch(splits, router, weight) },
          api.options(), // client-node's default for PATCH is application/json-patch+json
        );
      const after = await read(api, namespace, name);
      const shares = splitRules(after, router).map((s) => share(after, s));
      const readBack = shares[0] ?? Number.NaN;
      if (shares.length !== splits.length || shares.some((s) => s !== weight))
        throw new KubeError(
          'router-mismatch',
          `httproute ${namespace}/${name} reads canary weights ${shares.join(', ')}, set ${weight}`,
        );
      return readBack;
    });
  }
}

/** The weights are exactly (100 - w, w), not just the same ratio (e.g. 1:1 is 50% but not 50/50). */
function exact(route: HttpRoute, split: SplitRule, weight: number): boolean {
  const refs = route.spec?.rules?.[split.rule]?.backendRefs ?? [];
  return refs[split.primary]?.weight === 100 - weight && refs[split.canary]?.weight === weight;
}

export function weightPatch(splits: SplitRule[], router: GatewaySpec, weight: number): object[] {
  return splits.flatMap(({ rule, primary, canary }) => {
    const ref = (i: number) => `/spec/rules/${rule}/backendRefs/${i}`;
    // `add` rather than `replace`: `weight` may be absent (defaults to 1), and replace needs it present.
    return [
      { op: 'test', path: `${ref(primary)}/name`, value: router.primaryBackend },
      { op: 'test', path: `${ref(canary)}/name`, value: router.canaryBackend },
      { op: 'add', path: `${ref(primary)}/weight`, value: 100 - weight },
      { op: 'add', path: `${ref(canary)}/weight`, value: weight },
    ];
  });
}

async function read(api: KubeApis, namespace: string, name: string): Promise<HttpRoute> {
  return (await api.custom.getNamespacedCustomObject(
    { ...ROUTE, namespace, name },
    api.options(),
  )) as HttpRoute;
}
