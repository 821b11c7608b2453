import { beforeEach, describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/activities/analysis.js';
import { entryCount } from '../../../shared/analysis/entries.js';
import type { CheckEvidence } from '../../../shared/analysis/judge.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { MetricsQuery } from '../../../shared/ports/metrics.js';
import { processRedactor } from '../../../shared/telemetry/registry.js';
import { FakeWorld } from '../../fakes/world.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import {
  AT,
  ERRORS,
  input,
  only,
  P95,
  ROUTER,
  script as scriptWorld,
  SUCCESS,
  VARIABLES,
} from './analysis-fixtures.js';

let world: FakeWorld;
let ports: Ports;
const script = (values: Parameters<typeof scriptWorld>[1]) => scriptWorld(world, values);

beforeEach(() => {
  world = new FakeWorld();
  ports = { metrics: world } as unknown as Ports;
  script({ 'request-rate': 5, 'request-success-rate': 97, 'request-duration': 200 });
});

const rateQueries = (): MetricsQuery[] => world.queries.filter((q) => q.template === 'request-rate');

describe('analyse: interval mode', () => {
  it('judges every metric against its range and its hard bounds, with the evidence of each', async () => {
    const checks = await analyse(ports, input());
    expect(checks).toEqual([
      {
        name: 'success',
        kind: 'metric',
        evaluatedAt: AT,
        window: 60_000,
        minRequests: 100,
        min: 99,
        max: undefined,
        query: 'request-success-rate{namespace="prod"}',
        value: 97,
        requests: 300,
        verdict: 'fail',
        reason: '97 < min 99',
      },
      {
        name: 'success',
        kind: 'fail-fast',
        evaluatedAt: AT,
        window: 60_000,
        minRequests: 100,
        min: 95,
        query: 'request-success-rate{namespace="prod"}',
        value: 97,
        requests: 300,
        verdict: 'pass',
      },
      {
        name: 'p95',
        kind: 'metric',
        evaluatedAt: AT,
        window: 120_000,
        minRequests: 100,
        min: undefined,
        max: 500,
        query: 'request-duration{namespace="prod"}',
        value: 200,
        requests: 600,
        verdict: 'pass',
      },
    ]);
  });

  it('asks for the request count once per distinct window, at the same time, for the judged side', async () => {
    await analyse(
      ports,
      input({ metrics: [SUCCESS, P95, { ...P95, name: 'p99' }, { ...SUCCESS, name: 'ok2' }] }),
    );
    const rates = rateQueries();
    expect(rates.map((q) => q.window).sort()).toEqual([120_000, 60_000].sort());
    for (const q of rates) {
      expect(q).toMatchObject({ templateKind: 'ref', at: AT, router: ROUTER, variables: VARIABLES });
      expect(q.metricVariables).toEqual({});
    }
    world.queries.length = 0;
    await analyse(ports, input({ metrics: [SUCCESS], side: 'primary' }));
    expect(rateQueries().map((q) => q.metricVariables)).toEqual([{ side: 'primary' }]);
    expect(world.queries.find((q) => q.template === 'request-success-rate')?.metricVariables).toEqual({
      side: 'primary',
    });
  });

  it.each<[string, number | null, number, CheckEvidence['verdict']]>([
    ['rate × window', 0.5, 30, 'inconclusive'],
    ['rounded to a thousandth of a request', 1 / 3, 20, 'inconclusive'],
    ['enough traffic', 100 / 60, 100, 'fail'],
    ['no series is no traffic', null, 0, 'inconclusive'],
    ['0/0 is no traffic', NaN, 0, 'inconclusive'],
  ])('requests = %s', async (_label, rate, requests, verdict) => {
    script({ 'request-rate': rate, 'request-success-rate': 97, 'request-duration': 200 });
    const [metric] = await analyse(ports, input({ metrics: [SUCCESS] }));
    expect(metric).toMatchObject({ kind: 'metric', requests, verdict });
    if (verdict === 'inconclusive') expect(metric?.reason).toMatch(/too few requests in the window/);
  });

  it.each([
    // minRequests given, whether requests are counted, the interval check (97 < min 99)
    [0, false, { verdict: 'fail', minRequests: 0 }],
    // Left out: the one default (1), never 0: the window's requests are counted (5/s × 60 s = 300).
    [undefined, true, { verdict: 'fail', minRequests: 1, requests: 300 }],
    [1000, true, { verdict: 'inconclusive', minRequests: 1000, requests: 300 }],
  ] as const)('minRequests %s: requests counted: %s, then %j', async (minRequests, counted, check) => {
    const checks = await analyse(ports, input({ minRequests }));
    expect(rateQueries().length > 0).toBe(counted);
    const metricChecks = checks.filter((c) => c.kind === 'metric' || c.kind === 'fail-fast');
    expect(metricChecks.every((c) => 'requests' in c === counted)).toBe(true);
    expect(only(checks, 'success', 'metric')[0]).toMatchObject(check);
  });
});

describe('analyse: fast mode', () => {
  it('checks only the hard bounds (and alerts), counting requests for those windows only', async () => {
    world.firing = [{ alertname: 'HighErrorRate', severity: 'critical' }];
    const checks = await analyse(
      ports,
      input({
        mode: 'fast',
        alerts: { matchers: { severity: 'critical' } },
        baseline: {
          step: 10_000,
          metrics: [{ metric: 'success', direction: 'decrease-is-bad', tolerance: 0.1, alpha: 0.05 }],
        },
      }),
    );
    expect(checks.map((c) => `${c.kind}:${c.name}:${c.verdict}`)).toEqual([
      'fail-fast:success:pass',
      'alerts:alerts:fail',
    ]);
    expect(rateQueries().map((q) => q.window)).toEqual([60_000]);
    expect(world.queries.some((q) => q.template === 'request-duration')).toBe(false);
  });

  it('returns nothing to judge when no metric has hard bounds and there are no alerts', async () => {
    expect(await analyse(ports, input({ mode: 'fast', metrics: [P95] }))).toEqual([]);
    expect(world.queries).toEqual([]);
  });

  it('breaches a hard bound', async () => {
    script({ 'request-rate': 5, 'request-success-rate': 40 });
    const [check] = await analyse(ports, input({ mode: 'fast' }));
    expect(check).toMatchObject({
      kind: 'fail-fast',
      verdict: 'fail',
      reason: 'hard bound breached: 40 < min 95',
    });
  });

  it("writes the round's fast-check entry itself when asked, once per seq", async () => {
    const store = new MemoryRunStore();
    const withStore = { metrics: world, store } as unknown as Ports;
    script({ 'request-rate': 5, 'request-success-rate': 40 });
    const record = {
      deploymentId: 'apigateway-0123456789ab',
      service: 'ApiGateway',
      seqs: [7],
      at: AT,
      weight: 10,
    };
    const checks = await analyse(withStore, input({ mode: 'fast', record }));
    // A retried activity writes the same seq: still one entry.
    await analyse(withStore, input({ mode: 'fast', record }));
    const entries = await store.listEvents(record.deploymentId);
    expect(entries).toEqual([
      {
        deploymentId: record.deploymentId,
        seq: 7,
        at: AT,
        kind: 'check',
        title: 'fast-check',
        verdict: 'fail',
        comment: 'success: hard bound breached: 40 < min 95',
        evidence: { mode: 'fast', weight: 10, checks },
      },
    ]);
  });

  it('writes one entry per interval check at the seqs the orchestration reserved from the spec', async () => {
    const store = new MemoryRunStore();
    const withStore = { metrics: world, store } as unknown as Ports;
    const spec = {
      metrics: [SUCCESS, P95, ERRORS],
      alerts: { matchers: { severity: 'critical' } },
      baseline: {
        step: 10_000,
        metrics: [
          { metric: 'errors', direction: 'increase-is-bad' as const, tolerance: 0.25, alpha: 0.05 },
          { metric: 'gone', direction: 'increase-is-bad' as const, tolerance: 0.25, alpha: 0.05 },
        ],
      },
    };
    const count = entryCount({ steps: [], interval: 60_000, threshold: 1, ...spec }, 'interval');
    const seqs = Array.from({ length: count }, (_, i) => 100 + i);
    const record = {
      deploymentId: 'apigateway-0123456789ab',
      service: 'ApiGateway',
      seqs,
      at: AT,
      weight: 25,
    };
    const checks = await analyse(withStore, input({ ...spec, record }));
    expect(checks).toHaveLength(count);
    const entries = await store.listEvents(record.deploymentId);
    expect(entries.map((e) => [e.seq, e.title])).toEqual([
      [100, 'check:success'],
      [101, 'fail-fast:success'],
      [102, 'check:p95'],
      [103, 'check:errors'],
      [104, 'check:baseline:errors'],
      [105, 'check:alerts'],
    ]);
    expect(entries[0]?.evidence).toMatchObject({ weight: 25, mode: 'interval', name: 'success' });
    // Fewer reserved seqs than checks is a bug: nothing is written and the activity throws.
    const other = { ...record, deploymentId: 'apigateway-ba9876543210', seqs: [1, 2] };
    await expect(analyse(withStore, input({ ...spec, record: other }))).rejects.toThrow(
      'analysis wrote 6 entries for 2 reserved sequence numbers',
    );
    expect(await store.listEvents(other.deploymentId)).toEqual([]);
  });
});

describe('analyse: provider errors are inconclusive, flagged, never thrown', () => {
  it('a provider error quoting a secret is redacted before it becomes a reason', async () => {
    processRedactor().remember('prom-bearer-5c1f0e9d');
    world.metricsOutage = new Error('401 from proxy echoing prom-bearer-5c1f0e9d');
    const [check] = await analyse(ports, input({ metrics: [P95] }));
    expect(check?.reason).toBe('provider error: 401 from proxy echoing [redacted]');
  });

  it('a Prometheus outage makes every check inconclusive with error: true', async () => {
    world.metricsOutage = new Error('connect ECONNREFUSED 10.0.0.9:9090');
    const checks = await analyse(
      ports,
      input({
        metrics: [SUCCESS, P95, ERRORS],
        alerts: { matchers: { severity: 'critical' } },
        baseline: {
          step: 10_000,
          metrics: [{ metric: 'errors', direction: 'increase-is-bad', tolerance: 0.25, alpha: 0.05 }],
        },
      }),
    );
    expect(checks.map((c) => `${c.kind}:${c.name}`)).toEqual([
      'metric:success',
      'fail-fast:success',
      'metric:p95',
      'metric:errors',
      'baseline:baseline:errors',
      'alerts:alerts',
    ]);
    for (const c of checks)
      expect(c, c.name).toMatchObject({
        verdict: 'inconclusive',
        error: true,
        value: null,
        reason: 'provider error: connect ECONNREFUSED 10.0.0.9:9090',
      });
    expect(only(checks, 'errors', 'metric')[0]?.query).toBe('error-count');
    expect(only(checks, 'alerts', 'alerts')[0]?.query).toBe('ALERTS');
  });

  it("a failing request count makes that window's checks errors, other windows are judged", async () => {
    world.metric = (q) => {
      if (q.template === 'request-rate' && q.window === 60_000) throw new Error('query timed out');
      return q.template === 'request-rate' ? 5 : q.template === 'request-duration' ? 200 : 97;
    };
    const checks = await analyse(ports, input());
    expect(only(checks, 'success', 'metric')[0]).toMatchObject({
      verdict: 'inconclusive',
      error: true,
      reason: 'provider error: query timed out',
    });
    expect(only(checks, 'success', 'fail-fast')[0]).toMatchObject({ error: true });
    expect(only(checks, 'p95', 'metric')[0]).toMatchObject({ verdict: 'pass', requests: 600 });
    expect(world.queries.some((q) => q.template === 'request-success-rate')).toBe(false);
  });

  it('a failing metric query is an error for that metric only', async () => {
    script({ 'request-rate': 5, 'request-success-rate': 97, 'request-duration': new Error('bad_data') });
    const checks = await analyse(ports, input());
    expect(only(checks, 'p95', 'metric')[0]).toMatchObject({
      error: true,
      reason: 'provider error: bad_data',
    });
    expect(only(checks, 'success', 'metric')[0]).toMatchObject({ verdict: 'fail' });
    expect(only(checks, 'success', 'metric')[0]).not.toHaveProperty('error');
  });
});
