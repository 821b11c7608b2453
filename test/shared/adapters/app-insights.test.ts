import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppInsightsError, AppInsightsMetrics } from '../../../shared/adapters/app-insights.js';
import type { MetricsProviderSpec } from '../../../shared/contracts/plan.js';
import type { MetricsQuery } from '../../../shared/ports/metrics.js';
import {
  appDependencies,
  appRequests,
  startLogsServer,
  type DependencyRow,
  type LogsServer,
  type RequestRow,
} from '../../fakes/logs-query-server.js';

/**
 * The adapter, through the real `@azure/monitor-query` client, against the Logs query stand-in, which
 * evaluates the rendered KQL over AppRequests/AppDependencies rows. The numbers below are worked out by
 * hand from the fixture, not read back from the adapter.
 */

const WORKSPACE = '3f1e0c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const TOKEN = 'entra-token-for-logs';
const END = Date.parse('2026-12-07T04:00:00.000Z');
const at = (secondsBefore: number) => new Date(END - secondsBefore * 1000).toISOString();
const scopes: string[] = [];
const credential: TokenCredential = {
  getToken: async (scope) => {
    scopes.push(String(scope));
    return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

const POD: MetricsProviderSpec = { kind: 'app-insights', roleName: '{{ service }}', side: { by: 'pod' } };
const CANARY_POD = 'orders-canary-5d8f7b9c4-x2k8p';
const PRIMARY_POD = 'orders-7c9d6f5b8-q4w7e';

let requests: RequestRow[] = [];
let dependencies: DependencyRow[] = [];
let server: LogsServer;

beforeAll(async () => {
  server = await startLogsServer({
    workspaceId: WORKSPACE,
    token: TOKEN,
    tables: () => ({ AppRequests: appRequests(requests), AppDependencies: appDependencies(dependencies) }),
    now: () => END,
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  server.failNext.length = 0;
  // Canary, in the last minute: 8 sampled rows standing for 2 requests each (16), 2 rows failed (4);
  // durations 10..80 ms. Outside the minute and of other pods or roles: rows that must not count.
  requests = [
    ...Array.from({ length: 8 }, (_, i) => ({
      time: at(5 + i * 6),
      roleName: 'orders',
      roleInstance: CANARY_POD,
      success: i >= 2,
      resultCode: i >= 2 ? '200' : '503',
      durationMs: (i + 1) * 10,
      itemCount: 2,
    })),
    {
      time: at(61),
      roleName: 'orders',
      roleInstance: CANARY_POD,
      success: false,
      resultCode: '500',
      durationMs: 999,
    },
    {
      time: at(10),
      roleName: 'billing',
      roleInstance: 'orders-canary-x',
      success: false,
      resultCode: '500',
      durationMs: 5,
    },
    ...Array.from({ length: 4 }, (_, i) => ({
      time: at(10 + i),
      roleName: 'orders',
      roleInstance: PRIMARY_POD,
      success: true,
      resultCode: '200',
      durationMs: 5,
    })),
  ];
  dependencies = [
    { ...base(3), target: 'sql', type: 'SQL', success: false },
    { ...base(4), target: 'sql', type: 'SQL' },
    { ...base(5), target: 'redis', type: 'Redis' },
    { ...base(6), target: 'redis', type: 'Redis' },
  ];
});

function base(s: number): DependencyRow {
  return {
    time: at(s),
    roleName: 'orders',
    roleInstance: CANARY_POD,
    success: true,
    resultCode: '0',
    durationMs: 3,
    target: '',
    type: '',
  };
}

const metrics = (extra: Partial<ConstructorParameters<typeof AppInsightsMetrics>[0]> = {}) =>
  new AppInsightsMetrics({
    credential,
    endpoint: server.origin,
    workspaceId: WORKSPACE,
    maxRetries: 0,
    ...extra,
  });

function q(template: string, over: Partial<MetricsQuery> = {}): MetricsQuery {
  return {
    template,
    variables: { namespace: 'shop', target: 'orders', canary: 'orders-canary', service: 'orders' },
    window: 60_000,
    at: new Date(END).toISOString(),
    provider: POD,
    ...over,
  };
}

describe('AppInsightsMetrics: built-in templates over the stand-in', () => {
  it('request success rate: sampled rows count ItemCount times; other roles, pods and minutes do not', async () => {
    const sample = await metrics().query(q('request-success-rate'));
    expect(sample.value).toBeCloseTo((100 * 12) / 16, 9);
    expect(sample.evaluatedAt).toBe(new Date(END).toISOString());
    expect(sample.query).toContain("AppRoleName == 'orders' and AppRoleInstance startswith 'orders-canary-'");
    expect(sample.query).toContain('TimeGenerated > datetime(2026-12-07T04:00:00.000Z) - 60s');
    const [request] = server.received;
    expect(request?.timespan).toBe('2026-12-07T03:59:00.000Z/2026-12-07T04:00:00.000Z');
    expect(scopes.at(-1)).toBe('https://api.loganalytics.io/.default');
  });

  it('the primary side: its own pods, never the canary pods that share its name prefix', async () => {
    const sample = await metrics().query(q('request-success-rate', { metricVariables: { side: 'primary' } }));
    expect(sample.value).toBe(100);
    const rate = await metrics().query(q('request-rate', { metricVariables: { side: 'primary' } }));
    expect(rate.value).toBeCloseTo(4 / 60, 12);
  });

  it('latency percentiles weighted by ItemCount: p50, p95 (default) and p99 from a quantile', async () => {
    const p = async (vars: Record<string, string>) =>
      (await metrics().query(q('request-duration', { metricVariables: vars }))).value;
    expect(await p({ quantile: '0.5' })).toBe(40);
    expect(await p({})).toBe(80);
    expect(await p({ percentile: '99' })).toBe(80);
    expect(await p({ quantile: '0.25' })).toBe(20);
  });

  it('request rate (per second) and dependency failure rate', async () => {
    expect((await metrics().query(q('request-rate'))).value).toBeCloseTo(16 / 60, 12);
    expect((await metrics().query(q('dependency-failure-rate'))).value).toBe(25);
  });

  it('selects by application version or by a custom dimension (pod label)', async () => {
    requests.forEach((r) => {
      r.version = r.roleInstance === CANARY_POD ? '2.0.0' : '1.9.0';
      r.properties = { 'k8s.pod.label.track': r.roleInstance === CANARY_POD ? 'canary' : 'stable' };
    });
    const byVersion: MetricsProviderSpec = {
      ...POD,
      side: { by: 'version', canary: '2.0.0', primary: '1.9.0' },
    };
    expect((await metrics().query(q('request-success-rate', { provider: byVersion }))).value).toBe(75);
    const byLabel: MetricsProviderSpec = {
      ...POD,
      side: { by: 'property', property: 'k8s.pod.label.track', canary: 'canary', primary: 'stable' },
    };
    const primary = await metrics().query(
      q('request-rate', { provider: byLabel, metricVariables: { side: 'primary' } }),
    );
    expect(primary.value).toBeCloseTo(4 / 60, 12);
    expect(primary.query).toContain("tostring(Properties['k8s.pod.label.track']) == 'stable'");
  });

  it('no requests: 0/0 is NaN (no traffic); a percentile of nothing is null (no data)', async () => {
    const later = { at: new Date(END + 3_600_000).toISOString() };
    expect((await metrics().query(q('request-success-rate', later))).value).toBeNaN();
    expect((await metrics().query(q('request-duration', later))).value).toBeNull();
    expect((await metrics().query(q('request-rate', later))).value).toBe(0);
  });

  it('an ingestion delay moves the window back: the check at END + 2m reads the minute before END', async () => {
    const late = { at: new Date(END + 120_000).toISOString(), provider: { ...POD, ingestionDelay: 120_000 } };
    const sample = await metrics().query(q('request-success-rate', late));
    expect(sample.value).toBeCloseTo(75, 9);
    expect(sample.evaluatedAt).toBe(late.at);
    expect(server.received.at(-1)?.timespan).toBe('2026-12-07T03:59:00.000Z/2026-12-07T04:00:00.000Z');
    const none = await metrics().query(q('request-success-rate', { at: late.at }));
    expect(none.value).toBeNaN();
  });

  it('a hostile value stays inside its string literal: it matches nothing instead of everything', async () => {
    const hostile = "orders' or AppRoleName != '";
    const sample = await metrics().query(
      q('request-rate', { variables: { ...q('x').variables, service: hostile } }),
    );
    expect(sample.value).toBe(0);
    expect(sample.query).toContain("AppRoleName == 'orders\\' or AppRoleName != \\''");
    const backslash = await metrics().query(
      q('request-rate', { variables: { ...q('x').variables, service: 'orders\\' } }),
    );
    expect(backslash.value).toBe(0);
  });

  it('a query of its own (KQL) with escaped placeholders, and a result that is not one row', async () => {
    const own = "AppRequests | where AppRoleName == '{{ service }}' | summarize value = count()";
    // 8 canary + 4 primary rows: the one 61 s back is outside the timespan the adapter sends.
    expect((await metrics().query(q(own, { templateKind: 'query' }))).value).toBe(12);
    const many = 'AppRequests | summarize value = count() by AppRoleName';
    await expect(metrics().query(q(many, { templateKind: 'query' }))).rejects.toMatchObject({
      code: 'ambiguous-result',
    });
    const none = "AppRequests | where AppRoleName == 'none' | summarize value = count() by AppRoleName";
    expect((await metrics().query(q(none, { templateKind: 'query' }))).value).toBeNull();
  });

  it('baseline ranges: one evaluation per step, each a window ending there', async () => {
    const range = await metrics().queryRange(q('request-rate'), {
      start: at(120),
      end: at(0),
      stepMs: 60_000,
    });
    expect(range.samples.map((s) => s.at)).toEqual([at(120), at(60), at(0)]);
    expect(range.samples.map((s) => s.value * 60)).toEqual([0, 1, 16].map((n) => expect.closeTo(n, 9)));
    await expect(
      metrics().queryRange(q('request-rate'), { start: at(3600), end: at(0), stepMs: 10_000 }),
    ).rejects.toMatchObject({ code: 'query-invalid' });
  });
});

describe('AppInsightsMetrics: provider errors', () => {
  it('a query the service cannot run is query-invalid, with its message', async () => {
    const error = await metrics()
      .query(
        q('AppRequests | where Name contains "x" | summarize value = count()', { templateKind: 'query' }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppInsightsError);
    expect(error).toMatchObject({ code: 'query-invalid', retryable: false });
    expect((error as Error).message).toContain('BadArgumentError');
  });

  it('a partial result (PartialFailure) is a provider error, not a value', async () => {
    server.failNext.push('partial');
    await expect(metrics().query(q('request-success-rate'))).rejects.toMatchObject({
      code: 'partial-result',
      message: expect.stringContaining('There were some errors when processing your query'),
    });
  });

  it('a refused token, an unknown workspace and a throttled service', async () => {
    const wrong: TokenCredential = {
      getToken: async () => ({ token: 'nope', expiresOnTimestamp: Date.now() + 60_000 }),
    };
    await expect(metrics({ credential: wrong }).query(q('request-rate'))).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const other = '00000000-0000-4000-8000-000000000000';
    await expect(
      metrics().query(q('request-rate', { provider: { ...POD, workspaceId: other } })),
    ).rejects.toMatchObject({ code: 'unexpected-response' });
    server.failNext.push({
      status: 429,
      body: { error: { code: 'ThrottledError', message: 'Too many requests' } },
    });
    await expect(metrics().query(q('request-rate'))).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
    });
  });

  it('refuses what it cannot do: alerts, no workspace, a non-https remote endpoint, a bad ID', async () => {
    await expect(metrics().firingAlerts({}, {}, at(0))).rejects.toMatchObject({ code: 'not-supported' });
    await expect(metrics({ workspaceId: undefined }).query(q('request-rate'))).rejects.toMatchObject({
      code: 'invalid-configuration',
    });
    expect(() => metrics({ endpoint: 'http://logs.example.com' })).toThrow(/must be https/);
    expect(() => metrics({ workspaceId: 'x' })).toThrow(/GUID/);
    await expect(metrics().query(q('request-rate', { provider: undefined }))).rejects.toMatchObject({
      code: 'invalid-configuration',
    });
    expect(server.received).toHaveLength(0);
  });
});
