import type { V1Deployment, V1LabelSelector, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { RolloutState } from '../ports/cluster.js';

/** Pure parts of `rollout`: kubectl's verdict on a Deployment, and crash loops in pod statuses. */

export interface RolloutVerdict {
  phase: RolloutState['phase'];
  message: string;
}

/** `kubectl rollout status` (polymorphichelpers/rollout_status.go) on one Deployment. */
export function rolloutVerdict(d: V1Deployment): RolloutVerdict {
  const name = d.metadata?.name ?? '';
  const status = d.status ?? {};
  const waiting = (what: string): RolloutVerdict => ({
    phase: 'progressing',
    message: `Waiting for deployment "${name}" rollout to finish: ${what}`,
  });
  if (d.spec?.paused) return { phase: 'progressing', message: `deployment "${name}" is paused` };
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0))
    return { phase: 'progressing', message: 'Waiting for deployment spec update to be observed' };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { phase: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  const desired = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) return waiting(`${updated} out of ${desired} new replicas have been updated`);
  if (total > updated) return waiting(`${total - updated} old replicas are pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available`);
  return { phase: 'complete', message: `deployment "${name}" successfully rolled out` };
}

/** A LabelSelector as the `labelSelector` query string (equality and set-based terms). */
export function selectorString(selector: V1LabelSelector | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

const revision = (rs: V1ReplicaSet): number =>
  Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0) || 0;

/** The Deployment's newest ReplicaSet: owned by it, highest revision (a rollback renumbers the old one). */
export function newestReplicaSet(d: V1Deployment, sets: V1ReplicaSet[]): V1ReplicaSet | undefined {
  const owned = sets.filter((rs) =>
    rs.metadata?.ownerReferences?.some((o) => o.controller && o.uid === d.metadata?.uid),
  );
  return owned.sort((a, b) => revision(b) - revision(a))[0];
}

/** Waiting reasons of section 7.6: the container will not become ready without a change. */
const STUCK = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'RunContainerError',
]);

/** `<pod>/<container>: <reason>` for every container stuck in one of the reasons above. */
export function crashLoops(pods: V1Pod[]): string[] {
  const found: string[] = [];
  for (const pod of pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const s of statuses) {
      const reason = s.state?.waiting?.reason;
      if (reason && STUCK.has(reason)) found.push(`${pod.metadata?.name ?? '?'}/${s.name}: ${reason}`);
    }
  }
  return found;
}

/** Without ReplicaSets: pods that run exactly the Deployment's current images (old pods are not judged). */
export function podsOfTemplate(d: V1Deployment, pods: V1Pod[]): V1Pod[] {
  const wanted = (d.spec?.template.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`).sort();
  return pods.filter((p) => {
    const running = (p.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`).sort();
    return running.join('\n') === wanted.join('\n');
  });
}
