import type { KitContext } from './context.js';

/**
 * The primary and canary Deployments and their Services. Both Deployments run the same image name (the
 * Kustomize image Gantry sets), with the container named like the primary so Gantry's `setImage` finds
 * it in either; the canary starts at 0 replicas and Gantry scales it. Probes and the rolling update are
 * the seed's (sections 6.3 and 7.1).
 */

export const HTTP_PORT = 8080;

export type Role = 'primary' | 'canary';

export interface ServiceNames {
  primary: string;
  canary: string;
}

/** Service names: the HTTPRoute's backends for gateway-api, else the Deployments' names. */
export function serviceNames(ctx: KitContext): ServiceNames {
  const r = ctx.prod.router;
  return r.kind === 'gateway-api'
    ? { primary: r.primaryBackend, canary: r.canaryBackend }
    : { primary: ctx.prod.deployment, canary: ctx.prod.canaryDeployment };
}

const podLabels = (ctx: KitContext, role: Role) => ({
  app: role === 'primary' ? ctx.prod.deployment : ctx.prod.canaryDeployment,
  'app.kubernetes.io/name': ctx.prod.deployment,
  'app.kubernetes.io/component': role,
});

function container(ctx: KitContext) {
  return {
    name: ctx.prod.deployment,
    image: ctx.imageName,
    ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
    env: [{ name: 'ASPNETCORE_URLS', value: `http://+:${HTTP_PORT}` }],
    livenessProbe: {
      httpGet: { path: '/health/live', port: HTTP_PORT },
      initialDelaySeconds: 30,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: { path: '/health/ready', port: HTTP_PORT },
      initialDelaySeconds: 10,
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
    },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  };
}

export function deployment(ctx: KitContext, role: Role): Record<string, unknown> {
  const labels = podLabels(ctx, role);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: labels.app, labels },
    spec: {
      replicas: role === 'primary' ? 2 : 0,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: labels.app } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      minReadySeconds: 30,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels },
        spec: {
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container(ctx)],
        },
      },
    },
  };
}

export function service(ctx: KitContext, role: Role): Record<string, unknown> {
  const labels = podLabels(ctx, role);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: serviceNames(ctx)[role], labels },
    spec: {
      type: 'ClusterIP',
      selector: { app: labels.app },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
