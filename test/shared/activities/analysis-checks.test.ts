import { beforeEach, describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/activities/analysis.js';
import type { Ports } from '../../../shared/ports/index.js';
import { FakeWorld } from '../../fakes/world.js';
import { AT, ERRORS, input, only, script as scriptWorld } from './analysis-fixtures.js';

/** The `analyse` activity's baseline comparison and firing-alerts checks. */

let world: FakeWorld;
let ports: Ports;
const script = (values: Parameters<typeof scriptWorld>[1]) => scriptWorld(world, values);

beforeEach(() => {
  world = new FakeWorld();
  ports = { metrics: world } as unknown as Ports;
  script({ 'request-rate': 5, 'request-success-rate': 97, 'request-duration': 200 });
});

describe('analyse: baseline comparison', () => {
  const spec = { metric: 'errors', direction: 'increase-is-bad', tolerance: 0.25, alpha: 0.05 } as const;

  it('compares canary and primary range samples over the metric window (Kayenta blind spot fails)', async () => {
    const start = Date.parse(AT) - 60_000;
    world.metric = (q) => {
      if (q.template !== 'error-count') throw new Error(`unexpected ${q.template}`);
      if (q.metricVariables?.side === 'primary') return 0;
      // One error on the canary 40 s into the window, none before or after.
      return Date.parse(q.at) - start === 40_000 ? 1 : 0;
    };
    const checks = await analyse(
      ports,
      input({ metrics: [ERRORS], minRequests: 0, baseline: { step: 10_000, metrics: [spec] } }),
    );
    const [baseline] = only(checks, 'baseline:errors', 'baseline');
    expect(baseline).toMatchObject({
      evaluatedAt: AT,
      window: 60_000,
      query: 'range:error-count\nrange:error-count',
      samples: { canary: [0, 0, 0, 0, 1, 0, 0], baseline: [0, 0, 0, 0, 0, 0, 0] },
      verdict: 'fail',
      reason: expect.stringMatching(/baseline is all zero and 1 canary value\(s\) above zero/),
      stats: { direction: 'increase-is-bad', tolerance: 0.25, alpha: 0.05 },
    });
    expect(baseline?.value).toBe(baseline?.stats?.shift);
    expect(only(checks, 'errors', 'metric')[0]).toMatchObject({ verdict: 'pass', value: 0 });
  });

  it('passes a canary that behaves like the primary, and skips a baseline naming no metric', async () => {
    world.metric = () => 2;
    const checks = await analyse(
      ports,
      input({
        metrics: [ERRORS],
        minRequests: 0,
        baseline: { step: 30_000, metrics: [spec, { ...spec, metric: 'gone' }] },
      }),
    );
    const compared = checks.filter((c) => c.kind === 'baseline');
    expect(compared).toHaveLength(1);
    expect(compared[0]).toMatchObject({
      verdict: 'pass',
      samples: { canary: [2, 2, 2], baseline: [2, 2, 2] },
      reason: 'canary and baseline are the same constant',
    });
  });

  it('is inconclusive when the canary has no samples', async () => {
    world.metric = (q) => (q.metricVariables?.side === 'primary' ? 1 : null);
    const checks = await analyse(
      ports,
      input({ metrics: [ERRORS], minRequests: 0, baseline: { step: 10_000, metrics: [spec] } }),
    );
    expect(only(checks, 'baseline:errors', 'baseline')[0]).toMatchObject({
      verdict: 'inconclusive',
      reason: 'no data for the canary',
      value: null,
    });
  });
});

describe('analyse: alerts', () => {
  const alerts = { matchers: { namespace: '{{ namespace }}', severity: 'critical' } };

  it('fails on firing alerts, names them, and keeps their labels as evidence', async () => {
    const firing = (labels: Record<string, string>) => ({
      namespace: 'prod',
      severity: 'critical',
      ...labels,
    });
    world.firing = [
      firing({ alertname: 'PodCrashLooping', pod: 'b' }),
      firing({ alertname: 'HighErrorRate' }),
      firing({ alertname: 'DiskFilling', severity: 'warning' }),
      firing({ alertname: 'OtherTeam', namespace: 'billing' }),
      firing({ alertname: 'PodCrashLooping', pod: 'a' }),
    ];
    const checks = await analyse(ports, input({ alerts }));
    expect(only(checks, 'alerts', 'alerts')).toEqual([
      {
        name: 'alerts',
        kind: 'alerts',
        evaluatedAt: AT,
        window: 0,
        query: 'ALERTS{alertstate="firing",namespace="prod",severity="critical"}',
        value: 3,
        alerts: [world.firing[0], world.firing[1], world.firing[4]],
        verdict: 'fail',
        reason: 'firing alert(s): HighErrorRate, PodCrashLooping',
      },
    ]);
  });

  it('passes when nothing fires, and has no alerts check without an alerts spec', async () => {
    expect(only(await analyse(ports, input({ alerts })), 'alerts', 'alerts')[0]).toMatchObject({
      verdict: 'pass',
      value: 0,
      alerts: [],
    });
    expect((await analyse(ports, input())).some((c) => c.kind === 'alerts')).toBe(false);
  });
});
