import { PRINCIPAL_PLACEHOLDER, type KitContext } from './context.js';

/**
 * What a cluster admin applies once (`kubectl apply -k cluster/`): the namespaces, the scan Jobs'
 * namespace and ServiceAccount, and the least-privilege Roles of Gantry's identity. The verbs are what
 * the adapters call: shared/adapters/kubernetes.ts (read + patch Deployments, list ReplicaSets and
 * pods for rollout status), nginx-router.ts / gateway-api-router.ts (read + patch the one router
 * object), replica-router.ts (the two Deployments), kubernetes-jobs.ts (create + read Jobs, list their
 * pods, read pod logs). No ClusterRole: every grant is namespaced, and named where Kubernetes allows.
 */

type Obj = Record<string, unknown>;
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

const namespace = (name: string, extra: Record<string, string> = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'baseline', ...extra } },
});

export function namespaces(ctx: KitContext): Obj[] {
  return [namespace(ctx.staging.namespace), namespace(ctx.prod.namespace)];
}

/** The scan namespace and the ServiceAccount the Trivy and cosign Jobs run as (workload identity for ACR). */
export function scanObjects(ctx: KitContext): Obj[] {
  const objects: Obj[] = [
    namespace(ctx.scanNamespace, { 'app.kubernetes.io/managed-by': 'gantry' }),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: ctx.scanServiceAccount,
        namespace: ctx.scanNamespace,
        // The client id of an identity with AcrPull on the registry (federated with this ServiceAccount).
        annotations: { 'azure.workload.identity/client-id': PRINCIPAL_PLACEHOLDER },
      },
    },
  ];
  // Scanners read registries, not the cluster; only a `k8s://ns/secret` cosign key is read through the API.
  const key = /^k8s:\/\/([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(ctx.signingKey ?? '');
  if (key) {
    const [, ns, secret] = key as unknown as [string, string, string];
    objects.push(
      role('gantry-scanner-cosign-key', ns, [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [secret] },
      ]),
      binding('gantry-scanner-cosign-key', ns, {
        kind: 'ServiceAccount',
        name: ctx.scanServiceAccount,
        namespace: ctx.scanNamespace,
      }),
    );
  }
  return objects;
}

function role(name: string, ns: string, rules: Rule[]): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: ns },
    rules,
  };
}

function binding(name: string, ns: string, subject: Obj): Obj {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [subject],
  };
}

/** Production: the two Deployments, the router object Gantry weights, and the reads of rollout status. */
export function productionRules(ctx: KitContext): Rule[] {
  const { deployment, canaryDeployment, router } = ctx.prod;
  const rules: Rule[] = [
    {
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['get', 'patch'],
      resourceNames: [deployment, canaryDeployment],
    },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  ];
  if (router.kind === 'nginx')
    rules.push({
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses'],
      verbs: ['get', 'patch'],
      resourceNames: [router.canaryIngress],
    });
  if (router.kind === 'gateway-api')
    rules.push({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['httproutes'],
      verbs: ['get', 'patch'],
      resourceNames: [router.route],
    });
  return rules;
}

/** Scan namespace: Jobs are created by name Gantry derives from the image, so no resourceNames. */
export const SCAN_RULES: Rule[] = [
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
];

/** Gantry's managed identity: on AKS with Entra ID, a `User` named by its object id. */
export function gantryRbac(ctx: KitContext): Obj[] {
  const subject = { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: ctx.gantryPrincipal };
  const deployer = `gantry-${ctx.prod.deployment}`;
  return [
    role(deployer, ctx.prod.namespace, productionRules(ctx)),
    binding(deployer, ctx.prod.namespace, subject),
    role('gantry-scan-runner', ctx.scanNamespace, SCAN_RULES),
    binding('gantry-scan-runner', ctx.scanNamespace, subject),
  ];
}
