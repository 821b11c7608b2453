import type { Resource } from './kube-resources.js';

/**
 * Kinds the sandbox stores but does not act on: what an onboarding kit (`gantry init`) applies besides
 * the workloads, so the sandbox accepts the same objects a cluster would. Stored as given; RBAC is not
 * enforced from them (the sandbox's 403s come from `KubernetesSandbox.forbidden`).
 */
export const STORED_KINDS: Resource[] = [
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
