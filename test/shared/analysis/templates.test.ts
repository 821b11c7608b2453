import { describe, expect, it } from 'vitest';
import { PromqlError } from '../../../shared/analysis/promql.js';
import {
  alertsQuery,
  builtinTemplate,
  familyFor,
  isBuiltinTemplate,
  renderMetricQuery,
} from '../../../shared/analysis/templates.js';
import type { RouterSpec } from '../../../shared/contracts/plan.js';
import { NGINX, ROUTE, VARIABLES, queryWith } from './template-fixtures.js';

const q = queryWith(VARIABLES);

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

describe('request-rate (traffic sufficiency)', () => {
  it('is the NGINX requests per second of one side over the window', () => {
    expect(renderMetricQuery(q('request-rate', { templateKind: 'ref', window: 120_000 }))).toBe(
      'sum(rate(nginx_ingress_controller_requests{namespace="hearloveen-prod",ingress="api-gateway",' +
        'canary!=""}[2m]))',
    );
    expect(
      renderMetricQuery(q('request-rate', { templateKind: 'ref', metricVariables: { side: 'primary' } })),
    ).toBe(
      'sum(rate(nginx_ingress_controller_requests{namespace="hearloveen-prod",ingress="api-gateway",' +
        'canary=""}[1m]))',
    );
  });

  it('is the Istio workload request rate for Gateway API routes and replica canaries', () => {
    const istio = (router: RouterSpec, side: string) =>
      renderMetricQuery(q('request-rate', { router, templateKind: 'ref', metricVariables: { side } }));
    expect(istio(ROUTE, 'canary')).toBe(
      'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="hearloveen-prod",' +
        'destination_workload="api-gateway-canary"}[1m]))',
    );
    expect(istio({ kind: 'replicas' }, 'primary')).toBe(
      'sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="hearloveen-prod",' +
        'destination_workload="api-gateway"}[1m]))',
    );
    expect(isBuiltinTemplate('request-rate')).toBe(true);
  });
});

describe('alertsQuery', () => {
  it('selects firing alerts with the matchers sorted by name and placeholders filled in', () => {
    expect(
      alertsQuery(
        {
          severity: 'critical',
          namespace: '{{ namespace }}',
          deployment: '{{canary}}',
          job: '{{ service }}-{{ target }}',
        },
        VARIABLES,
      ),
    ).toBe(
      'ALERTS{alertstate="firing",deployment="api-gateway-canary",job="svc-api-gateway",' +
        'namespace="hearloveen-prod",severity="critical"}',
    );
    expect(alertsQuery({}, VARIABLES)).toBe('ALERTS{alertstate="firing"}');
  });

  it.each([
    ['quotes and a matcher injection', '"} or vector(1) or {a="', '\\"} or vector(1) or {a=\\"'],
    ['backslashes', 'a\\b\\', 'a\\\\b\\\\'],
    ['a newline and a tab', 'a\nb\tc', 'a\\nb\\tc'],
    ['a control character', 'a\u0001b', 'a\\u0001b'],
  ])('escapes hostile values (%s), in literals and in substituted variables', (_label, hostile, escaped) => {
    expect(alertsQuery({ team: hostile }, VARIABLES)).toBe(`ALERTS{alertstate="firing",team="${escaped}"}`);
    expect(alertsQuery({ namespace: '{{ namespace }}' }, { ...VARIABLES, namespace: hostile })).toBe(
      `ALERTS{alertstate="firing",namespace="${escaped}"}`,
    );
  });

  it.each<[string, Record<string, string>, Record<string, string>, string, RegExp]>([
    ['a "{{ }}" left over', { a: '{{ }}' }, VARIABLES, 'template-invalid', /malformed placeholder in a/],
    [
      'an unterminated placeholder',
      { a: '{{ namespace' },
      VARIABLES,
      'template-invalid',
      /malformed placeholder/,
    ],
    ['a placeholder with a filter', { a: '{{ namespace | x }}' }, VARIABLES, 'template-invalid', /malformed/],
    [
      'an unknown placeholder',
      { a: '{{ ingress }}' },
      VARIABLES,
      'variable-missing',
      /no value for \{\{ ingress \}\} in alert matcher/,
    ],
    [
      'a known placeholder without a value',
      { a: '{{ canary }}' },
      { namespace: 'x' },
      'variable-missing',
      /no value for \{\{ canary \}\}/,
    ],
    [
      'a value that smuggles a placeholder in',
      { a: '{{ namespace }}' },
      { namespace: '{{ service }}' },
      'template-invalid',
      /malformed placeholder/,
    ],
    [
      'a matcher on alertstate',
      { alertstate: 'pending' },
      VARIABLES,
      'variable-invalid',
      /alertstate is always "firing"/,
    ],
    [
      'a bad label name',
      { 'app.kubernetes.io/name': 'x' },
      VARIABLES,
      'variable-invalid',
      /invalid label name/,
    ],
    [
      'a label name starting with a digit',
      { '1a': 'x' },
      VARIABLES,
      'variable-invalid',
      /invalid label name/,
    ],
    ['a lone surrogate', { a: '\uD800' }, VARIABLES, 'variable-invalid', /not valid Unicode/],
  ])('refuses %s', (_label, matchers, variables, code, message) => {
    let error: unknown;
    try {
      alertsQuery(matchers, variables);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PromqlError);
    expect(error).toMatchObject({ code, retryable: false });
    expect((error as Error).message).toMatch(message);
  });
});
