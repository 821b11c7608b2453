import type { TokenCredential } from '@azure/core-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { AppInsightsMetrics } from '../../../shared/adapters/app-insights.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import {
  appRequests,
  startLogsServer,
  type LogsServer,
  type RequestRow,
} from '../../fakes/logs-query-server.js';
import { config, LateMetrics } from './degrading-canary.js';
import { Orchestrations } from '../../orchestrations/harness.js';

/**
 * The degrading canary of degrade-real.test.ts, judged through Application Insights: the canary
 * orchestration runs from source on the virtual clock, the analysis activity's metrics port is the
 * production adapter (the real `LogsQueryClient`), and the Logs query stand-in evaluates the built-in
 * KQL over AppRequests rows written as Application Insights stores them.
 *
 * The rows. From S (the first `weight:` entry) the canary's pods serve 20 requests a second, recorded as
 * one sampled row a second with `ItemCount` 20 (a 5 % sampling rate would look the same), 100 ms each.
 * From D = S + 7 min on (rows after D) a second row a second records 4 failed requests (`Success`
 * false, 503), and every request takes 900 ms. The primary serves 100/s all along, a few of them failed,
 * at 1 s: none of that may reach the canary's numbers. A check at t reads `(t - 1m, t]`:
 * - t = S + 1m … S + 7m: 1200 requests, 100 %, p95 100 ms: pass (weights 5 … 40).
 * - t = S + 8m and S + 9m: 1200 requests, 16/20 = 80 %, p95 900 ms: fail, fail → rollback at S + 9m.
 */

const MIN = 60_000;
const DEGRADE_AT = 7 * MIN;
const WORKSPACE = '6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d';
const TOKEN = 'logs-token';
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function rows(s: number): RequestRow[] {
  const out: RequestRow[] = [];
  const canary = 'api-gateway-canary-7f9c8d6b5-k2p9x';
  const primary = 'api-gateway-5b7d9c8f6-w3m4n';
  for (let t = s - 30 * MIN; t <= s + 20 * MIN; t += 1000) {
    const time = new Date(t).toISOString();
    const row = { time, roleName: 'api-gateway', resultCode: '200', success: true };
    out.push({ ...row, roleInstance: primary, durationMs: 1000, itemCount: 97 });
    out.push({
      ...row,
      roleInstance: primary,
      durationMs: 1000,
      itemCount: 3,
      success: false,
      resultCode: '500',
    });
    if (t <= s) continue;
    const degraded = t > s + DEGRADE_AT;
    out.push({
      ...row,
      roleInstance: canary,
      durationMs: degraded ? 900 : 100,
      itemCount: degraded ? 16 : 20,
    });
    if (degraded)
      out.push({
        ...row,
        roleInstance: canary,
        durationMs: 900,
        itemCount: 4,
        success: false,
        resultCode: '503',
      });
  }
  return out;
}

const CANARY = `  canary:
    interval: 1m
    threshold: 2
    maxWeight: 50
    stepWeight: 5
    minRequests: 100
    provider:
      kind: app-insights
      workspaceId: ${WORKSPACE}
      roleName: api-gateway
    metrics:
      - name: request-success-rate
        thresholdRange: { min: 99 }
        interval: 1m
      - name: request-duration-p95
        templateRef: request-duration
        templateVariables: { quantile: '0.95' }
        thresholdRange: { max: 500 }
        interval: 1m`;

let o: Orchestrations | undefined;
let server: LogsServer | undefined;
afterEach(async () => {
  await o?.close();
  await server?.close();
  o = undefined;
  server = undefined;
});

const DIGEST = `sha256:${'8'.repeat(64)}`;
const after = (s: number, e: TimelineEntry | undefined) => Date.parse(e?.at ?? '') - s;
const minutes = (...m: number[]) => m.map((x) => x * MIN);

describe('a canary degrading at minute 7, judged through Application Insights', () => {
  it('passes while healthy, fails on success rate and p95 from minute 8, rolls back at minute 9', async () => {
    const t0 = Math.floor(Date.UTC(2026, 11, 7, 2) / MIN) * MIN;
    const metrics = new LateMetrics();
    o = await Orchestrations.start({ startTime: t0, config: config(CANARY), ports: { metrics } });
    const d = await o.submit(`hearloveen.azurecr.io/api-gateway:3.1.0@${DIGEST}`);
    await o.completeTests(d.id);
    await o.waitForPhase(d.id, 'canary', 'next analysis');
    const first = (await o.ports.store.listEvents(d.id)).find((e) => e.title.startsWith('weight:'));
    const s = Date.parse(first?.at ?? '');
    expect(first?.title).toBe('weight:5');
    const table = appRequests(rows(s));
    server = await startLogsServer({
      workspaceId: WORKSPACE,
      token: TOKEN,
      tables: () => ({ AppRequests: table }),
    });
    metrics.set(new AppInsightsMetrics({ credential, endpoint: server.origin, maxRetries: 0 }));
    const done = await o.finish(d.id);
    const timeline = await o.ports.store.listEvents(d.id);

    const success = timeline.filter((e) => e.title === 'check:request-success-rate');
    const latency = timeline.filter((e) => e.title === 'check:request-duration-p95');
    expect(success.map((c) => after(s, c))).toEqual(minutes(1, 2, 3, 4, 5, 6, 7, 8, 9));
    const verdicts = [...Array<string>(7).fill('pass'), 'fail', 'fail'];
    expect(success.map((c) => c.verdict)).toEqual(verdicts);
    expect(latency.map((c) => c.verdict)).toEqual(verdicts);
    expect(success.map((c) => c.evidence?.value)).toEqual([...Array<number>(7).fill(100), 80, 80]);
    expect(latency.map((c) => c.evidence?.value)).toEqual([...Array<number>(7).fill(100), 900, 900]);
    expect(success[0]?.evidence).toMatchObject({ requests: 1200, minRequests: 100, window: MIN });
    expect(success[0]?.evidence?.query).toContain("AppRoleInstance startswith 'api-gateway-canary-'");
    expect(
      after(
        s,
        timeline.find((e) => e.title === 'analysis:rollback'),
      ),
    ).toBe(9 * MIN);
    expect(
      after(
        s,
        timeline.find((e) => e.title === 'weight:0'),
      ),
    ).toBe(9 * MIN);
    expect(o.world.weights).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 0]);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe(
      '2 failed checks reached the threshold of 2 (last: request-success-rate: 80 < min 99) at 40%',
    );
    // Every query went to the configured workspace, with the window the check was taken at.
    expect(server.received.length).toBeGreaterThanOrEqual(27);
  }, 120_000);
});
