import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../devhost/durable/clock.js';
import { startPrometheusSandbox, type PrometheusSandbox } from '../../../sandbox/prometheus.js';
import { SandboxWorld } from '../../../sandbox/world.js';
import { PrometheusMetrics } from '../../../shared/adapters/prometheus.js';
import type { RouterSpec } from '../../../shared/contracts/plan.js';
import type { MetricsQuery } from '../../../shared/ports/metrics.js';
import {
  CANARY,
  expectedQuantile,
  expectedSuccessRate,
  HOSTILE_NAMESPACE,
  ISTIO_LE,
  NAMESPACE,
  NGINX_LE,
  openMetrics,
  PRIMARY,
  type Side,
} from './prometheus-data.js';
import {
  realPrometheusAvailability,
  startRealPrometheus,
  type RealPrometheus,
} from './prometheus-process.js';

/**
 * The built-in templates and the adapter against a real Prometheus (Debian's 2.42 in CI), fed by
 * `promtool tsdb create-blocks-from openmetrics`; then the sandbox Prometheus loaded with the same text
 * must give the same numbers. Outside CI a machine without Prometheus skips this file; in CI it fails.
 */

const REAL = realPrometheusAvailability('prometheus-real');

const NGINX: RouterSpec = { kind: 'nginx', ingress: 'web', canaryIngress: 'web-canary' };
const MESH: RouterSpec = {
  kind: 'gateway-api',
  route: 'web',
  primaryBackend: PRIMARY,
  canaryBackend: CANARY,
};
const ROUTERS: Array<[string, RouterSpec]> = [
  ['nginx', NGINX],
  ['gateway-api (istio)', MESH],
];
/** Data starts 3 h back: older than promtool's 2 h block range, well inside the 15 d retention. */
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
const at = (minute: number): string => new Date(T0 + minute * 60_000).toISOString();

function query(
  template: string,
  router: RouterSpec,
  minute: number,
  windowMin: number,
  extra: Record<string, string> = {},
  namespace = NAMESPACE,
): MetricsQuery {
  return {
    template,
    variables: { namespace, target: PRIMARY, canary: CANARY, service: 'web' },
    metricVariables: extra,
    router,
    window: windowMin * 60_000,
    at: at(minute),
  };
}

let prometheus: RealPrometheus | undefined;
let real: PrometheusMetrics;
let realGet: PrometheusMetrics;
let sandbox: PrometheusSandbox;
let fromSandbox: PrometheusMetrics;

/** Values are equal when both are no data, both NaN, or within 1e-9 relative. */
function same(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

describe.skipIf(REAL.skip)('Prometheus adapter and built-in templates against a real Prometheus', () => {
  beforeAll(async () => {
    const text = openMetrics(T0);
    prometheus = await startRealPrometheus(REAL.binaries(), text);
    const url = prometheus.url;
    real = new PrometheusMetrics({ baseUrl: url, attempts: 1 });
    realGet = new PrometheusMetrics({ baseUrl: url, method: 'GET', attempts: 1 });
    const world = new SandboxWorld(new VirtualClock(T0 + 40 * 60_000));
    sandbox = await startPrometheusSandbox(world, { traffic: false, openMetrics: text });
    fromSandbox = new PrometheusMetrics({ baseUrl: sandbox.url, attempts: 1 });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await sandbox?.close();
  });

  const successCases: Array<[Side, number, number, string]> = [
    ['canary', 15, 5, 'healthy canary'],
    ['canary', 25, 4, 'degraded canary'],
    ['primary', 15, 10, 'primary across a counter reset'],
    ['primary', 30, 3, 'primary after the rollback'],
  ];

  describe.each(ROUTERS)('%s', (_name, router) => {
    it.each(successCases)(
      'request-success-rate of the %s at minute %d over %d min (%s)',
      async (side, minute, w) => {
        const sample = await real.query(query('request-success-rate', router, minute, w, { side }));
        expect(sample.value).toBeCloseTo(expectedSuccessRate(side, minute - w, minute), 9);
        expect(sample.evaluatedAt).toBe(at(minute));
        expect(sample.query).toContain(
          router.kind === 'nginx' ? 'nginx_ingress_controller_requests' : 'istio_requests_total',
        );
      },
    );

    it.each([
      ['canary', 15, 5, '0.95'],
      ['canary', 15, 5, '0.99'],
      ['canary', 25, 4, '0.95'],
      ['canary', 25, 4, '0.99'],
      ['primary', 15, 10, '0.95'],
      ['primary', 30, 3, '0.5'],
    ] as Array<[Side, number, number, string]>)(
      'request-duration of the %s at minute %d over %d min, quantile %s, in ms',
      async (side, minute, w, quantile) => {
        const sample = await real.query(query('request-duration', router, minute, w, { side, quantile }));
        const bounds = router.kind === 'nginx' ? NGINX_LE : ISTIO_LE;
        const unit = router.kind === 'nginx' ? 1000 : 1;
        const expected = expectedQuantile(side, Number(quantile), minute - w, minute, bounds) * unit;
        expect(sample.value).toBeCloseTo(expected, 9);
      },
    );

    it('defaults the quantile to 0.95 and the side to the canary', async () => {
      const implicit = await real.query(query('request-duration', router, 25, 4));
      const explicit = await real.query(
        query('request-duration', router, 25, 4, { side: 'canary', quantile: '0.95' }),
      );
      expect(implicit.value).toBe(explicit.value);
      expect(implicit.value).toBeGreaterThan(100);
    });

    it('answers null (no data) for a window before any data and for an unknown namespace', async () => {
      for (const template of ['request-success-rate', 'request-duration'])
        for (const side of ['canary', 'primary']) {
          expect((await real.query(query(template, router, -60, 5, { side }))).value).toBeNull();
          expect((await real.query(query(template, router, 15, 5, { side }, 'staging'))).value).toBeNull();
        }
    });

    it('answers NaN (0/0) when the canary has series but no traffic in the window', async () => {
      for (const template of ['request-success-rate', 'request-duration']) {
        const sample = await real.query(query(template, router, 30, 3, { side: 'canary' }));
        expect(sample.value).toBeNaN();
      }
    });
  });

  it('escapes hostile names: an odd namespace matches itself, an injection attempt matches nothing', async () => {
    const odd = await real.query(query('request-success-rate', NGINX, 15, 5, {}, HOSTILE_NAMESPACE));
    expect(odd.value).toBe(100);
    const injection = await real.query(
      query('request-success-rate', NGINX, 15, 5, {}, '"} or vector(1) or {a="'),
    );
    expect(injection.value).toBeNull();
  });

  it('sends GET and POST alike', async () => {
    const q = query('request-duration', NGINX, 25, 4, { quantile: '0.99' });
    expect((await realGet.query(q)).value).toBe((await real.query(q)).value);
  });

  it('renders inline templates and maps Prometheus errors to codes', async () => {
    const inline = (template: string): MetricsQuery => ({
      ...query(template, NGINX, 15, 5),
      templateKind: 'query',
    });
    const total = await real.query(
      inline(
        'sum(rate(nginx_ingress_controller_requests{namespace="{{ namespace }}",ingress="{{ ingress }}"}[{{ interval }}]))',
      ),
    );
    expect(total.value).toBeCloseTo((1180 + 120) / 60, 9);
    // A syntax error never reaches Prometheus: the template is read with the PromQL grammar first.
    await expect(real.query(inline('sum(rate(x[{{ interval }}])'))).rejects.toMatchObject({
      code: 'template-invalid',
      retryable: false,
    });
    // A type error is Prometheus's to find.
    await expect(real.query(inline('rate(sum(x))'))).rejects.toMatchObject({
      code: 'query-invalid',
      status: 400,
      errorType: 'bad_data',
      retryable: false,
    });
    await expect(
      real.query(
        inline('nginx_ingress_controller_requests + ignoring(status) nginx_ingress_controller_requests'),
      ),
    ).rejects.toMatchObject({ code: 'execution', status: 422, retryable: false });
    await expect(
      real.query(
        inline('sum by (status) (rate(nginx_ingress_controller_requests{namespace="{{ namespace }}"}[5m]))'),
      ),
    ).rejects.toMatchObject({ code: 'ambiguous-result' });
  });

  it('reads range queries (for baseline statistics)', async () => {
    const q = query('request-success-rate', NGINX, 0, 2, { side: 'canary' });
    const range = await real.queryRange(q, { start: at(10), end: at(25), stepMs: 60_000 });
    expect(range.samples).toHaveLength(16);
    expect(range.samples[0]).toEqual({ at: at(10), value: expectedSuccessRate('canary', 8, 10) });
    expect(range.samples.at(-1)?.value).toBeCloseTo(75, 9);
    const empty = await real.queryRange(q, { start: at(-90), end: at(-60), stepMs: 60_000 });
    expect(empty.samples).toEqual([]);
  });

  describe('the sandbox Prometheus loaded with the same OpenMetrics text', () => {
    // Ratios and quantiles hide a rate extrapolation shared by all series; a plain rate does not.
    const NGINX_RATE =
      'sum(rate(nginx_ingress_controller_requests{namespace="{{ namespace }}"}[{{ interval }}]))';
    const MESH_RATE = 'sum(rate(istio_requests_total{destination_workload="{{ canary }}"}[{{ interval }}]))';
    const minutes = Array.from({ length: 47 }, (_, i) => -1.5 + i * 0.75);

    it.each(ROUTERS)(
      'gives the same numbers as Prometheus for every built-in template (%s)',
      async (_n, router) => {
        const mismatches: string[] = [];
        let compared = 0;
        for (const minute of minutes)
          for (const w of [1, 2, 5])
            for (const side of ['canary', 'primary'])
              for (const [template, quantile] of [
                ['request-success-rate', undefined],
                ['request-duration', '0.95'],
                ['request-duration', '0.99'],
                [router.kind === 'nginx' ? NGINX_RATE : MESH_RATE, undefined],
              ] as const) {
                const q = query(template, router, minute, w, { side, ...(quantile ? { quantile } : {}) });
                const [a, b] = await Promise.all([real.query(q), fromSandbox.query(q)]);
                compared++;
                if (!same(a.value, b.value))
                  mismatches.push(`${template} ${side} t=${minute} w=${w}: ${a.value} vs ${b.value}`);
              }
        expect(mismatches).toEqual([]);
        expect(compared).toBe(minutes.length * 3 * 2 * 4);
      },
    );

    it('gives the same range results and the same answers for edge cases', async () => {
      const q = query('request-success-rate', NGINX, 0, 3, { side: 'canary' });
      const range = { start: at(-2), end: at(31), stepMs: 30_000 };
      const [a, b] = await Promise.all([real.queryRange(q, range), fromSandbox.queryRange(q, range)]);
      expect(b.samples.map((s) => s.at)).toEqual(a.samples.map((s) => s.at));
      b.samples.forEach((s, i) => expect(same(s.value, a.samples[i]?.value ?? null), s.at).toBe(true));
      const hostile = query('request-success-rate', NGINX, 15, 5, {}, HOSTILE_NAMESPACE);
      expect((await fromSandbox.query(hostile)).value).toBe(100);
    });
  });
});
