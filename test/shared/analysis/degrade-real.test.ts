import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../shared/adapters/prometheus.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import { Orchestrations } from '../../orchestrations/harness.js';
import {
  realPrometheusAvailability,
  startRealPrometheus,
  type RealPrometheus,
} from '../adapters/prometheus-process.js';
import { config, DEGRADE_AT, FAIL_FAST, FLAGGER, LateMetrics, MIN, openMetrics } from './degrading-canary.js';

/**
 * Acceptance (issue 6): a canary that degrades at minute 7 after its traffic starts gets its first
 * failing check at the right interval and is rolled back at the right one. The canary orchestration runs
 * from source on the virtual clock (in-process harness, fakes for everything but metrics); metrics come
 * from a real Prometheus backfilled with promtool, queried through the production adapter.
 *
 * The arithmetic. Traffic reaches the canary at S (the first `weight:` entry); the degradation starts at
 * D = S + 7 min. Prometheus "scrapes" every 15 s from S: 20 req/s at the canary (Flagger's load tester,
 * `hey -q 10 -c 2`, whatever the weight), all 200 until D, then 20 % 500s. The sample at D is the last
 * healthy one; the `status="500"` series appears only at D + 15 s (NGINX creates it on the first 500).
 * The check at t looks at `rate(...[1m])`: samples in [t − 60 s, t] (Prometheus 2 selects both ends).
 * - t = D (S + 7m): the window ends on the last healthy sample: 100 %.
 * - t = D + 15 s: the 500 series has one sample; `rate` needs two, so it is absent: still 100 %.
 * - t = D + 30 s: 500s at D+15 (60) and D+30 (120); Prometheus extrapolates back to the counter's zero
 *   point (15 s before its first sample, = D): 120 errors in the window = 2/s; 200s grew 300 + 300 + 240 +
 *   240 = 1080 in 60 s = 18/s. Success rate 18 / 20 = 90 %.
 * - t = D + 60 s (S + 8m) and later: the whole window is degraded: 16/s vs 4/s = 80 %.
 * Flagger semantics (threshold 2, no hard bounds): S + 1m … S + 7m pass (weight 5 → 40), S + 8m is the
 * first failed check (hold), S + 9m the second: rollback, interval × threshold after the first fully
 * degraded window. With a hard bound (min 95) checked every 15 s: the fast check at D + 30 s sees 90 %
 * and rolls back at S + 7m30s, 30 s after the fault.
 */

const REAL = realPrometheusAvailability('degrade-real');

let o: Orchestrations | undefined;
let prometheus: RealPrometheus | undefined;
afterEach(async () => {
  await o?.close();
  await prometheus?.stop();
  o = undefined;
  prometheus = undefined;
});

const DIGEST = `sha256:${'7'.repeat(64)}`;

/** Runs a release of ApiGateway against the backfilled history; returns S and the timeline. */
async function run(canary: string) {
  // Four hours back: the whole history is older than promtool's 2 h blocks and inside the retention.
  const t0 = Math.floor((Date.now() - 4 * 3_600_000) / MIN) * MIN;
  const metrics = new LateMetrics();
  o = await Orchestrations.start({ startTime: t0, config: config(canary), ports: { metrics } });
  const d = await o.submit(`hearloveen.azurecr.io/api-gateway:3.0.0@${DIGEST}`);
  await o.completeTests(d.id);
  await o.waitForPhase(d.id, 'canary', 'next analysis');
  const first = (await o.ports.store.listEvents(d.id)).find((e) => e.title.startsWith('weight:'));
  const s = Date.parse(first?.at ?? '');
  expect(first?.title).toBe('weight:5');
  prometheus = await startRealPrometheus(REAL.binaries(), openMetrics(s));
  metrics.set(new PrometheusMetrics({ baseUrl: prometheus.url, attempts: 1 }));
  const done = await o.finish(d.id);
  const timeline = await o.ports.store.listEvents(d.id);
  return { s, done, timeline, weights: o.world.weights };
}

const after = (s: number, e: TimelineEntry | undefined) => Date.parse(e?.at ?? '') - s;
const minutes = (...m: number[]) => m.map((x) => x * MIN);

describe.skipIf(REAL.skip)('a canary degrading at minute 7, judged by a real Prometheus', () => {
  it('Flagger semantics (threshold 2): first failing check at minute 8, rollback at minute 9', async () => {
    const { s, done, timeline, weights } = await run(FLAGGER);
    const checks = timeline.filter((e) => e.title === 'check:request-success-rate');
    expect(checks.map((c) => after(s, c))).toEqual(minutes(1, 2, 3, 4, 5, 6, 7, 8, 9));
    expect(checks.map((c) => c.verdict)).toEqual([...Array<string>(7).fill('pass'), 'fail', 'fail']);
    const values = checks.map((c) => c.evidence?.value as number);
    values.slice(0, 7).forEach((v) => expect(v).toBeCloseTo(100, 9));
    values.slice(7).forEach((v) => expect(v).toBeCloseTo(80, 9));
    expect(checks[0]?.evidence).toMatchObject({ requests: 1200, minRequests: 100, window: MIN });
    expect(checks[0]?.evidence?.query).toContain('canary!=""');
    const firstFail = checks.find((c) => c.verdict === 'fail');
    expect(after(s, firstFail)).toBe(8 * MIN);
    const rollback = timeline.find((e) => e.title === 'analysis:rollback');
    expect(after(s, rollback)).toBe(9 * MIN);
    expect(
      after(
        s,
        timeline.find((e) => e.title === 'weight:0'),
      ),
    ).toBe(9 * MIN);
    expect(timeline.filter((e) => e.title === 'fast-check')).toEqual([]);
    expect(weights).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 0]);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe(
      '2 failed checks reached the threshold of 2 (last: request-success-rate: 80 < min 99) at 40%',
    );
  }, 120_000);

  it('with a hard bound on a 15 s cadence: rollback at minute 7:30, 30 s after the fault', async () => {
    const { s, done, timeline, weights } = await run(FAIL_FAST);
    const checks = timeline.filter((e) => e.title === 'check:request-success-rate');
    expect(checks.map((c) => after(s, c))).toEqual(minutes(1, 2, 3, 4, 5, 6, 7));
    expect(new Set(checks.map((c) => c.verdict))).toEqual(new Set(['pass']));
    const fast = timeline.filter((e) => e.title === 'fast-check');
    // Three fast rounds inside each of the seven full intervals, then S + 7m15s and S + 7m30s.
    expect(fast).toHaveLength(7 * 3 + 2);
    const firstFail = timeline.find(
      (e) => (e.title === 'fast-check' || e.title.startsWith('check:')) && e.verdict === 'fail',
    );
    expect(after(s, firstFail)).toBe(DEGRADE_AT + 30_000);
    const evidence = firstFail?.evidence?.checks as Array<{ kind: string; value: number; verdict: string }>;
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatchObject({ kind: 'fail-fast', verdict: 'fail' });
    expect(evidence[0]?.value).toBeCloseTo(90, 9);
    const before = fast.find((e) => after(s, e) === DEGRADE_AT + 15_000);
    expect(before?.verdict).toBe('pass');
    expect((before?.evidence?.checks as Array<{ value: number }>)[0]?.value).toBeCloseTo(100, 9);
    expect(
      after(
        s,
        timeline.find((e) => e.title === 'weight:0'),
      ),
    ).toBe(DEGRADE_AT + 30_000);
    expect(weights).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 0]);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe('fail-fast: request-success-rate: hard bound breached: 90 < min 95 at 40%');
  }, 120_000);
});
