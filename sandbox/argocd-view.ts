import { deploymentRollout, type DeploymentRollout } from './rollout.js';
import { resolveSource } from './argocd-git.js';
import { appWorld } from './clusters.js';
import type { Json, SandboxApp } from './argocd-state.js';
import type { KubeObject, SandboxWorld } from './world.js';

/**
 * The JSON Argo CD answers for an Application and its resource tree, computed from the app's stored
 * state and the world's Deployment at `world.now()`. Empty fields are left out, as Argo CD's
 * `omitempty` marshalling does.
 */

interface Live {
  deployment: KubeObject | undefined;
  rollout: DeploymentRollout | undefined;
  desiredImage: string;
}

function live(world: SandboxWorld, app: SandboxApp): Live {
  const cluster = appWorld(world, app);
  const deployment = cluster.get('Deployment', app.spec.destination.namespace, app.deployment);
  return {
    deployment,
    rollout: deployment ? deploymentRollout(cluster, deployment) : undefined,
    desiredImage: resolveSource(world, app, app.spec.source).image,
  };
}

/** Argo CD health of the Deployment (and, through it, of the app): the worst of Deployment and pods. */
function health(l: Live): { status: string; message?: string } {
  const r = l.rollout;
  if (!l.deployment || !r) return { status: 'Missing' };
  if (l.deployment.spec?.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (r.failed)
    return {
      status: 'Degraded',
      message: `Deployment "${l.deployment.metadata.name}" exceeded its progress deadline`,
    };
  if (r.crashLooping)
    return {
      status: 'Degraded',
      message: `back-off restarting failed container ${l.deployment.metadata.name} (CrashLoopBackOff)`,
    };
  if (r.complete) return { status: 'Healthy' };
  return { status: 'Progressing', message: r.message };
}

function syncStatus(l: Live): string {
  return l.rollout?.image === l.desiredImage ? 'Synced' : 'OutOfSync';
}

export function applicationJson(world: SandboxWorld, app: SandboxApp): Json {
  const l = live(world, app);
  const appHealth = health(l);
  const sync = syncStatus(l);
  const resource: Json = {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    namespace: app.spec.destination.namespace,
    name: app.deployment,
    status: sync,
    health: appHealth,
  };
  return {
    metadata: {
      ...app.metadata,
      resourceVersion: String(app.resourceVersion),
      generation: app.resourceVersion,
    },
    spec: app.spec,
    ...(app.operation ? { operation: app.operation.request } : {}),
    status: {
      resources: [resource],
      sync: {
        status: sync,
        comparedTo: { source: app.spec.source, destination: app.spec.destination },
        revision: resolveSource(world, app, app.spec.source).revision,
      },
      health: appHealth,
      ...(app.history.length > 0 ? { history: app.history } : {}),
      reconciledAt: world.nowIso(),
      ...(app.operationState ? { operationState: app.operationState } : {}),
      sourceType: app.rendering.kind === 'helm' ? 'Helm' : 'Kustomize',
      summary: { images: l.rollout?.image ? [l.rollout.image] : [] },
    },
  };
}

function node(kind: string, group: string, name: string, namespace: string, extra: Json): Json {
  return { group, version: 'v1', kind, namespace, name, ...extra };
}

/** `GET .../resource-tree`: Deployment → ReplicaSet → Pods (pods reflect crash loops and readiness). */
export function resourceTreeJson(world: SandboxWorld, app: SandboxApp): Json {
  const l = live(world, app);
  const d = l.deployment;
  if (!d || !l.rollout) return { nodes: [], orphanedNodes: [], hosts: [] };
  const ns = app.spec.destination.namespace;
  const images = l.rollout.image ? [l.rollout.image] : [];
  const rsName = `${d.metadata.name}-${d.metadata.generation}`;
  const replicas = typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1;
  const ready = l.rollout.complete;
  const pod = (i: number): Json =>
    node('Pod', '', `${rsName}-${i}`, ns, {
      uid: `${d.metadata.uid}-pod-${i}`,
      parentRefs: [{ group: 'apps', kind: 'ReplicaSet', namespace: ns, name: rsName }],
      images,
      info: [
        {
          name: 'Status Reason',
          value: l.rollout?.crashLooping ? 'CrashLoopBackOff' : ready ? 'Running' : 'ContainerCreating',
        },
        { name: 'Containers', value: `${ready ? 1 : 0}/1` },
      ],
      health: l.rollout?.crashLooping
        ? { status: 'Degraded', message: 'back-off restarting failed container' }
        : { status: ready ? 'Healthy' : 'Progressing' },
    });
  return {
    nodes: [
      node('Deployment', 'apps', d.metadata.name, ns, {
        uid: d.metadata.uid,
        resourceVersion: d.metadata.resourceVersion,
        images,
        health: health(l),
        info: [{ name: 'Revision', value: `Rev:${d.metadata.generation}` }],
        createdAt: d.metadata.creationTimestamp,
      }),
      node('ReplicaSet', 'apps', rsName, ns, {
        uid: `${d.metadata.uid}-rs-${d.metadata.generation}`,
        parentRefs: [
          { group: 'apps', kind: 'Deployment', namespace: ns, name: d.metadata.name, uid: d.metadata.uid },
        ],
        images,
        health: { status: ready ? 'Healthy' : 'Progressing' },
      }),
      ...Array.from({ length: replicas }, (_, i) => pod(i)),
    ],
    orphanedNodes: [],
    hosts: [],
  };
}
