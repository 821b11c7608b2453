import type { StatusCause } from './kube-api.js';
import { asArray, asRecord } from './kube-api.js';
import { jobPods, jobView, prepareJob, recordJobResult, validateJob } from './kube-jobs.js';
import type { Resource } from './kube-resources.js';
import {
  beforeDeploymentWrite,
  deploymentPods,
  deploymentView,
  replicaSetOf,
  validateDeployment,
} from './kube-workloads.js';
import type { KubeObject, SandboxWorld } from './world.js';

/** The resources the sandbox Kubernetes API serves (kube-resources.ts serves them generically). */

/**
 * Kinds the sandbox stores but does not act on: what an onboarding kit (`gantry init`) applies besides
 * the workloads, so the sandbox accepts the same objects a cluster would. Stored as given; RBAC is not
 * enforced from them (the sandbox's 403s come from `KubernetesSandbox.forbidden`).
 */
const STORED_KINDS: Resource[] = [
  {
    plural: 'namespaces',
    group: '',
    version: 'v1',
    kind: 'Namespace',
    clusterScoped: true,
    verbs: ['get', 'list', 'create', 'update', 'patch'],
  },
  {
    plural: 'serviceaccounts',
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    verbs: ['get', 'list', 'create', 'update', 'patch'],
  },
  ...(['roles', 'rolebindings'] as const).map((plural): Resource => ({
    plural,
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: plural === 'roles' ? 'Role' : 'RoleBinding',
    verbs: ['get', 'list', 'create', 'update', 'patch'],
  })),
  {
    plural: 'gateways',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'Gateway',
    custom: true,
    verbs: ['get', 'list', 'create', 'update', 'patch'],
  },
];

export function allPods(world: SandboxWorld, namespace: string): KubeObject[] {
  return [
    ...world.list('Deployment', namespace).flatMap((d) => deploymentPods(world, d)),
    ...world
      .list('Job', namespace)
      .filter((job) => jobView(world, job))
      .flatMap((job) => jobPods(world, job)),
  ];
}

function validateRoute(route: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  asArray(asRecord(route.spec).rules).forEach((rule, i) =>
    asArray(asRecord(rule).backendRefs).forEach((ref, j) => {
      const weight = asRecord(ref).weight;
      if (
        weight === undefined ||
        (Number.isInteger(weight) && (weight as number) >= 0 && (weight as number) <= 1e6)
      )
        return;
      const field = `spec.rules[${i}].backendRefs[${j}].weight`;
      const bound =
        typeof weight === 'number' && weight < 0
          ? 'greater than or equal to 0'
          : 'less than or equal to 1000000';
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(weight)}: ${field} in body should be ${bound}`,
        field,
      });
    }),
  );
  return causes;
}

export const RESOURCES: Resource[] = [
  {
    plural: 'deployments',
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    verbs: ['get', 'list', 'create', 'update', 'patch'],
    view: deploymentView,
    validate: validateDeployment,
    beforeWrite: beforeDeploymentWrite,
  },
  {
    plural: 'replicasets',
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    verbs: ['get', 'list'],
    derive: (world, ns) => world.list('Deployment', ns).map((d) => replicaSetOf(world, d)),
  },
  { plural: 'pods', group: '', version: 'v1', kind: 'Pod', verbs: ['get', 'list'], derive: allPods },
  {
    plural: 'services',
    group: '',
    version: 'v1',
    kind: 'Service',
    verbs: ['get', 'list', 'create', 'update', 'patch'],
  },
  {
    plural: 'ingresses',
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    verbs: ['get', 'list', 'create', 'update', 'patch'],
  },
  {
    plural: 'httproutes',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'HTTPRoute',
    custom: true,
    verbs: ['get', 'list', 'create', 'update', 'patch'],
    validate: validateRoute,
  },
  {
    plural: 'jobs',
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    verbs: ['get', 'list', 'create'],
    view: jobView,
    validate: validateJob,
    beforeCreate: prepareJob,
    beforeWrite: recordJobResult,
  },
  ...STORED_KINDS,
];
