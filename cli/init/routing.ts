import type { KitContext } from './context.js';
import { serviceNames } from './workloads.js';

/**
 * The router objects Gantry moves traffic with (docs/adapters.md): ingress-nginx's primary + canary
 * Ingress pair (the weight is an annotation of the canary one, which must share host and path), or a
 * Gateway API HTTPRoute whose one rule holds both backends, on an Application Gateway for Containers
 * Gateway (class `azure-alb-external`).
 */

export const CANARY_ANNOTATION = 'nginx.ingress.kubernetes.io/canary';
export const CANARY_WEIGHT_ANNOTATION = 'nginx.ingress.kubernetes.io/canary-weight';
export const AGC_GATEWAY_CLASS = 'azure-alb-external';
/** The host the production overlay serves; docs/onboarding.md says to change it. */
export const hostOf = (ctx: KitContext): string => `${ctx.prod.deployment}.example.com`;

function ingress(ctx: KitContext, name: string, backend: string, canary: boolean) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      labels: { 'app.kubernetes.io/name': ctx.prod.deployment },
      // Only the canary Ingress carries the weight; Gantry refuses to weight one without canary: "true".
      ...(canary && { annotations: { [CANARY_ANNOTATION]: 'true', [CANARY_WEIGHT_ANNOTATION]: '0' } }),
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: hostOf(ctx),
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: backend, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export const gatewayName = (ctx: KitContext): string => `${ctx.prod.deployment}-gateway`;

/** AGC's managed Gateway: the ALB resource it binds to is named by the two `alb.networking.azure.io` annotations. */
function gateway(ctx: KitContext) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name: gatewayName(ctx),
      annotations: {
        'alb.networking.azure.io/alb-namespace': 'alb-infra',
        'alb.networking.azure.io/alb-name': 'alb',
      },
    },
    spec: {
      gatewayClassName: AGC_GATEWAY_CLASS,
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
      ],
    },
  };
}

function httpRoute(ctx: KitContext, route: string) {
  const services = serviceNames(ctx);
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: route, labels: { 'app.kubernetes.io/name': ctx.prod.deployment } },
    spec: {
      parentRefs: [{ name: gatewayName(ctx) }],
      hostnames: [hostOf(ctx)],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          // Explicit 100/0: Gantry writes absolute weights and reads the canary's share of the pair.
          backendRefs: [
            { name: services.primary, port: 80, weight: 100 },
            { name: services.canary, port: 80, weight: 0 },
          ],
        },
      ],
    },
  };
}

/** The router's objects as `[file name, object]`; none for the replica router. */
export function routerObjects(ctx: KitContext): Array<[string, Record<string, unknown>]> {
  const r = ctx.prod.router;
  if (r.kind === 'nginx') {
    const services = serviceNames(ctx);
    return [
      ['ingress.yaml', ingress(ctx, r.ingress, services.primary, false)],
      ['ingress-canary.yaml', ingress(ctx, r.canaryIngress, services.canary, true)],
    ];
  }
  if (r.kind === 'gateway-api')
    return [
      ['gateway.yaml', gateway(ctx)],
      ['httproute.yaml', httpRoute(ctx, r.route)],
    ];
  return [];
}
