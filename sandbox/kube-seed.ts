import type { RouterSpec } from '../shared/contracts/plan.js';
import { newDeployment } from './rollout.js';
import type { KubeObject, SandboxWorld } from './world.js';

/** What a GitOps repository would have put in the cluster for one service. */
export interface WorkloadSeed {
  namespace: string;
  deployment: string;
  /** Default `<deployment>-canary`. */
  canaryDeployment?: string;
  image: string;
  /** Primary replicas (default 2); the canary starts at 0. */
  replicas?: number;
  router: RouterSpec;
  /** Default `<deployment>.<namespace>.sandbox.local`. */
  host?: string;
}

const CANARY = 'nginx.ingress.kubernetes.io/canary';
const CANARY_WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';

function service(namespace: string, name: string, app: string): Parameters<SandboxWorld['put']>[0] {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { app } },
    spec: {
      type: 'ClusterIP',
      selector: { app },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

function ingress(namespace: string, name: string, host: string, backend: string, canary: boolean) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, ...(canary && { annotations: { [CANARY]: 'true', [CANARY_WEIGHT]: '0' } }) },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: backend, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

function httpRoute(namespace: string, router: Extract<RouterSpec, { kind: 'gateway-api' }>, host: string) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: router.route, namespace },
    spec: {
      parentRefs: [{ name: 'gateway', namespace: 'gateway-system' }],
      hostnames: [host],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [
            { name: router.primaryBackend, port: 80, weight: 100 },
            { name: router.canaryBackend, port: 80, weight: 0 },
          ],
        },
      ],
    },
  };
}

/**
 * Seeds one service: the primary Deployment (at rest, rolled out), the canary Deployment at 0 replicas
 * with the same container name, a Service for each, and the router's objects with the canary at 0%.
 */
export function addWorkload(
  world: SandboxWorld,
  seed: WorkloadSeed,
): { deployment: KubeObject; canary: KubeObject } {
  const { namespace, router } = seed;
  const canaryName = seed.canaryDeployment ?? `${seed.deployment}-canary`;
  const host = seed.host ?? `${seed.deployment}.${namespace}.sandbox.local`;
  const deployment = world.put(newDeployment(namespace, seed.deployment, seed.image, seed.replicas ?? 2));
  const canarySpec = newDeployment(namespace, canaryName, seed.image, 0);
  const template = canarySpec.spec?.template as { spec: { containers: Array<{ name: string }> } };
  template.spec.containers.forEach((c) => (c.name = seed.deployment));
  const canary = world.put(canarySpec);
  const services =
    router.kind === 'gateway-api'
      ? [router.primaryBackend, router.canaryBackend]
      : [seed.deployment, canaryName];
  world.put(service(namespace, services[0] as string, seed.deployment));
  world.put(service(namespace, services[1] as string, canaryName));
  if (router.kind === 'nginx') {
    world.put(ingress(namespace, router.ingress, host, seed.deployment, false));
    world.put(ingress(namespace, router.canaryIngress, host, canaryName, true));
  } else if (router.kind === 'gateway-api') {
    world.put(httpRoute(namespace, router, host));
  }
  return { deployment, canary };
}
