import { PatchStrategy, type V1Ingress } from '@kubernetes/client-node';
import type { RouterSpec } from '../contracts/plan.js';
import type { ClusterTarget } from '../ports/cluster.js';
import { checkName, checkWeight, KubeClients, KubeError } from './kube-client.js';
import type { KubernetesOptions } from './kubernetes.js';

const PREFIX = 'nginx.ingress.kubernetes.io/';
export const CANARY = `${PREFIX}canary`;
export const CANARY_WEIGHT = `${PREFIX}canary-weight`;
export const CANARY_WEIGHT_TOTAL = `${PREFIX}canary-weight-total`;

type NginxSpec = Extract<RouterSpec, { kind: 'nginx' }>;

/** `canary-weight` is out of `canary-weight-total` (default 100); Gantry's weights are percent. */
function total(ingress: V1Ingress): number {
  const value = Number(ingress.metadata?.annotations?.[CANARY_WEIGHT_TOTAL] ?? 100);
  return Number.isInteger(value) && value > 0 ? value : 100;
}

/** The canary's share in percent, as ingress-nginx reads the annotations. */
export function ingressWeight(ingress: V1Ingress): number {
  const raw = ingress.metadata?.annotations?.[CANARY_WEIGHT];
  const value = raw === undefined ? 0 : Number(raw);
  if (!Number.isFinite(value)) return Number.NaN;
  return Math.round((value * 100) / total(ingress));
}

/**
 * ingress-nginx canary: the weight lives in annotations of the canary Ingress (the one marked
 * `canary: "true"`; ingress-nginx ignores the weight on any other). Set by merge patch on
 * `metadata.annotations`, then read back.
 */
export class NginxRouter {
  private readonly kube: KubeClients;

  constructor(options: KubernetesOptions) {
    this.kube = new KubeClients(options.kubeconfigs, options.timeoutMs);
  }

  async readWeight(target: ClusterTarget, router: NginxSpec): Promise<number> {
    checkName('ingress', router.canaryIngress);
    const { namespace } = target;
    const name = router.canaryIngress;
    return this.kube.call(target, `read canary-weight of ingress ${namespace}/${name}`, async (api) =>
      ingressWeight(await api.net.readNamespacedIngress({ name, namespace }, api.options())),
    );
  }

  async setWeight(target: ClusterTarget, router: NginxSpec, weight: number): Promise<number> {
    checkWeight(weight);
    checkName('ingress', router.canaryIngress);
    const { namespace } = target;
    const name = router.canaryIngress;
    return this.kube.call(target, `set canary-weight on ingress ${namespace}/${name}`, async (api) => {
      const current = await api.net.readNamespacedIngress({ name, namespace }, api.options());
      if (current.metadata?.annotations?.[CANARY] !== 'true')
        throw new KubeError(
          'invalid',
          `ingress ${namespace}/${name} is not a canary ingress (${CANARY}: "true")`,
        );
      if (ingressWeight(current) !== weight) {
        const value = String(Math.round((weight * total(current)) / 100));
        const body = { metadata: { annotations: { [CANARY_WEIGHT]: value } } };
        await api.net.patchNamespacedIngress(
          { name, namespace, body },
          api.options(PatchStrategy.MergePatch),
        );
      }
      const readBack = ingressWeight(await api.net.readNamespacedIngress({ name, namespace }, api.options()));
      if (readBack !== weight)
        throw new KubeError(
          'router-mismatch',
          `ingress ${namespace}/${name} reads canary weight ${readBack}, set ${weight}`,
        );
      return readBack;
    });
  }
}
