import type { RouterSpec } from '../../../shared/contracts/plan.js';
import type { MetricsQuery } from '../../../shared/ports/metrics.js';

/** Routers and variables the built-in template tests render with. */
export const NGINX: RouterSpec = {
  kind: 'nginx',
  ingress: 'api-gateway',
  canaryIngress: 'api-gateway-canary',
};
export const ROUTE: RouterSpec = {
  kind: 'gateway-api',
  route: 'api-gateway',
  primaryBackend: 'api-gateway',
  canaryBackend: 'api-gateway-canary',
};
export const VARIABLES = {
  namespace: 'hearloveen-prod',
  target: 'api-gateway',
  canary: 'api-gateway-canary',
  service: 'svc',
};

/** A query builder over `variables`: the template, a one-minute window, NGINX unless `extra` says. */
export function queryWith(variables: Record<string, string>) {
  return (template: string, extra: Partial<MetricsQuery> = {}): Omit<MetricsQuery, 'at'> => ({
    template,
    variables,
    router: NGINX,
    window: 60_000,
    ...extra,
  });
}
