import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TEMPLATES,
  builtinTemplate,
  clusterSelectorLabel,
  renderMetricQuery,
  type MetricFamily,
  type Side,
} from '../../../shared/analysis/templates.js';
import type { RouterSpec } from '../../../shared/contracts/plan.js';
import { NGINX, ROUTE, VARIABLES as BASE, queryWith } from './template-fixtures.js';

/** Built-in templates with a cluster label: every selector also matches the target's cluster. */

const VARIABLES = { ...BASE, service: 'ApiGateway', cluster: 'hearloveen-aks-eun' };
const q = queryWith(VARIABLES);

const NGINX_CANARY = 'namespace="hearloveen-prod",ingress="api-gateway",canary!=""';
const NGINX_PRIMARY = 'namespace="hearloveen-prod",ingress="api-gateway",canary=""';
const ISTIO_CANARY =
  'reporter="destination",destination_workload_namespace="hearloveen-prod",destination_workload="api-gateway-canary"';
const ISTIO_PRIMARY =
  'reporter="destination",destination_workload_namespace="hearloveen-prod",destination_workload="api-gateway"';
const EUN = 'cluster="hearloveen-aks-eun"';

describe('built-in templates with a cluster label', () => {
  it.each<[string, RouterSpec, Side, string, string]>([
    [
      'request-success-rate',
      NGINX,
      'canary',
      'cluster',
      `100 * (sum(rate(nginx_ingress_controller_requests{${NGINX_CANARY},${EUN},status!~"5.."}[1m])) or vector(0))` +
        ` / sum(rate(nginx_ingress_controller_requests{${NGINX_CANARY},${EUN}}[1m]))`,
    ],
    [
      'request-success-rate',
      ROUTE,
      'primary',
      'cluster',
      `100 * (sum(rate(istio_requests_total{${ISTIO_PRIMARY},${EUN},response_code!~"5.."}[1m])) or vector(0))` +
        ` / sum(rate(istio_requests_total{${ISTIO_PRIMARY},${EUN}}[1m]))`,
    ],
    [
      'request-duration',
      NGINX,
      'primary',
      'cluster',
      `1000 * histogram_quantile(0.95, sum by (le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{${NGINX_PRIMARY},${EUN}}[1m])))`,
    ],
    [
      'request-duration',
      { kind: 'replicas' },
      'canary',
      'cluster',
      `histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${ISTIO_CANARY},${EUN}}[1m])))`,
    ],
    [
      'request-rate',
      NGINX,
      'canary',
      'k8s_cluster',
      `sum(rate(nginx_ingress_controller_requests{${NGINX_CANARY},k8s_cluster="hearloveen-aks-eun"}[1m]))`,
    ],
    [
      'request-rate',
      ROUTE,
      'primary',
      '_Cluster9',
      `sum(rate(istio_requests_total{${ISTIO_PRIMARY},_Cluster9="hearloveen-aks-eun"}[1m]))`,
    ],
  ])('%s on %o (%s) matches %s', (template, router, side, clusterLabel, expected) => {
    const query = q(template, { router, clusterLabel, metricVariables: { side } });
    expect(renderMetricQuery(query)).toBe(expected);
  });

  it('without a cluster label the selectors are as before (no cluster matcher)', () => {
    for (const template of BUILTIN_TEMPLATES)
      for (const router of [NGINX, ROUTE])
        expect(renderMetricQuery(q(template, { router, templateKind: 'ref' }))).not.toContain('cluster');
  });

  it('puts the matcher in every selector of the template text', () => {
    const families: MetricFamily[] = ['nginx', 'istio'];
    for (const name of BUILTIN_TEMPLATES)
      for (const family of families) {
        const text = builtinTemplate(name, family, 'canary', 'cluster');
        const selectors = text.match(/(?:_requests|_total|_bucket)\{/g) ?? [];
        expect(selectors.length).toBeGreaterThan(0);
        expect(text.split('cluster="{{ cluster }}"').length - 1).toBe(selectors.length);
      }
  });

  it('escapes the cluster value as a PromQL string, like every variable', () => {
    const hostile = '"} or vector(1) or {a="';
    const query = renderMetricQuery(
      q('request-rate', { clusterLabel: 'cluster', variables: { ...VARIABLES, cluster: hostile } }),
    );
    expect(query).toContain('cluster="\\"} or vector(1) or {a=\\""');
    expect(query).not.toContain('or vector(1) or {a="}');
  });

  it('needs the target cluster when a cluster label is set', () => {
    const { cluster: _, ...noCluster } = VARIABLES;
    expect(() =>
      renderMetricQuery(q('request-success-rate', { clusterLabel: 'cluster', variables: noCluster })),
    ).toThrow(/cluster/);
  });

  it('leaves inline templates as written: they carry their own {{ cluster }}', () => {
    expect(renderMetricQuery(q('up{job="x"}', { clusterLabel: 'cluster', templateKind: 'query' }))).toBe(
      'up{job="x"}',
    );
  });

  it.each<[string, RegExp]>([
    ['0cluster', /invalid label name/],
    ['cluster-name', /invalid label name/],
    ['cluster"}', /invalid label name/],
    ['', /invalid label name/],
    ['__name__', /reserved/],
    ['namespace', /already match on/],
    ['destination_workload', /already match on/],
  ])('refuses the cluster label %j', (label, message) => {
    expect(() => clusterSelectorLabel(label)).toThrow(message);
    expect(() => renderMetricQuery(q('request-rate', { clusterLabel: label }))).toThrow(message);
  });
});
