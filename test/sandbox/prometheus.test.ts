import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { addWorkload } from '../../sandbox/kube-seed.js';
import { startPrometheusSandbox, type PrometheusSandbox } from '../../sandbox/prometheus.js';
import { latencyCdf } from '../../sandbox/traffic.js';
import { SandboxWorld, type KubeObject } from '../../sandbox/world.js';
import { PrometheusMetrics } from '../../shared/adapters/prometheus.js';
import type { RouterSpec } from '../../shared/contracts/plan.js';
import type { MetricsQuery } from '../../shared/ports/metrics.js';

const NS = 'hearloveen-prod';
const NGINX: RouterSpec = { kind: 'nginx', ingress: 'api-gateway', canaryIngress: 'api-gateway-canary' };
const MESH: RouterSpec = {
  kind: 'gateway-api',
  route: 'user-service',
  primaryBackend: 'user-service',
  canaryBackend: 'user-service-canary',
};
const OLD = 'hearloveen.azurecr.io/api-gateway:1.0';
const NEW = 'hearloveen.azurecr.io/api-gateway:2.0';

let clock: VirtualClock;
let world: SandboxWorld;
let sandbox: PrometheusSandbox;
let metrics: PrometheusMetrics;

beforeEach(async () => {
  clock = new VirtualClock();
  world = new SandboxWorld(clock);
  addWorkload(world, { namespace: NS, deployment: 'api-gateway', image: OLD, router: NGINX });
  addWorkload(world, { namespace: NS, deployment: 'user-service', image: 'user:1', router: MESH });
  sandbox = await startPrometheusSandbox(world);
  metrics = new PrometheusMetrics({ baseUrl: sandbox.url, attempts: 1 });
});
afterEach(async () => {
  await sandbox.close();
});

function q(
  template: string,
  side: 'canary' | 'primary',
  router = NGINX,
  extra: Partial<MetricsQuery> = {},
): MetricsQuery {
  const [target, canary] =
    router.kind === 'gateway-api'
      ? ['user-service', 'user-service-canary']
      : ['api-gateway', 'api-gateway-canary'];
  return {
    template,
    variables: { namespace: NS, target, canary, service: target },
    metricVariables: { side },
    router,
    window: 60_000,
    at: world.nowIso(),
    ...extra,
  };
}

const value = async (query: MetricsQuery): Promise<number | null> => (await metrics.query(query)).value;

/**
 * Sets a canary Deployment's image and replicas and, for the NGINX service, the canary weight, as the
 * pipeline does. For another `deployment` the weight is ignored (its router is changed by the test).
 */
function shift(
  weight: number,
  options: { image?: string; replicas?: number; deployment?: string } = {},
): void {
  const name = options.deployment ?? 'api-gateway-canary';
  const canary = world.get('Deployment', NS, name) as KubeObject;
  const spec = structuredClone(canary.spec) as {
    replicas: number;
    template: { spec: { containers: Array<{ image: string }> } };
  };
  spec.replicas = options.replicas ?? 1;
  (spec.template.spec.containers[0] as { image: string }).image = options.image ?? NEW;
  world.put({ ...canary, spec });
  if (options.deployment) return;
  const ingress = world.get('Ingress', NS, 'api-gateway-canary') as KubeObject;
  const annotations = {
    ...ingress.metadata.annotations,
    'nginx.ingress.kubernetes.io/canary-weight': String(weight),
  };
  world.put({ ...ingress, metadata: { ...ingress.metadata, annotations } });
}

/** The model's p95 in ms: linear interpolation inside the NGINX bucket that holds the quantile. */
function modelQuantile(q: number, medianMs: number): number {
  const bounds = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
  let lower = 0;
  for (const upper of bounds) {
    const [lo, hi] = [latencyCdf(lower, medianMs), latencyCdf(upper, medianMs)];
    if (hi >= q) return lower + ((upper - lower) * (q - lo)) / (hi - lo);
    lower = upper;
  }
  return 10000;
}

describe('sandbox Prometheus: traffic model', () => {
  it('serves primary traffic from the start (warm-up history) and no canary data at weight 0', async () => {
    expect(await value(q('request-success-rate', 'primary', NGINX, { window: 300_000 }))).toBeCloseTo(
      99.9,
      9,
    );
    expect(await value(q('request-duration', 'primary'))).toBeCloseTo(modelQuantile(0.95, 80), 6);
    expect(await value(q('request-success-rate', 'canary'))).toBeNull();
    expect(await value(q('request-duration', 'canary'))).toBeNull();
  });

  it('splits requests by the canary weight and follows the canary image’s fault profile', async () => {
    world.faults.set('2.0', { errorRate: 0.2, latencyMs: 600 });
    shift(10);
    clock.advance(120_000);
    const rate = (canary: string): MetricsQuery =>
      q(`sum(rate(nginx_ingress_controller_requests{canary${canary}""}[{{ interval }}]))`, 'canary', NGINX, {
        templateKind: 'query',
      });
    expect(await value(rate('!='))).toBeCloseTo(5, 9);
    expect(await value(rate('='))).toBeCloseTo(45, 9);
    expect(await value(q('request-success-rate', 'canary'))).toBeCloseTo(80, 9);
    expect(await value(q('request-success-rate', 'primary'))).toBeCloseTo(99.9, 9);
    expect(await value(q('request-duration', 'canary'))).toBeCloseTo(modelQuantile(0.95, 600), 6);
    const p99 = q('request-duration', 'canary', NGINX, {
      metricVariables: { side: 'canary', quantile: '0.99' },
    });
    expect(await value(p99)).toBeGreaterThan(1000);
  });

  it('fires an ALERTS series for the canary Deployment running an image with an alert fault', async () => {
    world.faults.set('2.0', { alert: 'HighErrorRate' });
    const matchers = { namespace: '{{ namespace }}', deployment: '{{ canary }}', severity: 'critical' };
    const vars = q('request-rate', 'canary').variables;
    clock.advance(60_000);
    expect((await metrics.firingAlerts(matchers, vars, world.nowIso())).alerts).toEqual([]);
    shift(10);
    clock.advance(60_000);
    const firing = await metrics.firingAlerts(matchers, vars, world.nowIso());
    expect(firing.query).toBe(
      'ALERTS{alertstate="firing",deployment="api-gateway-canary",namespace="hearloveen-prod",severity="critical"}',
    );
    expect(firing.alerts).toEqual([
      {
        alertname: 'HighErrorRate',
        alertstate: 'firing',
        cluster: 'in-cluster', // the world's cluster, as on every series of the traffic model
        deployment: 'api-gateway-canary',
        namespace: NS,
        severity: 'critical',
      },
    ]);
    // The primary still runs the old image: nothing fires for it.
    const primary = { ...matchers, deployment: '{{ target }}' };
    expect((await metrics.firingAlerts(primary, vars, world.nowIso())).alerts).toEqual([]);
    // Scaled to zero, the canary stops firing at once (a staleness marker, not 5 minutes of lookback).
    shift(0, { replicas: 0 });
    clock.advance(30_000);
    expect((await metrics.firingAlerts(matchers, vars, world.nowIso())).alerts).toEqual([]);
  });

  it('attributes samples before a change to the old state and after it to the new', async () => {
    world.faults.set('2.0', { errorRate: 0.5 });
    shift(50, { image: OLD });
    clock.advance(120_000);
    shift(50, { image: NEW });
    expect(await value(q('request-success-rate', 'canary'))).toBeCloseTo(99.9, 9);
    clock.advance(60_000);
    expect(await value(q('request-success-rate', 'canary'))).toBeCloseTo(50, 9);
  });

  it('reports NaN once a rolled-back canary has no traffic, and 0 % (not no data) for all-5xx traffic', async () => {
    shift(25);
    clock.advance(60_000);
    shift(0, { replicas: 0 });
    clock.advance(120_000);
    expect(await value(q('request-success-rate', 'canary'))).toBeNaN();
    expect(await value(q('request-duration', 'canary'))).toBeNaN();

    // A canary at weight with no pods only ever answers 503: there is no non-5xx series at all.
    const fresh = await startFresh();
    expect(await fresh.value(q('request-success-rate', 'canary'))).toBe(0);
    await fresh.close();
  });

  it('feeds Istio workload metrics from HTTPRoute backend weights', async () => {
    const route = world.get('HTTPRoute', NS, 'user-service') as KubeObject;
    const spec = structuredClone(route.spec) as { rules: Array<{ backendRefs: Array<{ weight: number }> }> };
    const refs = spec.rules[0]?.backendRefs ?? [];
    (refs[0] as { weight: number }).weight = 75;
    (refs[1] as { weight: number }).weight = 25;
    world.put({ ...route, spec });
    shift(0, { deployment: 'user-service-canary', image: 'user:1' });
    world.faults.set('user:1', { errorRate: 0.01 });
    clock.advance(90_000);
    const share = q(
      'sum(rate(istio_requests_total{destination_workload="{{ canary }}"}[{{ interval }}]))',
      'canary',
      MESH,
      {
        templateKind: 'query',
      },
    );
    expect(await value(share)).toBeCloseTo(12.5, 9);
    expect(await value(q('request-success-rate', 'canary', MESH))).toBeCloseTo(99, 9);
    expect(await value(q('request-success-rate', 'primary', MESH))).toBeCloseTo(99, 9);
    expect(await value(q('request-duration', 'primary', MESH))).toBeGreaterThan(100);
  });

  it('answers range queries over the generated series', async () => {
    shift(20);
    clock.advance(300_000);
    const start = new Date(clock.now() - 240_000).toISOString();
    const range = await metrics.queryRange(q('request-success-rate', 'canary'), {
      start,
      end: world.nowIso(),
      stepMs: 60_000,
    });
    expect(range.samples).toHaveLength(5);
    for (const sample of range.samples) expect(sample.value).toBeCloseTo(99.9, 9);
  });

  it('leaves a hole instead of filling a very long clock jump', async () => {
    await value(q('request-success-rate', 'primary'));
    const series = sandbox.store.select('nginx_ingress_controller_requests', (l) => l.status === '200');
    expect(series).toHaveLength(1);
    expect(series[0]?.t).toHaveLength(1 + (10 * 60_000) / 15_000);
    clock.advance(7 * 3_600_000);
    await value(q('request-success-rate', 'primary'));
    expect(series[0]?.t.length).toBeGreaterThan(6 * 240);
    expect(series[0]?.t.length).toBeLessThan(7 * 240);
  });
});

/** A second sandbox on a world whose canary takes 30 % of traffic with no pods from the start. */
async function startFresh(): Promise<{
  value: (query: MetricsQuery) => Promise<number | null>;
  close(): Promise<void>;
}> {
  const other = new SandboxWorld(new VirtualClock());
  addWorkload(other, { namespace: NS, deployment: 'api-gateway', image: OLD, router: NGINX });
  const ingress = other.get('Ingress', NS, 'api-gateway-canary') as KubeObject;
  const annotations = { ...ingress.metadata.annotations, 'nginx.ingress.kubernetes.io/canary-weight': '30' };
  other.put({ ...ingress, metadata: { ...ingress.metadata, annotations } });
  const server = await startPrometheusSandbox(other, { traffic: { warmupMs: 60_000 } });
  const client = new PrometheusMetrics({ baseUrl: server.url, attempts: 1 });
  return {
    value: async (query) => (await client.query({ ...query, at: other.nowIso() })).value,
    close: () => server.close(),
  };
}
