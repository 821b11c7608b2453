import type { TokenCredential } from '@azure/core-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { PROMETHEUS_SCOPE, PrometheusError, PrometheusMetrics } from '../../../shared/adapters/prometheus.js';
import type { MetricsQuery } from '../../../shared/ports/metrics.js';
import {
  AUDIENCE,
  startAzureMonitorPrometheus,
  testToken,
  type AzureMonitorStandIn,
} from '../../fakes/azure-monitor-prometheus.js';

/**
 * The Prometheus adapter in Azure Monitor mode against a stand-in of the workspace query API that
 * enforces the service's documented rules (audience, one metric per selector, 32 days, case-insensitive
 * matching). The adapter refuses what the service would refuse before sending it.
 */

const T = Date.parse('2026-12-01T12:00:00Z');
const stamp = (ms: number) => (ms / 1000).toFixed(3);

/** A request counter stored in mixed case, as the service may return any casing of a series. */
const DATA = [
  '# TYPE http_requests_total counter',
  ...[0, 1, 2, 3, 4].map(
    (i) =>
      `http_requests_total{Namespace="HearLoveen-Prod",pod="web-1"} ${i * 600} ${stamp(T - (4 - i) * 15_000)}`,
  ),
  '# EOF',
  '',
].join('\n');

let standIn: AzureMonitorStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

function credential(aud = AUDIENCE, scopes: string[] = []): TokenCredential {
  return {
    getToken: async (scope) => {
      scopes.push(String(scope));
      return { token: testToken(aud), expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

const query = (template: string, at = new Date(T).toISOString()): MetricsQuery => ({
  template,
  templateKind: 'query',
  variables: { namespace: 'hearloveen-prod' },
  window: 60_000,
  at,
});

async function start(aud = AUDIENCE, scopes: string[] = []) {
  standIn = await startAzureMonitorPrometheus(DATA);
  const metrics = new PrometheusMetrics({
    baseUrl: standIn.url,
    mode: 'azure-monitor',
    auth: { kind: 'entra', credential: credential(aud, scopes) },
    attempts: 1,
  });
  return { standIn, metrics };
}

const form = (params: Record<string, string>) => ({
  method: 'POST',
  headers: { authorization: `Bearer ${testToken()}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(params).toString(),
});

describe('Azure Monitor managed Prometheus: the provider mode', () => {
  it('asks the identity for the managed Prometheus scope and reads case-insensitively matched series', async () => {
    const scopes: string[] = [];
    const { metrics } = await start(AUDIENCE, scopes);
    const sample = await metrics.query(
      query('sum(rate(http_requests_total{namespace="{{ namespace }}"}[{{ interval }}]))'),
    );
    expect(scopes).toEqual([PROMETHEUS_SCOPE]);
    expect(PROMETHEUS_SCOPE).toBe(`${AUDIENCE}/.default`);
    // 2400 requests over 60 s: 40/s, although the series is stored as Namespace="HearLoveen-Prod".
    expect(sample.value).toBeCloseTo(40, 9);
  });

  it('is refused (401) with a token for another audience, and without a token', async () => {
    const { standIn: s, metrics } = await start('https://management.azure.com');
    const error = await metrics
      .query(query('sum(http_requests_total{namespace="{{ namespace }}"})'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    const anonymous = await fetch(`${s.url}/api/v1/query?query=up`);
    expect(anonymous.status).toBe(401);
    expect(s.unauthorized).toBe(2);
  });

  it('needs Entra auth in this mode', () => {
    expect(
      () =>
        new PrometheusMetrics({
          baseUrl: 'https://x.eastus.prometheus.monitor.azure.com',
          mode: 'azure-monitor',
        }),
    ).toThrow(/Entra token/);
  });

  it('does not send a selector without a metric name; the service answers 400 to one', async () => {
    const { standIn: s, metrics } = await start();
    const error = await metrics.query(query('sum({namespace="{{ namespace }}"})')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'query-invalid', retryable: false });
    expect((error as Error).message).toMatch(/names no metric/);
    expect(s.queries).toEqual([]);
    const direct = await fetch(
      `${s.url}/api/v1/query`,
      form({ query: 'sum({namespace="x"})', time: stamp(T) }),
    );
    expect(direct.status).toBe(400);
    expect(await direct.json()).toMatchObject({
      status: 'error',
      errorType: 'bad_data',
      error: expect.stringMatching(/__name__/),
    });
  });

  it('does not send a query_range over 32 days (with its range selectors); the service answers 400 to one', async () => {
    const { standIn: s, metrics } = await start();
    const q = query('sum(rate(http_requests_total{namespace="{{ namespace }}"}[{{ interval }}]))');
    const day = 86_400_000;
    const range = (days: number) => ({
      start: new Date(T - days * day).toISOString(),
      end: new Date(T).toISOString(),
      stepMs: day,
    });
    const ok = await metrics.queryRange(q, range(31));
    expect(ok.samples.at(-1)?.value).toBeCloseTo(40, 9);
    // 32 days plus the 1m range selector is over the limit.
    const error = await metrics.queryRange(q, range(32)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'query-invalid' });
    expect((error as Error).message).toMatch(/at most 32 days/);
    expect(s.queries).toHaveLength(1);
    const direct = await fetch(
      `${s.url}/api/v1/query_range`,
      form({ query: 'http_requests_total', start: stamp(T - 33 * day), end: stamp(T), step: '1d' }),
    );
    expect(direct.status).toBe(400);
    expect(await direct.json()).toMatchObject({
      errorType: 'bad_data',
      error: expect.stringMatching(/32 days/),
    });
  });
});
