import type { KubeObject, SandboxWorld } from './world.js';

/**
 * The one rule for how a sandbox Deployment rolls out, shared by the Kubernetes and Argo CD stand-ins so
 * `kubectl rollout status` and Argo CD health always agree. Status is computed lazily from the world's
 * clock (no timers), so tests move time with `VirtualClock.advance` and read the result.
 *
 * Rule: whoever changes a Deployment's pod template (image) sets the annotation
 * `sandbox.gantry/rollout-started-at` (ISO time) in the same `world.put`. From then on:
 * - `spec.paused` → neither complete nor failed;
 * - the image's fault profile has `crashLoop` → never completes; failed (`ProgressDeadlineExceeded`) once
 *   `spec.progressDeadlineSeconds` (default 600) have passed since the start;
 * - otherwise complete {@link ROLLOUT_DURATION_MS} (30 s) after the start, or at once with 0 replicas.
 * A Deployment without the annotation has been at rest forever (seeded objects): complete at once, or
 * failed at once when its image crash-loops.
 */

export const ROLLOUT_STARTED_ANNOTATION = 'sandbox.gantry/rollout-started-at';
export const ROLLOUT_DURATION_MS = 30_000;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export interface DeploymentRollout {
  /** Every replica runs the current template and is available (kubectl: "successfully rolled out"). */
  complete: boolean;
  /** The rollout exceeded its progress deadline (kubectl: "exceeded its progress deadline"). */
  failed: boolean;
  /** kubectl-style one-line description. */
  message: string;
  /** The Deployment `status` the API server would report now (observedGeneration, replicas, conditions). */
  status: Record<string, unknown>;
  /** New pods are in CrashLoopBackOff (for pod listings and Argo CD health). */
  crashLooping: boolean;
  /** Image of the first container of the current template. */
  image: string | undefined;
}

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json =>
  value !== null && typeof value === 'object' ? (value as Json) : {};

/** `spec.template.spec.containers[0].image` of a Deployment. */
export function deploymentImage(obj: KubeObject): string | undefined {
  const containers = asRecord(asRecord(obj.spec?.template).spec).containers;
  const first: unknown = Array.isArray(containers) ? containers[0] : undefined;
  const image = asRecord(first).image;
  return typeof image === 'string' ? image : undefined;
}

function condition(type: string, ok: boolean, reason: string, message: string, at: string): Json {
  return { type, status: ok ? 'True' : 'False', reason, message, lastUpdateTime: at, lastTransitionTime: at };
}

/** Computes the rollout state of a Deployment object at the world's current time. */
export function deploymentRollout(world: SandboxWorld, obj: KubeObject): DeploymentRollout {
  const spec = obj.spec ?? {};
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const deadlineS =
    typeof spec.progressDeadlineSeconds === 'number'
      ? spec.progressDeadlineSeconds
      : DEFAULT_PROGRESS_DEADLINE_SECONDS;
  const image = deploymentImage(obj);
  const crashLoop = world.faultFor(image).crashLoop === true;
  const startedAt = Date.parse(obj.metadata.annotations?.[ROLLOUT_STARTED_ANNOTATION] ?? '');
  const elapsed = Number.isFinite(startedAt) ? world.now() - startedAt : Number.POSITIVE_INFINITY;
  const paused = spec.paused === true;
  const complete = !paused && (replicas === 0 || (!crashLoop && elapsed >= ROLLOUT_DURATION_MS));
  const failed = !paused && !complete && crashLoop && elapsed >= deadlineS * 1000;
  // Condition times are when the transition would have happened, so repeated reads agree.
  const base = Number.isFinite(startedAt)
    ? startedAt
    : Date.parse(obj.metadata.creationTimestamp) || world.now();
  const settled = !Number.isFinite(startedAt)
    ? 0
    : complete
      ? ROLLOUT_DURATION_MS
      : failed
        ? deadlineS * 1000
        : 0;
  const at = new Date(base + (replicas === 0 ? 0 : settled)).toISOString();
  const rs = `ReplicaSet "${obj.metadata.name}-${obj.metadata.generation}"`;
  let message: string;
  let progressing: Json;
  if (paused) {
    message = `deployment "${obj.metadata.name}" is paused`;
    progressing = condition('Progressing', false, 'DeploymentPaused', 'Deployment is paused', at);
  } else if (complete) {
    message = `deployment "${obj.metadata.name}" successfully rolled out`;
    progressing = condition(
      'Progressing',
      true,
      'NewReplicaSetAvailable',
      `${rs} has successfully progressed.`,
      at,
    );
  } else if (failed) {
    message = `deployment "${obj.metadata.name}" exceeded its progress deadline`;
    progressing = condition(
      'Progressing',
      false,
      'ProgressDeadlineExceeded',
      `${rs} has timed out progressing.`,
      at,
    );
  } else {
    message = `Waiting for deployment "${obj.metadata.name}" rollout to finish: ${replicas} old replicas are pending termination...`;
    progressing = condition('Progressing', true, 'ReplicaSetUpdated', `${rs} is progressing.`, at);
  }
  // maxUnavailable 0: the old pods keep serving until the new ones are available, so the Deployment
  // stays Available while it rolls (and while a crash-looping rollout is stuck).
  const oldPods = complete ? 0 : replicas;
  const status: Json = {
    observedGeneration: obj.metadata.generation,
    replicas: replicas + oldPods,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    ...(complete ? {} : { unavailableReplicas: replicas }),
    conditions: [
      condition('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.', at),
      progressing,
    ],
  };
  return { complete, failed, message, status, crashLooping: crashLoop && replicas > 0, image };
}

/**
 * Writes a new image into a Deployment's first container and starts a rollout (sets the start
 * annotation) through `world.put`, which bumps the generation; a no-op when the image is already there,
 * like an unchanged `kubectl apply`.
 */
export function setDeploymentImage(
  world: SandboxWorld,
  obj: KubeObject,
  image: string,
  /** When the change happened (virtual ms); a lazily replayed change passes its own time. */
  at: number = world.now(),
): KubeObject {
  if (deploymentImage(obj) === image) return obj;
  const copy = structuredClone(obj);
  const template = asRecord(asRecord(copy.spec).template);
  const podSpec = asRecord(template.spec);
  const containers = Array.isArray(podSpec.containers) ? (podSpec.containers as Json[]) : [];
  containers[0] = {
    ...asRecord(containers[0]),
    name: String(asRecord(containers[0]).name ?? obj.metadata.name),
    image,
  };
  podSpec.containers = containers;
  template.spec = podSpec;
  copy.spec = { ...copy.spec, template };
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [ROLLOUT_STARTED_ANNOTATION]: new Date(at).toISOString(),
  };
  return world.put(copy);
}

/** A Deployment to hand to `world.put` (which assigns uid, generation and resourceVersion). */
// A type alias, not an interface: `world.put` takes an index-signature type, which interfaces never match.
export type NewDeployment = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
};

/** A minimal `apps/v1` Deployment as the sandbox stores it (at rest: no rollout annotation). */
export function newDeployment(namespace: string, name: string, image: string, replicas = 2): NewDeployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      progressDeadlineSeconds: DEFAULT_PROGRESS_DEADLINE_SECONDS,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: { metadata: { labels }, spec: { containers: [{ name, image }] } },
    },
  };
}
