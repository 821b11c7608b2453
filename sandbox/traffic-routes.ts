import type { KubeObject, SandboxWorld } from './world.js';

/**
 * Where the sandbox's traffic goes, read from the world's Kubernetes objects the way the routers do:
 * an NGINX main Ingress plus its canary Ingress (`nginx.ingress.kubernetes.io/canary: "true"`, same
 * host, weight from `canary-weight` / `canary-weight-total`), or an HTTPRoute's weighted backendRefs.
 * A backend Service leads to its Deployment by the Service's selector (or, without a Service, the
 * Deployment of the same name), whose first container's image picks the fault profile.
 */

export interface Backend {
  service: string;
  port: string;
  deployment?: string;
  image?: string;
  /** Share of the route's requests, 0-1. */
  share: number;
  /** The Deployment is scaled to zero: requests to it fail with 503, as NGINX answers with no endpoints. */
  noEndpoints: boolean;
}

export type Route =
  | { kind: 'nginx'; namespace: string; ingress: string; service: string; primary: Backend; canary?: Backend }
  | { kind: 'mesh'; namespace: string; route: string; backends: Backend[] };

const CANARY = 'nginx.ingress.kubernetes.io/canary';
const WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';
const WEIGHT_TOTAL = 'nginx.ingress.kubernetes.io/canary-weight-total';

type Loose = Record<string, unknown> | undefined;
const rec = (value: unknown): Loose =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
const first = (value: unknown): Loose => (Array.isArray(value) ? rec(value[0]) : undefined);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

function matchesSelector(deployment: KubeObject, selector: Record<string, string>): boolean {
  const labels = rec(rec(rec(deployment.spec)?.template)?.metadata)?.labels as
    Record<string, unknown> | undefined;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function deploymentFor(world: SandboxWorld, namespace: string, service: string): KubeObject | undefined {
  const selector = rec(world.get('Service', namespace, service)?.spec)?.selector as
    Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) return world.get('Deployment', namespace, service);
  const candidates = world.list('Deployment', namespace).filter((d) => matchesSelector(d, selector));
  return candidates.find((d) => d.metadata.name === service) ?? candidates[0];
}

function backend(
  world: SandboxWorld,
  namespace: string,
  service: string,
  port: string,
  share: number,
): Backend {
  const deployment = deploymentFor(world, namespace, service);
  const spec = rec(deployment?.spec);
  const image = str(first(rec(rec(rec(spec?.template)?.spec))?.containers)?.image);
  return {
    service,
    port,
    share,
    noEndpoints: spec?.replicas === 0,
    ...(deployment ? { deployment: deployment.metadata.name } : {}),
    ...(image ? { image } : {}),
  };
}

/** Host and backend Service of an Ingress's first rule and path. */
function ingressTarget(ingress: KubeObject): { host: string; service?: string; port: string } {
  const rule = first(rec(ingress.spec)?.rules);
  const service = rec(rec(first(rec(rule?.http)?.paths)?.backend)?.service);
  const port = rec(service?.port);
  return {
    host: str(rule?.host) ?? '',
    service: str(service?.name),
    port: str(port?.number) ?? str(port?.name) ?? '80',
  };
}

function canaryWeight(ingress: KubeObject): number {
  const annotations = ingress.metadata.annotations ?? {};
  const weight = Number(annotations[WEIGHT] ?? 0);
  const total = Number(annotations[WEIGHT_TOTAL] ?? 100);
  if (!Number.isFinite(weight) || !(total > 0)) return 0;
  return Math.min(Math.max(weight / total, 0), 1);
}

function nginxRoutes(world: SandboxWorld): Route[] {
  const ingresses = world.list('Ingress');
  const isCanary = (i: KubeObject): boolean => i.metadata.annotations?.[CANARY] === 'true';
  const routes: Route[] = [];
  for (const main of ingresses.filter((i) => !isCanary(i))) {
    const namespace = main.metadata.namespace ?? 'default';
    const target = ingressTarget(main);
    if (!target.service) continue;
    const canaryIngress = ingresses.find(
      (i) =>
        isCanary(i) &&
        i.metadata.namespace === main.metadata.namespace &&
        ingressTarget(i).host === target.host,
    );
    const canaryTarget = canaryIngress && ingressTarget(canaryIngress);
    const weight = canaryIngress ? canaryWeight(canaryIngress) : 0;
    routes.push({
      kind: 'nginx',
      namespace,
      ingress: main.metadata.name,
      service: target.service,
      primary: backend(world, namespace, target.service, target.port, 1 - weight),
      ...(canaryTarget?.service
        ? { canary: backend(world, namespace, canaryTarget.service, canaryTarget.port, weight) }
        : {}),
    });
  }
  return routes;
}

function meshRoutes(world: SandboxWorld): Route[] {
  return world.list('HTTPRoute').flatMap((route): Route[] => {
    const namespace = route.metadata.namespace ?? 'default';
    const refs = (first(rec(route.spec)?.rules)?.backendRefs as unknown[] | undefined) ?? [];
    const parsed = refs
      .map(rec)
      .map((r) => ({ name: str(r?.name), port: str(r?.port) ?? '80', weight: Number(r?.weight ?? 1) }));
    const valid = parsed.filter(
      (r): r is { name: string; port: string; weight: number } => !!r.name && r.weight >= 0,
    );
    const total = valid.reduce((acc, r) => acc + r.weight, 0);
    if (total <= 0) return [];
    const backends = valid.map((r) => backend(world, namespace, r.name, r.port, r.weight / total));
    return [{ kind: 'mesh', namespace, route: route.metadata.name, backends }];
  });
}

export function readRoutes(world: SandboxWorld): Route[] {
  return [...nginxRoutes(world), ...meshRoutes(world)];
}
