import type { TokenCredential } from '@azure/core-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../shared/adapters/prometheus.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import { config, FLAGGER, LateMetrics } from './degrading-canary.js';
import { Orchestrations } from '../../orchestrations/harness.js';
import {
  startAzureMonitorPrometheus,
  testToken,
  type AzureMonitorStandIn,
} from '../../fakes/azure-monitor-prometheus.js';

/**
 * The degrading canary of degrade-real.test.ts (20 req/s at the canary, 20 % 500s from minute 7),
 * judged through the Azure Monitor managed Prometheus provider: the pipeline file loaded in that mode,
 * the adapter with an Entra token for the managed Prometheus audience, the stand-in enforcing the
 * service's rules. Same verdicts, same rollback minute, as with a real Prometheus.
 *
 * The series are written in another casing than the built-in templates ask for (`Ingress="API-Gateway"`)
 * as the service may store them: only case-insensitive matching finds them.
 */

const MIN = 60_000;
const SCRAPE = 15_000;
// Azure Managed Prometheus labels every series with its cluster, which a train's built-ins match.
const LABELS = 'Namespace="HearLoveen-Prod",Ingress="API-Gateway",cluster="hearloveen-aks-prod"';
const CANARY_LABEL = 'canary="hearloveen-prod-api-gateway-canary-80"';

function openMetrics(s: number): string {
  const lines = ['# TYPE nginx_ingress_controller_requests unknown'];
  const per = (rps: number) => (rps * SCRAPE) / 1000;
  let ok = 0;
  let errors = 0;
  for (let t = s - 30 * MIN; t <= s + 20 * MIN; t += SCRAPE) {
    const n = (t - (s - 30 * MIN)) / SCRAPE;
    const series = (labels: string, value: number) =>
      lines.push(`nginx_ingress_controller_requests{${labels}} ${value} ${(t / 1000).toFixed(3)}`);
    series(`${LABELS},canary="",status="200"`, 1_000_000 + n * per(100));
    series(`${LABELS},canary="",status="503"`, 50 + n);
    if (t < s) continue;
    if (t > s + 7 * MIN) {
      errors += per(20) * 0.2;
      ok += per(20) * 0.8;
    } else if (t > s) ok += per(20);
    series(`${LABELS},${CANARY_LABEL},status="200"`, ok);
    if (errors > 0) series(`${LABELS},${CANARY_LABEL},status="500"`, errors);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

const credential: TokenCredential = {
  getToken: async () => ({ token: testToken(), expiresOnTimestamp: Date.now() + 3_600_000 }),
};

let o: Orchestrations | undefined;
let standIn: AzureMonitorStandIn | undefined;
afterEach(async () => {
  await o?.close();
  await standIn?.close();
  o = undefined;
  standIn = undefined;
});

const after = (s: number, e: TimelineEntry | undefined) => Date.parse(e?.at ?? '') - s;

describe('a canary degrading at minute 7, judged through Azure Monitor managed Prometheus', () => {
  it('first failing check at minute 8, rollback at minute 9 (Flagger semantics, threshold 2)', async () => {
    const t0 = Math.floor((Date.now() - 4 * 3_600_000) / MIN) * MIN;
    const metrics = new LateMetrics();
    o = await Orchestrations.start({
      startTime: t0,
      config: config(FLAGGER, { prometheusMode: 'azure-monitor' }),
      ports: { metrics },
    });
    const d = await o.submit(`hearloveen.azurecr.io/api-gateway:3.0.0@sha256:${'7'.repeat(64)}`);
    await o.completeTests(d.id);
    await o.waitForPhase(d.id, 'canary', 'next analysis');
    const first = (await o.ports.store.listEvents(d.id)).find((e) => e.title.startsWith('weight:'));
    const s = Date.parse(first?.at ?? '');
    standIn = await startAzureMonitorPrometheus(openMetrics(s));
    metrics.set(
      new PrometheusMetrics({
        baseUrl: standIn.url,
        mode: 'azure-monitor',
        auth: { kind: 'entra', credential },
        attempts: 1,
      }),
    );
    const done = await o.finish(d.id);
    const timeline = await o.ports.store.listEvents(d.id);
    const checks = timeline.filter((e) => e.title === 'check:request-success-rate');
    expect(checks.map((c) => after(s, c) / MIN)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(checks.map((c) => c.verdict)).toEqual([...Array<string>(7).fill('pass'), 'fail', 'fail']);
    const values = checks.map((c) => c.evidence?.value as number);
    values.slice(0, 7).forEach((v) => expect(v).toBeCloseTo(100, 9));
    values.slice(7).forEach((v) => expect(v).toBeCloseTo(80, 9));
    expect(checks[0]?.evidence).toMatchObject({ requests: 1200, minRequests: 100 });
    expect(
      after(
        s,
        timeline.find((e) => e.title === 'analysis:rollback'),
      ),
    ).toBe(9 * MIN);
    expect(o.world.weights).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 0]);
    expect(done.state).toBe('RolledBack');
    // Every query reached the service authenticated, and none was refused.
    expect(standIn.unauthorized).toBe(0);
    expect(standIn.queries.length).toBeGreaterThanOrEqual(18);
  }, 120_000);
});
