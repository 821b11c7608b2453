import { describe, expect, it } from 'vitest';
import {
  builtinTemplate,
  familyFor,
  isBuiltinTemplate,
  renderMetricQuery,
} from '../../../shared/analysis/templates.js';
import type { RouterSpec } from '../../../shared/contracts/plan.js';
import type { MetricsQuery } from '../../../shared/ports/metrics.js';

const NGINX: RouterSpec = { kind: 'nginx', ingress: 'api-gateway', canaryIngress: 'api-gateway-canary' };
const ROUTE: RouterSpec = {
  kind: 'gateway-api',
  route: 'api-gateway',
  primaryBackend: 'api-gateway',
  canaryBackend: 'api-gateway-canary',
};
const VARIABLES = {
  namespace: 'hearloveen-prod',
  target: 'api-gateway',
  canary: 'api-gateway-canary',
  service: 'svc',
};

function q(template: string, extra: Partial<MetricsQuery> = {}): Omit<MetricsQuery, 'at'> {
  return { template, variables: VARIABLES, router: NGINX, window: 60_000, ...extra };
}

describe('built-in templates', () => {
  it('renders the NGINX canary success rate with a vector(0) fallback for all-5xx traffic', () => {
    expect(renderMetricQuery(q('request-success-rate'))).toBe(
      '100 * (sum(rate(nginx_ingress_controller_requests{namespace="hearloveen-prod",ingress="api-gateway",' +
        'canary!="",status!~"5.."}[1m])) or vector(0)) / sum(rate(nginx_ingress_controller_requests{' +
        'namespace="hearloveen-prod",ingress="api-gateway",canary!=""}[1m]))',
    );
  });

  it('renders the NGINX duration as a histogram quantile in milliseconds', () => {
    expect(
      renderMetricQuery(q('request-duration', { metricVariables: { quantile: '0.99' }, window: 300_000 })),
    ).toBe(
      '1000 * histogram_quantile(0.99, sum by (le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{' +
        'namespace="hearloveen-prod",ingress="api-gateway",canary!=""}[5m])))',
    );
  });

  it('selects the primary (canary label absent) when side is primary', () => {
    const primary = renderMetricQuery(q('request-success-rate', { metricVariables: { side: 'primary' } }));
    expect(primary).toContain('canary=""');
    expect(primary).not.toContain('canary!=""');
  });

  it('uses Istio workload metrics for Gateway API routes and replica canaries', () => {
    expect(renderMetricQuery(q('request-success-rate', { router: ROUTE, window: 90_000 }))).toBe(
      '100 * (sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="hearloveen-prod",' +
        'destination_workload="api-gateway-canary",response_code!~"5.."}[90s])) or vector(0)) / ' +
        'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="hearloveen-prod",' +
        'destination_workload="api-gateway-canary"}[90s]))',
    );
    const duration = renderMetricQuery(
      q('request-duration', { router: { kind: 'replicas' }, metricVariables: { side: 'primary' } }),
    );
    expect(duration).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{' +
        'reporter="destination",destination_workload_namespace="hearloveen-prod",destination_workload="api-gateway"}[1m])))',
    );
    expect(familyFor({ kind: 'replicas' })).toBe('istio');
    expect(familyFor(NGINX)).toBe('nginx');
  });

  it('exposes the raw template text with its placeholders', () => {
    expect(builtinTemplate('request-duration', 'nginx', 'canary')).toContain(
      '{{ variables.quantile | 0.95 }}',
    );
    expect(builtinTemplate('request-success-rate', 'istio', 'primary')).toContain(
      'destination_workload="{{ target }}"',
    );
    expect(isBuiltinTemplate('request-duration')).toBe(true);
    expect(isBuiltinTemplate('up')).toBe(false);
  });

  it('escapes hostile names in built-ins', () => {
    const query = renderMetricQuery(
      q('request-success-rate', { variables: { ...VARIABLES, namespace: '"} or vector(1) or {a="' } }),
    );
    expect(query).toContain('namespace="\\"} or vector(1) or {a=\\""');
  });

  it.each([
    [q('request-duration', { router: undefined }), /needs the service's router/],
    [q('request-duration', { metricVariables: { side: 'both' } }), /side must be canary or primary/],
    [q('request-duration', { metricVariables: { quantile: '95' } }), /between 0 and 1/],
    [q('request-sucess-rate'), /unknown built-in template "request-sucess-rate"/],
    [q('p95', { templateKind: 'ref' }), /unknown built-in template "p95"/],
    [q('request-duration', { window: 0 }), /interval/],
  ])('refuses %#', (query, message) => {
    expect(() => renderMetricQuery(query)).toThrow(message);
  });
});

describe('inline templates', () => {
  it('renders with the router names, the window and metric variables', () => {
    const text =
      'sum(rate(x{ns="{{ namespace }}",ing="{{ ingress }}",svc="{{ service }}"}[{{ interval }}])) > {{ variables.min }}';
    expect(renderMetricQuery(q(text, { metricVariables: { min: '5' } }))).toBe(
      'sum(rate(x{ns="hearloveen-prod",ing="api-gateway",svc="svc"}[1m])) > 5',
    );
    expect(renderMetricQuery(q('y{r="{{ route }}"}', { router: ROUTE }))).toBe('y{r="api-gateway"}');
    expect(() => renderMetricQuery(q('y{r="{{ route }}"}'))).toThrow(/no value for \{\{ route \}\}/);
  });

  it('treats a built-in name as a query when told so', () => {
    expect(renderMetricQuery(q('up', { templateKind: 'query' }))).toBe('up');
    expect(renderMetricQuery(q('request-duration', { templateKind: 'query' }))).toBe('request-duration');
  });
});
