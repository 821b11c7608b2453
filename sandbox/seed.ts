import type { ImageBinding, PipelinePlan, ProductionTarget } from '../shared/contracts/plan.js';
import { addApplication } from './argocd.js';
import { seedGitTarget } from './git-seed.js';
import { addWorkload } from './kube-seed.js';
import { gitRepositoryOf, type RegistryIdentity } from './registry-push.js';
import { defaultRevision } from './registry-store.js';
import type { SandboxWorld } from './world.js';

/**
 * What the sandbox holds before the first push: per service, the release already running (0.9.0) in
 * the registry and in every cluster its production rings name, with its Argo CD applications.
 */

/** The registry host images are pushed to when no service names one, and the build's identity. */
export const SANDBOX_REGISTRY: RegistryIdentity = { host: 'hearloveen.azurecr.io', actor: 'sandbox-build' };

/** The production targets of a plan: every ring's (ring 0 is `production`), or `production` alone. */
export const productionTargets = (plan: PipelinePlan): ProductionTarget[] =>
  plan.rings && plan.rings.length > 0 ? plan.rings.flatMap((r) => r.targets) : [plan.production];

/**
 * The AKS clusters the plans deploy to, the first plan's production cluster first: the sandbox's main
 * cluster, which also runs staging and the scan Jobs. Each further cluster gets its own Kubernetes state.
 */
export function clustersOf(plans: readonly PipelinePlan[]): string[] {
  return [...new Set(plans.flatMap((p) => productionTargets(p).map((t) => t.cluster)))];
}

/**
 * The release "already running" before the first push: version 0.9.0 of the service's repository, pushed
 * into the sandbox registry with a revision the sandbox GitHub reports green.
 */
export function seedImage(world: SandboxWorld, plan: PipelinePlan): string {
  const registry = plan.provenance?.registry ?? SANDBOX_REGISTRY.host;
  const repository = plan.provenance?.repository ?? plan.production.deployment;
  const repo = gitRepositoryOf(plan);
  const pushed = world.pushImage({
    repository,
    tag: '0.9.0',
    revision: defaultRevision(repository, '0.9.0'),
    source: repo ? `https://github.com/${repo}` : undefined,
    version: '0.9.0',
    platforms: ['linux/amd64'],
  });
  return `${registry}/${repository}:0.9.0@${pushed.digest}`;
}

const bindingOptions = (binding: ImageBinding) =>
  binding.kind === 'helm-parameter' ? { helmParameter: binding.parameter } : { kustomizeImage: binding.name };

/**
 * One production target in its cluster: workloads and router objects there, and its Argo CD application
 * (destination: the cluster by name, or in-cluster for the main cluster, as Argo CD registers it).
 */
function seedTarget(world: SandboxWorld, target: ProductionTarget, image: string): void {
  const main = world.root.clusters.keys().next().value;
  const cluster = world.root.addCluster(target.cluster);
  addWorkload(cluster, {
    namespace: target.namespace,
    deployment: target.deployment,
    canaryDeployment: target.canaryDeployment,
    image,
    router: target.router,
  });
  addApplication(world, {
    name: target.argoApp,
    namespace: target.namespace,
    deployment: target.deployment,
    image,
    ...(target.cluster !== main && { cluster: target.cluster }),
    ...bindingOptions(target.image),
    ...seedGitTarget(world, target.image, image),
  });
}

/** Puts each service's workloads, router objects and Argo CD applications (staging and production) in the world. */
export function seedWorld(world: SandboxWorld, plans: PipelinePlan[]): void {
  for (const plan of plans) {
    const image = seedImage(world, plan);
    for (const target of productionTargets(plan)) seedTarget(world, target, image);
    const stagingNamespace = plan.staging.namespace ?? `${plan.production.namespace}-staging`;
    addApplication(world, {
      name: plan.staging.argoApp,
      namespace: stagingNamespace,
      deployment: plan.production.deployment,
      image,
      ...bindingOptions(plan.staging.image),
      ...seedGitTarget(world, plan.staging.image, image),
    });
  }
}
