import {
  asArray,
  asRecord,
  nameSuffix,
  stableUid,
  templateHash,
  type Json,
  type StatusCause,
} from './kube-api.js';
import { deploymentRollout, ROLLOUT_STARTED_ANNOTATION } from './rollout.js';
import type { KubeObject, SandboxWorld } from './world.js';

/**
 * Deployments as the API server shows them, and the ReplicaSet and pods the controllers would have made.
 * Only the stored Deployment is state; its status (rollout.ts), newest ReplicaSet and that ReplicaSet's
 * pods are derived at read time from the world's clock. Pods of older ReplicaSets are not shown.
 */

export const REVISION = 'deployment.kubernetes.io/revision';
const NODE = 'aks-nodepool1-31718369-vmss000000';

const revisionOf = (d: KubeObject): string => d.metadata.annotations?.[REVISION] ?? '1';
const startedAt = (d: KubeObject): string =>
  d.metadata.annotations?.[ROLLOUT_STARTED_ANNOTATION] ?? d.metadata.creationTimestamp;
const templateOf = (d: KubeObject): Json => asRecord(d.spec?.template);
const labelsOf = (template: Json): Record<string, string> =>
  asRecord(asRecord(template.metadata).labels) as Record<string, string>;

export function deploymentView(world: SandboxWorld, d: KubeObject): KubeObject {
  const annotations = { ...d.metadata.annotations, [REVISION]: revisionOf(d) };
  return { ...d, metadata: { ...d.metadata, annotations }, status: deploymentRollout(world, d).status };
}

/** A new pod template starts a rollout (the rule of rollout.ts) and a new revision. */
export function beforeDeploymentWrite(world: SandboxWorld, next: KubeObject, previous?: KubeObject): void {
  if (!previous || JSON.stringify(previous.spec?.template) === JSON.stringify(next.spec?.template)) return;
  next.metadata.annotations = {
    ...next.metadata.annotations,
    [ROLLOUT_STARTED_ANNOTATION]: world.nowIso(),
    [REVISION]: String(Number(revisionOf(previous)) + 1),
  };
}

/** Field errors of a pod spec's containers (shared by Deployments and Jobs). */
export function containerCauses(podSpec: Json, field: string): StatusCause[] {
  const containers = asArray(podSpec.containers);
  if (containers.length === 0) return [{ reason: 'FieldValueRequired', message: 'Required value', field }];
  return containers.flatMap((c, i) =>
    (['name', 'image'] as const)
      .filter((key) => typeof asRecord(c)[key] !== 'string' || asRecord(c)[key] === '')
      .map((key) => ({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: `${field}[${i}].${key}`,
      })),
  );
}

export function validateDeployment(next: KubeObject, previous?: KubeObject): StatusCause[] {
  const spec = asRecord(next.spec);
  const causes = containerCauses(asRecord(templateOf(next).spec), 'spec.template.spec.containers');
  const replicas = spec.replicas;
  if (replicas !== undefined && !(Number.isInteger(replicas) && (replicas as number) >= 0))
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      field: 'spec.replicas',
    });
  if (previous && JSON.stringify(previous.spec?.selector) !== JSON.stringify(spec.selector))
    causes.push({ reason: 'FieldValueInvalid', message: 'field is immutable', field: 'spec.selector' });
  const wanted = asRecord(asRecord(spec.selector).matchLabels);
  const labels = labelsOf(templateOf(next));
  if (Object.entries(wanted).some(([k, v]) => labels[k] !== v))
    causes.push({
      reason: 'FieldValueInvalid',
      message: '`selector` does not match template `labels`',
      field: 'spec.template.metadata.labels',
    });
  return causes;
}

/** The Deployment's current ReplicaSet, named `<deployment>-<pod-template-hash>` like the controller's. */
export function replicaSetOf(world: SandboxWorld, d: KubeObject): KubeObject {
  const template = templateOf(d);
  const hash = templateHash(template);
  const name = `${d.metadata.name}-${hash}`;
  const rollout = deploymentRollout(world, d);
  const replicas = typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1;
  const available = rollout.complete && !rollout.crashLooping ? replicas : 0;
  const labels = { ...labelsOf(template), 'pod-template-hash': hash };
  const matchLabels = { ...asRecord(asRecord(d.spec?.selector).matchLabels), 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      uid: stableUid(`replicaset/${d.metadata.uid}/${hash}`),
      resourceVersion: d.metadata.resourceVersion,
      generation: 1,
      creationTimestamp: startedAt(d),
      labels,
      annotations: {
        [REVISION]: revisionOf(d),
        'deployment.kubernetes.io/desired-replicas': String(replicas),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.metadata.name,
          uid: d.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: { replicas, selector: { matchLabels }, template: { ...template, metadata: { labels } } },
    status: {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
      observedGeneration: 1,
    },
  };
}

/** kubelet's restart back-off: 10 s doubling to 5 min; the crash shows from the first start. */
function restarts(elapsedMs: number): number {
  let count = 1;
  for (let t = 0, delay = 10_000; t + delay <= elapsedMs; t += delay, delay = Math.min(delay * 2, 300_000))
    count++;
  return count;
}

type PodState = 'ready' | 'creating';

function containerStatus(world: SandboxWorld, c: Json, state: PodState, since: string, pod: string): Json {
  const name = String(c.name);
  const image = String(c.image);
  const base = { name, image, imageID: image.includes('@') ? image : '' };
  if (world.faultFor(image).crashLoop) {
    const elapsed = world.now() - Date.parse(since);
    const message = `back-off 5m0s restarting failed container=${name} pod=${pod}`;
    return {
      ...base,
      ready: false,
      started: false,
      restartCount: restarts(Math.max(0, elapsed)),
      state: { waiting: { reason: 'CrashLoopBackOff', message } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: since, finishedAt: since } },
    };
  }
  if (state === 'creating')
    return {
      ...base,
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
    };
  return { ...base, ready: true, started: true, restartCount: 0, state: { running: { startedAt: since } } };
}

/** A pod of `owner` as the API lists it (shared by Deployments' ReplicaSets and Jobs). */
export function podObject(
  world: SandboxWorld,
  owner: KubeObject,
  index: number,
  template: Json,
  status: (containers: Json[], name: string) => Json,
): KubeObject {
  const name = `${owner.metadata.name}-${nameSuffix(`${owner.metadata.uid}/${index}`)}`;
  const podSpec = asRecord(template.spec);
  const containers = asArray(podSpec.containers).map(asRecord);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      uid: stableUid(`pod/${owner.metadata.uid}/${index}`),
      resourceVersion: owner.metadata.resourceVersion,
      generation: 1,
      creationTimestamp: owner.metadata.creationTimestamp,
      labels: labelsOf(template),
      ownerReferences: [
        {
          apiVersion: owner.apiVersion,
          kind: owner.kind,
          name: owner.metadata.name,
          uid: owner.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: { ...podSpec, nodeName: NODE },
    status: { hostIP: '10.224.0.4', podIP: `10.244.0.${10 + index}`, ...status(containers, name) },
  };
}

export function deploymentPods(world: SandboxWorld, d: KubeObject): KubeObject[] {
  const rs = replicaSetOf(world, d);
  const rollout = deploymentRollout(world, d);
  const since = startedAt(d);
  const state: PodState = rollout.complete ? 'ready' : 'creating';
  const count = Number(asRecord(rs.spec).replicas);
  return Array.from({ length: count }, (_, i) =>
    podObject(world, rs, i, asRecord(asRecord(rs.spec).template), (containers, pod) => {
      const statuses = containers.map((c) => containerStatus(world, c, state, since, pod));
      const ready = statuses.every((s) => s.ready === true);
      return {
        phase: statuses.some((s) => asRecord(s.state).running || asRecord(s.lastState).terminated)
          ? 'Running'
          : 'Pending',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since }],
        containerStatuses: statuses,
        startTime: since,
      };
    }),
  );
}

/** What a service pod prints: a crash on start for crash-looping images, a banner otherwise. */
export function servicePodLog(world: SandboxWorld, pod: KubeObject): string {
  const image = String(asRecord(asArray(asRecord(pod.spec).containers)[0]).image);
  return world.faultFor(image).crashLoop
    ? `Error: sandbox fault: ${image} exits on start\n`
    : `listening on :8080 (${image})\n`;
}
