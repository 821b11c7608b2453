import { ArgoApiError, GrpcCode } from './argocd-ops.js';
import type { AppSpec } from './argocd-state.js';
import { IN_CLUSTER, type SandboxWorld } from './world.js';

/**
 * Which cluster an Argo CD application deploys to, as Argo CD resolves `spec.destination` against its
 * registered clusters: by `name`, else by `server`. The cluster Argo CD runs in is registered as
 * `in-cluster` at `https://kubernetes.default.svc`; the sandbox's main cluster answers to both as well
 * as to its own name, and every further cluster to its name and its Kubernetes API URL.
 */

export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The Kubernetes API URL of each cluster whose API listens, main cluster first. */
export function clusterServers(world: SandboxWorld): Record<string, string> {
  return Object.fromEntries(
    [...world.root.clusters].flatMap(([name, w]) => (w.apiUrl ? [[name, w.apiUrl]] : [])),
  ) as Record<string, string>;
}

const trim = (url: string) => url.replace(/\/+$/, '');

/** The world of a destination, or undefined when it names no registered cluster. */
export function destinationWorld(
  world: SandboxWorld,
  destination: { name?: string; server?: string },
): SandboxWorld | undefined {
  const root = world.root;
  const { name, server } = destination;
  if (name) return name === IN_CLUSTER ? root : root.clusters.get(name);
  if (!server || trim(server) === IN_CLUSTER_SERVER) return root;
  return [...root.clusters.values()].find((w) => w.apiUrl !== undefined && trim(w.apiUrl) === trim(server));
}

/** The world an application's resources live in (its destination's; the main cluster when unknown). */
export function appWorld(world: SandboxWorld, app: { spec: Pick<AppSpec, 'destination'> }): SandboxWorld {
  return destinationWorld(world, app.spec.destination) ?? world.root;
}

/** Refuses a destination Argo CD would refuse: both name and server, or a cluster it does not know. */
export function checkDestination(world: SandboxWorld, app: string, spec: Pick<AppSpec, 'destination'>): void {
  const { name, server } = spec.destination;
  const invalid = (problem: string) =>
    new ArgoApiError(
      GrpcCode.InvalidArgument,
      `application destination spec for ${app} is invalid: ${problem}`,
    );
  if (name && server) throw invalid("application destination can't have both name and server defined");
  if (destinationWorld(world, spec.destination)) return;
  throw invalid(
    name
      ? `unable to find destination server: there are no clusters with this name: ${name}`
      : `unable to find destination server: there are no clusters with this server: ${server ?? ''}`,
  );
}
