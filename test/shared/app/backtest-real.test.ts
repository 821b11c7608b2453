import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../shared/adapters/prometheus.js';
import { backtest, parseBacktest, type BacktestView } from '../../../shared/app/backtest.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import { Orchestrations } from '../../orchestrations/harness.js';
import {
  realPrometheusAvailability,
  startRealPrometheus,
  type RealPrometheus,
} from '../adapters/prometheus-process.js';
import {
  config,
  DEGRADE_AT,
  FAIL_FAST,
  FLAGGER,
  LateMetrics,
  MIN,
  openMetrics,
} from '../analysis/degrading-canary.js';

/**
 * Backtesting (issue 17) against a real Prometheus backfilled with promtool: the canary of issue 6, which
 * degrades 7 minutes after its traffic starts (degrading-canary.ts has the data and the arithmetic).
 * First a recorded run: the canary orchestration on the virtual clock judging that history live. Then the
 * backtest of the same window, from the metrics alone, must take the same decision at the same time,
 * with the same verdicts, and report the failing checks and the rollback time.
 */

const REAL = realPrometheusAvailability('backtest-real');
const DIGEST = `sha256:${'8'.repeat(64)}`;

let o: Orchestrations | undefined;
let prometheus: RealPrometheus | undefined;
afterEach(async () => {
  await o?.close();
  await prometheus?.stop();
  o = undefined;
  prometheus = undefined;
});

/** A release of ApiGateway judged live on the backfilled history; S is when traffic reached the canary. */
async function recordedRun(canary: string) {
  const t0 = Math.floor((Date.now() - 4 * 3_600_000) / MIN) * MIN;
  const metrics = new LateMetrics();
  o = await Orchestrations.start({ startTime: t0, config: config(canary), ports: { metrics } });
  const d = await o.submit(`hearloveen.azurecr.io/api-gateway:3.0.0@${DIGEST}`);
  await o.completeTests(d.id);
  await o.waitForPhase(d.id, 'canary', 'next analysis');
  const first = (await o.ports.store.listEvents(d.id)).find((e) => e.title.startsWith('weight:'));
  const s = Date.parse(first?.at ?? '');
  prometheus = await startRealPrometheus(REAL.binaries(), openMetrics(s));
  metrics.set(new PrometheusMetrics({ baseUrl: prometheus.url, attempts: 1 }));
  const done = await o.finish(d.id);
  return { s, done, timeline: await o.ports.store.listEvents(d.id), ports: o.ports };
}

const iso = (ms: number) => new Date(ms).toISOString();
const checksOf = (timeline: TimelineEntry[]) =>
  timeline
    .filter((e) => e.title === 'check:request-success-rate')
    .map((e) => [e.evidence?.evaluatedAt, e.verdict, e.evidence?.kind]);
const tableOf = (view: BacktestView) =>
  view.checks.filter((c) => c.round === 'interval').map((c) => [c.at, c.verdict, c.kind]);

describe.skipIf(REAL.skip)('backtest of a canary degrading at minute 7 (real Prometheus)', () => {
  it('reproduces the recorded Flagger-style run: failing checks at minutes 8 and 9, rollback at 9', async () => {
    const { s, done, timeline, ports } = await recordedRun(FLAGGER);
    expect(done.state).toBe('RolledBack');
    const request = parseBacktest(
      ports,
      { service: 'apigateway', from: iso(s), to: iso(s + 20 * MIN) },
      Date.now(),
    );
    const view = await backtest(ports, request);
    // The decision, its time and its reason are the recorded run's, from the metrics alone.
    const rollback = timeline.find((e) => e.title === 'analysis:rollback');
    expect(view).toMatchObject({
      service: 'ApiGateway',
      spec: 'configured',
      outcome: 'rolled-back',
      at: rollback?.at,
      reason: done.reason,
      failedChecks: 2,
      rounds: 9,
    });
    expect(view.at).toBe(iso(s + 9 * MIN));
    expect(tableOf(view)).toEqual(checksOf(timeline));
    const failing = view.checks.filter((c) => c.verdict === 'fail');
    expect(failing.map((c) => [c.at, c.metric, c.weight, c.reason])).toEqual([
      [iso(s + 8 * MIN), 'request-success-rate', 40, '80 < min 99'],
      [iso(s + 9 * MIN), 'request-success-rate', 40, '80 < min 99'],
    ]);
    failing.forEach((c) => expect(c.value).toBeCloseTo(80, 9));
    expect(view.checks[0]).toMatchObject({ requests: 1200, step: 0, weight: 5 });
    expect(view.decisions.map((d) => d.action)).toEqual([
      ...Array<string>(7).fill('advance'),
      'hold',
      'rollback',
    ]);
  }, 120_000);

  it('reproduces the recorded fail-fast run: rollback at the fast check at minute 7:30', async () => {
    const { s, done, timeline, ports } = await recordedRun(FAIL_FAST);
    const view = await backtest(
      ports,
      parseBacktest(ports, { service: 'ApiGateway', from: iso(s), to: iso(s + 20 * MIN) }, Date.now()),
    );
    expect(view.outcome).toBe('rolled-back');
    expect(view.reason).toBe(done.reason);
    expect(view.at).toBe(iso(s + DEGRADE_AT + 30_000));
    expect(view.at).toBe(timeline.find((e) => e.title === 'weight:0')?.at);
    expect(tableOf(view).filter((c) => c[2] === 'metric')).toEqual(checksOf(timeline));
    const fast = view.checks.filter((c) => c.round === 'fast');
    expect(fast).toHaveLength(7 * 3 + 2);
    expect(fast.at(-1)).toMatchObject({ kind: 'fail-fast', verdict: 'fail', at: view.at });
    expect(fast.at(-1)?.value).toBeCloseTo(90, 9);
  }, 120_000);

  it('judges another spec sent with the request on the same history: a looser bound promotes', async () => {
    const { s, ports } = await recordedRun(FLAGGER);
    const looser = {
      interval: '1m',
      threshold: 2,
      stepWeight: 25,
      maxWeight: 50,
      minRequests: 100,
      metrics: [
        { name: 'request-success-rate', templateRef: 'request-success-rate', thresholdRange: { min: 75 } },
      ],
    };
    const view = await backtest(
      ports,
      parseBacktest(
        ports,
        { service: 'ApiGateway', from: iso(s), to: iso(s + 20 * MIN), config: looser },
        Date.now(),
      ),
    );
    expect(view).toMatchObject({ spec: 'request', outcome: 'passed', at: iso(s + 2 * MIN), rounds: 2 });
    // Read as the service reads its Prometheus: ApiGateway is a train over two clusters, so the spec
    // sent without a provider still matches the production cluster's series only.
    expect(view.checks.length).toBeGreaterThan(0);
    for (const c of view.checks) expect(c.query).toContain('cluster="hearloveen-aks-prod"');
    expect(view.decisions.map((d) => [d.action, d.weight])).toEqual([
      ['advance', 25],
      ['promote', 50],
    ]);
    // A window ending before the decision leaves it open; the degraded minutes are judged as such.
    const late = await backtest(
      ports,
      parseBacktest(
        ports,
        {
          service: 'ApiGateway',
          from: iso(s + 7 * MIN),
          to: iso(s + 8 * MIN + 30_000),
          config: {
            ...looser,
            metrics: [{ ...looser.metrics[0], thresholdRange: { min: 99 } }],
          },
        },
        Date.now(),
      ),
    );
    expect(late).toMatchObject({ outcome: 'undetermined', rounds: 1, failedChecks: 1 });
    expect(late.checks[0]).toMatchObject({ at: iso(s + 8 * MIN), verdict: 'fail' });
  }, 120_000);
});
