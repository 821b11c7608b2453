import { PatchStrategy } from '@kubernetes/client-node';
import type { RouterSpec } from '../contracts/plan.js';
import type { ClusterTarget } from '../ports/cluster.js';
import { checkName, checkWeight, KubeClients, KubeError } from './kube-client.js';
import type { KubernetesOptions } from './kubernetes.js';

type ReplicaSpec = Extract<RouterSpec, { kind: 'replicas' }>;

/** Canary replicas for a share: at least one while the weight is above 0, or nothing is analysed. */
export function canaryReplicas(primary: number, weight: number): number {
  if (weight === 0) return 0;
  if (primary === 0) return 1;
  if (weight === 100)
    throw new KubeError('invalid', 'replica routing cannot send 100% to the canary while the primary runs');
  return Math.max(1, Math.round((primary * weight) / (100 - weight)));
}

/** The share the Service's round robin gives the canary with these replica counts, in percent. */
export const achievedWeight = (primary: number, canary: number): number =>
  primary + canary === 0 ? 0 : Math.round((canary * 100) / (primary + canary));

/**
 * No traffic router: one Service selects both Deployments, so the canary's share is its share of the
 * pods. Only the canary is scaled; the primary belongs to GitOps (Argo CD would undo a change to it).
 * Returns the achieved weight, which is the requested one only when the replica counts allow it.
 */
export class ReplicaRouter {
  private readonly kube: KubeClients;

  constructor(options: KubernetesOptions) {
    this.kube = new KubeClients(options.kubeconfigs, options.timeoutMs);
  }

  async readWeight(target: ClusterTarget, router: ReplicaSpec): Promise<number> {
    const { deployment, canaryDeployment } = router;
    if (!deployment || !canaryDeployment)
      throw new KubeError('invalid', 'the replicas router needs the primary and canary Deployment names');
    checkName('deployment', deployment);
    checkName('deployment', canaryDeployment);
    const { namespace } = target;
    return this.kube.call(target, `read replicas of ${namespace}/${canaryDeployment}`, async (api) => {
      const read = (name: string) => api.apps.readNamespacedDeployment({ name, namespace }, api.options());
      const [primary, canary] = await Promise.all([read(deployment), read(canaryDeployment)]);
      return achievedWeight(primary.spec?.replicas ?? 1, canary.spec?.replicas ?? 1);
    });
  }

  async setWeight(target: ClusterTarget, router: ReplicaSpec, weight: number): Promise<number> {
    checkWeight(weight);
    const { deployment, canaryDeployment } = router;
    if (!deployment || !canaryDeployment)
      throw new KubeError('invalid', 'the replicas router needs the primary and canary Deployment names');
    checkName('deployment', deployment);
    checkName('deployment', canaryDeployment);
    const { namespace } = target;
    const what = `scale ${namespace}/${canaryDeployment} to weight ${weight}`;
    return this.kube.call(target, what, async (api) => {
      const read = (name: string) => api.apps.readNamespacedDeployment({ name, namespace }, api.options());
      const primary = (await read(deployment)).spec?.replicas ?? 1;
      const wanted = canaryReplicas(primary, weight);
      const canary = await read(canaryDeployment);
      if ((canary.spec?.replicas ?? 1) !== wanted)
        await api.apps.patchNamespacedDeployment(
          { name: canaryDeployment, namespace, body: { spec: { replicas: wanted } } },
          api.options(PatchStrategy.MergePatch),
        );
      const [primaryAfter, canaryAfter] = await Promise.all([read(deployment), read(canaryDeployment)]);
      const readBack = achievedWeight(primaryAfter.spec?.replicas ?? 1, canaryAfter.spec?.replicas ?? 1);
      const expected = achievedWeight(primary, wanted);
      if (readBack !== expected)
        throw new KubeError(
          'router-mismatch',
          `${namespace}/${canaryDeployment} reads weight ${readBack}, set ${expected}`,
        );
      return readBack;
    });
  }
}
