import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unconfigured } from '../../../functions/adapters.js';
import { analyse } from '../../../shared/activities/analysis.js';
import { AppInsightsMetrics } from '../../../shared/adapters/app-insights.js';
import { providerMetrics } from '../../../shared/adapters/metrics-providers.js';
import type { MetricCheck, MetricsProviderSpec } from '../../../shared/contracts/plan.js';
import type { Metrics } from '../../../shared/ports/metrics.js';
import type { Ports } from '../../../shared/ports/index.js';
import {
  appRequests,
  startLogsServer,
  type LogsServer,
  type RequestRow,
} from '../../fakes/logs-query-server.js';
import { input, VARIABLES } from './analysis-fixtures.js';

/**
 * The `analyse` activity on a service whose provider is Application Insights, with the metrics port as the
 * composition root wires it (functions/adapters.ts: `providerMetrics`, Prometheus unconfigured; the
 * adapter itself is built directly, as `modules.appInsights()` only resolves in the compiled app): every
 * query, the traffic count and the baseline's ranges reach the Logs query stand-in.
 */

const WORKSPACE = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const TOKEN = 'analysis-token';
const AT = Date.parse('2026-01-05T10:00:00.000Z');
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const PROVIDER: MetricsProviderSpec = {
  kind: 'app-insights',
  roleName: '{{ service }}',
  side: { by: 'pod' },
};
const SUCCESS: MetricCheck = {
  name: 'success',
  template: 'request-success-rate',
  templateKind: 'ref',
  min: 99,
  interval: 60_000,
  provider: PROVIDER,
};

/** Api: the canary fails 1 in 10 requests in the last 30 s, the primary none; 1 row a second each. */
function rows(): RequestRow[] {
  const out: RequestRow[] = [];
  for (let s = 1; s <= 120; s++) {
    const time = new Date(AT - s * 1000 + 1).toISOString();
    const base = { time, roleName: 'Api', resultCode: '200', success: true, durationMs: 50 };
    out.push({ ...base, roleInstance: 'api-6d5c4b3a2-abcde', itemCount: 10 });
    const failing = s <= 30;
    out.push({ ...base, roleInstance: 'api-canary-7e6d5c4b3-fghij', itemCount: failing ? 9 : 10 });
    if (failing)
      out.push({ ...base, roleInstance: 'api-canary-7e6d5c4b3-fghij', success: false, resultCode: '500' });
  }
  return out;
}

let server: LogsServer;
let ports: Ports;
beforeAll(async () => {
  const table = appRequests(rows());
  server = await startLogsServer({
    workspaceId: WORKSPACE,
    token: TOKEN,
    tables: () => ({ AppRequests: table }),
  });
  const metrics = providerMetrics(
    unconfigured<Metrics>('Prometheus', 'GANTRY_PROMETHEUS_URL'),
    new AppInsightsMetrics({ credential, workspaceId: WORKSPACE, endpoint: server.origin }),
  );
  ports = { metrics } as Ports;
});
afterAll(() => server.close());

describe('analyse on the app-insights provider (provider routing → Logs query API)', () => {
  it('judges the canary with its request count, and compares it with the primary step by step', async () => {
    const checks = await analyse(
      ports,
      input({
        metrics: [SUCCESS],
        router: undefined,
        baseline: {
          step: 15_000,
          metrics: [{ metric: 'success', direction: 'decrease-is-bad', tolerance: 0.01, alpha: 0.05 }],
        },
      }),
    );
    const metric = checks.find((c) => c.kind === 'metric');
    // Last minute: 30 s × 10 healthy + 30 s × (9 + 1 failed) = 600 requests, 30 failed: 95 %.
    expect(metric).toMatchObject({ verdict: 'fail', value: 95, requests: 600, minRequests: 100 });
    expect(metric?.query).toContain("AppRoleInstance startswith 'api-canary-'");
    const baseline = checks.find((c) => c.kind === 'baseline');
    expect(baseline?.error).toBeUndefined();
    // Five steps (t − 60 s … t) per side; the primary is 100 % at every one.
    expect(baseline?.samples?.baseline).toEqual([100, 100, 100, 100, 100]);
    expect(baseline?.samples?.canary.at(-1)).toBe(95);
    expect(baseline?.samples?.canary[0]).toBe(100);
    expect(new Set(server.received.map((r) => r.query.split('\n')[0]))).toEqual(new Set(['AppRequests']));
  });

  it('verification (the primary side) and a provider error as evidence, not a throw', async () => {
    const primary = await analyse(ports, input({ metrics: [SUCCESS], side: 'primary', router: undefined }));
    expect(primary.find((c) => c.kind === 'metric')).toMatchObject({
      verdict: 'pass',
      value: 100,
      requests: 600, // 60 rows of ItemCount 10
    });
    const broken: MetricCheck = { ...SUCCESS, template: 'AppRequests | take 1', templateKind: 'query' };
    const failed = await analyse(ports, input({ metrics: [broken], minRequests: 0, variables: VARIABLES }));
    expect(failed[0]).toMatchObject({ verdict: 'inconclusive', error: true });
    expect(failed[0]?.reason).toMatch(/^provider error: .*BadArgumentError/);
  });
});
