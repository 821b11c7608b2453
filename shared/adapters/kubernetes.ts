import { PatchStrategy, type V1Container, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import type { ImageRef } from '../contracts/plan.js';
import { formatImageRef, isValidDigest } from '../domain/image-ref.js';
import type { Cluster, ClusterTarget, RolloutState } from '../ports/cluster.js';
import { checkName, KubeClients, KubeError, type KubeApis, type KubeConfigSource } from './kube-client.js';
import {
  crashLoops,
  newestReplicaSet,
  podsOfTemplate,
  rolloutVerdict,
  selectorString,
} from './kube-rollout.js';

export interface KubernetesOptions {
  kubeconfigs: KubeConfigSource;
  /** Per-request timeout; a timeout is thrown as `unavailable` so the activity retries. Default 15 s. */
  timeoutMs?: number;
}

/** The image as written into the pod template: pinned by digest, the tag kept for people reading it. */
export function imageString(image: ImageRef): string {
  if (!isValidDigest(image.digest)) throw new KubeError('invalid', 'image digest must be sha256:<64 hex>');
  return formatImageRef(image);
}

/** The container that carries the service: the one named like the Deployment, else the first. */
export function serviceContainer(d: V1Deployment): V1Container {
  const containers = d.spec?.template.spec?.containers ?? [];
  const container = containers.find((c) => c.name === d.metadata?.name) ?? containers[0];
  if (!container) throw new KubeError('invalid', `deployment ${d.metadata?.name ?? ''} has no containers`);
  return container;
}

/** Deployments on AKS (or any cluster) through `@kubernetes/client-node`; every write is absolute. */
export class KubernetesCluster implements Cluster {
  private readonly kube: KubeClients;

  constructor(options: KubernetesOptions) {
    this.kube = new KubeClients(options.kubeconfigs, options.timeoutMs);
  }

  async setImage(target: ClusterTarget, deployment: string, image: ImageRef): Promise<void> {
    checkName('deployment', deployment);
    const ref = imageString(image);
    const namespace = target.namespace;
    await this.kube.call(target, `set image of deployment ${namespace}/${deployment}`, async (api) => {
      const current = await api.apps.readNamespacedDeployment({ name: deployment, namespace }, api.options());
      const container = serviceContainer(current);
      if (container.image === ref) return; // unchanged: no write, no new rollout
      // Strategic merge keys `containers` by name, so only this container's image changes.
      const body = { spec: { template: { spec: { containers: [{ name: container.name, image: ref }] } } } };
      await api.apps.patchNamespacedDeployment(
        { name: deployment, namespace, body },
        api.options(PatchStrategy.StrategicMergePatch),
      );
    });
  }

  async scale(target: ClusterTarget, deployment: string, replicas: number): Promise<void> {
    checkName('deployment', deployment);
    if (!Number.isInteger(replicas) || replicas < 0)
      throw new KubeError('invalid', `replicas must be a whole number >= 0, got ${replicas}`);
    const namespace = target.namespace;
    await this.kube.call(target, `scale deployment ${namespace}/${deployment}`, (api) =>
      api.apps.patchNamespacedDeployment(
        { name: deployment, namespace, body: { spec: { replicas } } },
        api.options(PatchStrategy.MergePatch),
      ),
    );
  }

  async rollout(target: ClusterTarget, deployment: string): Promise<RolloutState> {
    checkName('deployment', deployment);
    const namespace = target.namespace;
    return this.kube.call(target, `rollout status of deployment ${namespace}/${deployment}`, async (api) => {
      const d = await api.apps.readNamespacedDeployment({ name: deployment, namespace }, api.options());
      const verdict = rolloutVerdict(d);
      const crashLooping = crashLoops(await newPods(api, d));
      return {
        ready: verdict.phase === 'complete' && crashLooping.length === 0,
        phase: verdict.phase,
        replicas: d.spec?.replicas ?? 1,
        readyReplicas: d.status?.readyReplicas ?? 0,
        crashLooping,
        message: verdict.message,
        images: (d.spec?.template.spec?.containers ?? []).map((c) => c.image ?? ''),
      };
    });
  }
}

/**
 * Pods of the newest ReplicaSet (by its pod-template-hash). When ReplicaSets cannot be listed (RBAC
 * without `list replicasets`) or none is owned yet, the selector's pods that run the current images.
 */
async function newPods(api: KubeApis, d: V1Deployment): Promise<V1Pod[]> {
  const namespace = d.metadata?.namespace ?? '';
  const selector = selectorString(d.spec?.selector);
  if (!selector) return []; // apps/v1 requires a selector; an empty one would list every pod
  const sets = await api.apps
    .listNamespacedReplicaSet({ namespace, labelSelector: selector }, api.options())
    .then((list) => list.items)
    .catch((error: unknown) => {
      const status = (error as { code?: number }).code;
      if (status === 403 || status === 404) return [];
      throw error;
    });
  const hash = newestReplicaSet(d, sets)?.metadata?.labels?.['pod-template-hash'];
  const labelSelector = hash ? `${selector},pod-template-hash=${hash}` : selector;
  const pods = await api.core.listNamespacedPod({ namespace, labelSelector }, api.options());
  return hash ? pods.items : podsOfTemplate(d, pods.items);
}
