import type { SeriesStore, Labels } from './series.js';
import { readRoutes, type Backend, type Route } from './traffic-routes.js';
import type { SandboxWorld } from './world.js';

/**
 * The sandbox's traffic model. Every route (NGINX ingress pair or HTTPRoute) receives `requestsPerSecond`
 * requests, split by the router weights currently in the world; each backend's image gives its error rate
 * and median latency (`world.faultFor`). Every `stepMs` of virtual time the model appends one sample to
 * each counter and histogram bucket, with the metric and label names ingress-nginx (or Istio) exports,
 * so the built-in templates' PromQL reads it as it would read a real cluster. Every series carries the
 * world's `cluster` label, as a Prometheus fed by several clusters (each scrape's external label) has it.
 *
 * The model is deterministic: counters grow by the expected number of requests (fractions allowed), not a
 * random draw, and latencies follow a log-normal distribution with the image's median and σ = 0.4
 * (bucket counts are requests × CDF(le)). Samples are generated lazily up to `world.now()`; a router or
 * image change first brings the series up to the moment of the change with the state before it.
 */

export interface TrafficOptions {
  /** Requests per second per route (default 50). */
  requestsPerSecond?: number;
  /** Virtual time between samples (default 15 s, a common scrape interval). */
  stepMs?: number;
  /** History generated before the model starts, with the state at start (default 10 min). */
  warmupMs?: number;
  /** Longest gap filled in one go; a longer jump of the clock leaves a hole, like a Prometheus outage. */
  maxGapMs?: number;
}

export const DEFAULT_ERROR_RATE = 0.001;
export const DEFAULT_LATENCY_MS = 80;
const SIGMA = 0.4;
const NGINX_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ISTIO_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];
const NGINX_CONST = {
  controller_class: 'k8s.io/ingress-nginx',
  controller_namespace: 'ingress-nginx',
  controller_pod: 'ingress-nginx-controller-0',
  method: 'GET',
  path: '/',
};

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): deterministic and ample for a traffic model. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly =
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign * (1 - poly * Math.exp(-a * a));
}

/** Share of requests at or below `ms` for a log-normal latency with median `medianMs`. */
export function latencyCdf(ms: number, medianMs: number): number {
  if (ms <= 0) return 0;
  return 0.5 * (1 + erf(Math.log(ms / medianMs) / (SIGMA * Math.SQRT2)));
}

interface Step {
  requests: number;
  errors: number;
  status: string;
  errorStatus: string;
  medianMs: number;
}

export class TrafficModel {
  private readonly rps: number;
  private readonly stepMs: number;
  private readonly maxGapMs: number;
  private routes: Route[];
  private last: number;
  private firing = new Map<string, Labels>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly world: SandboxWorld,
    private readonly store: SeriesStore,
    options: TrafficOptions = {},
  ) {
    this.rps = options.requestsPerSecond ?? 50;
    this.stepMs = options.stepMs ?? 15_000;
    this.maxGapMs = options.maxGapMs ?? 6 * 3_600_000;
    this.last = this.align(world.now() - (options.warmupMs ?? 10 * 60_000)) - this.stepMs;
    this.routes = readRoutes(world);
    this.unsubscribe = world.onChange(() => {
      // The change is already applied: samples up to now used the old routes, later ones the new.
      this.advance();
      this.routes = readRoutes(world);
    });
  }

  /** Appends the samples due up to `world.now()`. */
  advance(): void {
    const now = this.world.now();
    const resume = this.align(now - this.maxGapMs);
    if (this.last < resume) this.last = resume;
    for (let t = this.last + this.stepMs; t <= now; t += this.stepMs) {
      for (const route of this.routes) this.emit(route, t);
      this.emitAlerts(t);
      this.last = t;
    }
  }

  close(): void {
    this.unsubscribe();
  }

  private align(t: number): number {
    return Math.floor(t / this.stepMs) * this.stepMs;
  }

  private step(backend: Backend): Step {
    const fault = this.world.faultFor(backend.image);
    const requests = (this.rps * this.stepMs * backend.share) / 1000;
    const errorRate = backend.noEndpoints
      ? 1
      : Math.min(Math.max(fault.errorRate ?? DEFAULT_ERROR_RATE, 0), 1);
    return {
      requests,
      errors: requests * errorRate,
      status: '200',
      errorStatus: backend.noEndpoints ? '503' : '500',
      medianMs: Math.max(fault.latencyMs ?? DEFAULT_LATENCY_MS, 0.001),
    };
  }

  /**
   * `ALERTS` series, as Prometheus's rule evaluation writes them, for backends whose image has an alert
   * fault; an alert that stops firing gets a staleness marker, as a resolved alert does.
   */
  private emitAlerts(t: number): void {
    const firing = new Map<string, Labels>();
    for (const route of this.routes) {
      const backends = route.kind === 'nginx' ? [route.primary, route.canary] : route.backends;
      for (const backend of backends) {
        const alert = backend && !backend.noEndpoints ? this.world.faultFor(backend.image).alert : undefined;
        if (!backend || !alert) continue;
        const labels = {
          __name__: 'ALERTS',
          alertname: alert,
          alertstate: 'firing',
          severity: 'critical',
          cluster: this.world.cluster,
          namespace: route.namespace,
          deployment: backend.deployment ?? backend.service,
        };
        firing.set(JSON.stringify(labels), labels);
        this.store.append(labels, t, 1);
      }
    }
    for (const [key, labels] of this.firing) if (!firing.has(key)) this.store.markStale(labels, t);
    this.firing = firing;
  }

  private emit(route: Route, t: number): void {
    if (route.kind === 'nginx') {
      const base = {
        ...NGINX_CONST,
        cluster: this.world.cluster,
        namespace: route.namespace,
        ingress: route.ingress,
        service: route.service,
      };
      this.emitNginx({ ...base, canary: '' }, this.step(route.primary), t);
      if (route.canary) {
        const upstream = `${route.namespace}-${route.canary.service}-${route.canary.port}`;
        this.emitNginx({ ...base, canary: upstream }, this.step(route.canary), t);
      }
      return;
    }
    for (const backend of route.backends) {
      const labels = {
        reporter: 'destination',
        cluster: this.world.cluster,
        source_workload: 'istio-ingressgateway',
        destination_workload: backend.deployment ?? backend.service,
        destination_workload_namespace: route.namespace,
        destination_service_name: backend.service,
        destination_service_namespace: route.namespace,
        request_protocol: 'http',
      };
      this.emitIstio(labels, this.step(backend), t);
    }
  }

  private counters(name: string, statusLabel: string, labels: Labels, s: Step, t: number): void {
    this.store.increment({ ...labels, __name__: name, [statusLabel]: s.status }, t, s.requests - s.errors);
    this.store.increment({ ...labels, __name__: name, [statusLabel]: s.errorStatus }, t, s.errors);
  }

  private histogram(
    prefix: string,
    bounds: number[],
    toMs: number,
    labels: Labels,
    s: Step,
    t: number,
  ): void {
    for (const le of bounds) {
      const delta = s.requests * latencyCdf(le * toMs, s.medianMs);
      this.store.increment({ ...labels, __name__: `${prefix}_bucket`, le: String(le) }, t, delta);
    }
    this.store.increment({ ...labels, __name__: `${prefix}_bucket`, le: '+Inf' }, t, s.requests);
    this.store.increment({ ...labels, __name__: `${prefix}_count` }, t, s.requests);
    const meanMs = s.medianMs * Math.exp((SIGMA * SIGMA) / 2);
    this.store.increment({ ...labels, __name__: `${prefix}_sum` }, t, (s.requests * meanMs) / toMs);
  }

  private emitNginx(labels: Labels, s: Step, t: number): void {
    this.counters('nginx_ingress_controller_requests', 'status', labels, s, t);
    this.histogram('nginx_ingress_controller_request_duration_seconds', NGINX_BUCKETS_S, 1000, labels, s, t);
  }

  private emitIstio(labels: Labels, s: Step, t: number): void {
    this.counters('istio_requests_total', 'response_code', labels, s, t);
    this.histogram('istio_request_duration_milliseconds', ISTIO_BUCKETS_MS, 1, labels, s, t);
  }
}
