import { describe, expect, it } from 'vitest';
import {
  judgeAlerts,
  judgeBaseline,
  judgeFailFast,
  judgeMetric,
  judgeValue,
  trafficShortfall,
  type Bounds,
  type Judgement,
} from '../../../shared/analysis/judge.js';
import type { BaselineMetric, MetricCheck } from '../../../shared/contracts/plan.js';

const SUCCESS: MetricCheck = {
  name: 'request-success-rate',
  template: 'request-success-rate',
  min: 99,
  interval: 60_000,
  failFast: { min: 95 },
};

describe('trafficShortfall', () => {
  it.each<[string, number | null | undefined, number, string | undefined]>([
    ['request count not asked for', undefined, 100, undefined],
    ['enough requests', 250, 100, undefined],
    ['exactly minRequests is enough', 100, 100, undefined],
    ['one short', 99, 100, 'too few requests in the window (99 < minRequests 100)'],
    ['no traffic at all', 0, 1, 'too few requests in the window (0 < minRequests 1)'],
    ['fractional counts keep 4 digits', 2.5, 10, 'too few requests in the window (2.500 < minRequests 10)'],
    ['unknown request count', null, 100, 'request count unknown'],
    ['minRequests 0 never checks (zero requests)', 0, 0, undefined],
    ['minRequests 0 never checks (unknown count)', null, 0, undefined],
  ])('%s', (_label, requests, minRequests, expected) => {
    expect(trafficShortfall(requests, minRequests)).toBe(expected);
  });
});

describe('judgeValue: one value against bounds', () => {
  const both: Bounds = { min: 10, max: 20 };
  it.each<[string, Bounds, number | null, Judgement]>([
    ['inside', both, 15, { verdict: 'pass' }],
    ['on the min bound (bounds are inclusive)', both, 10, { verdict: 'pass' }],
    ['on the max bound', both, 20, { verdict: 'pass' }],
    ['below min', both, 9.5, { verdict: 'fail', reason: '9.500 < min 10' }],
    ['above max', both, 21, { verdict: 'fail', reason: '21 > max 20' }],
    ['min only, far above', { min: 99 }, 1e9, { verdict: 'pass' }],
    ['max only, far below', { max: 500 }, -3, { verdict: 'pass' }],
    ['+Inf above max', { max: 500 }, Infinity, { verdict: 'fail', reason: 'Infinity > max 500' }],
    ['no bounds at all', {}, 42, { verdict: 'pass' }],
    [
      'non-integers keep 4 significant digits',
      { min: 99 },
      97.123456,
      { verdict: 'fail', reason: '97.12 < min 99' },
    ],
    ['no series is no data', both, null, { verdict: 'inconclusive', reason: 'no data' }],
    ['0/0 is no traffic, not 0 %', both, NaN, { verdict: 'inconclusive', reason: 'no traffic (0/0)' }],
    [
      'a workload answering only 5xx scores 0 % and fails',
      { min: 99 },
      0,
      { verdict: 'fail', reason: '0 < min 99' },
    ],
  ])('%s', (_label, bounds, value, expected) => {
    expect(judgeValue(bounds, value)).toEqual(expected);
  });

  it.each<[string, { requests?: number | null; minRequests: number }, number | null, Judgement]>([
    [
      'too few requests wins over a failing value',
      { requests: 3, minRequests: 100 },
      0,
      { verdict: 'inconclusive', reason: 'too few requests in the window (3 < minRequests 100)' },
    ],
    [
      'too few requests wins over a passing value',
      { requests: 3, minRequests: 100 },
      100,
      { verdict: 'inconclusive', reason: 'too few requests in the window (3 < minRequests 100)' },
    ],
    [
      'unknown request count is inconclusive',
      { requests: null, minRequests: 100 },
      50,
      { verdict: 'inconclusive', reason: 'request count unknown' },
    ],
    [
      'enough requests: the value is judged',
      { requests: 100, minRequests: 100 },
      50,
      { verdict: 'fail', reason: '50 < min 99' },
    ],
    [
      'minRequests 0 judges an empty window',
      { requests: 0, minRequests: 0 },
      50,
      { verdict: 'fail', reason: '50 < min 99' },
    ],
    ['request count not measured: judged', { minRequests: 100 }, 99.5, { verdict: 'pass' }],
    [
      'enough requests but no data is still no data',
      { requests: 500, minRequests: 100 },
      null,
      { verdict: 'inconclusive', reason: 'no data' },
    ],
  ])('%s', (_label, traffic, value, expected) => {
    expect(judgeValue({ min: 99 }, value, traffic)).toEqual(expected);
  });
});

describe('judgeMetric and judgeFailFast', () => {
  const traffic = { requests: 1000, minRequests: 100 };

  it.each<[number | null, Judgement, Judgement | undefined]>([
    [99.5, { verdict: 'pass' }, { verdict: 'pass' }],
    [97, { verdict: 'fail', reason: '97 < min 99' }, { verdict: 'pass' }],
    [
      40,
      { verdict: 'fail', reason: '40 < min 99' },
      { verdict: 'fail', reason: 'hard bound breached: 40 < min 95' },
    ],
    [null, { verdict: 'inconclusive', reason: 'no data' }, { verdict: 'inconclusive', reason: 'no data' }],
  ])('value %s: threshold range %j, hard bound %j', (value, metric, failFast) => {
    expect(judgeMetric(SUCCESS, value, traffic)).toEqual(metric);
    expect(judgeFailFast(SUCCESS, value, traffic)).toEqual(failFast);
  });

  it('judges the hard bound against max too', () => {
    const p95: MetricCheck = { ...SUCCESS, min: undefined, max: 500, failFast: { max: 2000 } };
    expect(judgeFailFast(p95, 2500, traffic)).toEqual({
      verdict: 'fail',
      reason: 'hard bound breached: 2500 > max 2000',
    });
    expect(judgeMetric(p95, 600, traffic)).toEqual({ verdict: 'fail', reason: '600 > max 500' });
  });

  it('has no fail-fast judgement for a metric without hard bounds', () => {
    const plain: MetricCheck = { ...SUCCESS, failFast: undefined };
    expect(judgeFailFast(plain, 0, traffic)).toBeUndefined();
  });

  it('never breaches a hard bound on too little traffic', () => {
    expect(judgeFailFast(SUCCESS, 0, { requests: 2, minRequests: 100 })).toEqual({
      verdict: 'inconclusive',
      reason: 'too few requests in the window (2 < minRequests 100)',
    });
  });
});

describe('judgeAlerts', () => {
  it.each<[string, Array<Record<string, string>>, Judgement]>([
    ['nothing firing', [], { verdict: 'pass' }],
    [
      'one alert',
      [{ alertname: 'HighErrorRate' }],
      { verdict: 'fail', reason: 'firing alert(s): HighErrorRate' },
    ],
    [
      'names deduplicated and sorted',
      [
        { alertname: 'PodCrashLooping', pod: 'a' },
        { alertname: 'HighErrorRate', pod: 'a' },
        { alertname: 'PodCrashLooping', pod: 'b' },
      ],
      { verdict: 'fail', reason: 'firing alert(s): HighErrorRate, PodCrashLooping' },
    ],
    [
      'an alert without a name still fails',
      [{ severity: 'critical' }],
      { verdict: 'fail', reason: 'firing alert(s): (unnamed)' },
    ],
  ])('%s', (_label, alerts, expected) => {
    expect(judgeAlerts(alerts)).toEqual(expected);
  });
});

describe('judgeBaseline', () => {
  const errors: BaselineMetric = {
    metric: 'error-count',
    direction: 'increase-is-bad',
    tolerance: 0.25,
    alpha: 0.02,
  };
  const success: BaselineMetric = { ...errors, metric: 'success', direction: 'decrease-is-bad' };
  const zeros = (n: number) => Array<number>(n).fill(0);
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  it.each<[string, BaselineMetric, number[], number[], Judgement['verdict'], RegExp]>([
    [
      'Kayenta blind spot: errors on the canary, none on the baseline',
      errors,
      [0, 0, 1, 0, 2],
      zeros(5),
      'fail',
      /baseline is all zero and 2 canary value\(s\) above zero/,
    ],
    [
      'one single error against a clean baseline still fails',
      errors,
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 3],
      zeros(10),
      'fail',
      /1 canary value\(s\) above zero/,
    ],
    ['both all zero', errors, zeros(6), zeros(6), 'pass', /same constant/],
    ['both the same non-zero constant', errors, [5, 5, 5], [5, 5, 5, 5], 'pass', /same constant/],
    [
      'all-zero baseline, canary moves only in the good direction',
      success,
      [1, 2, 3],
      zeros(4),
      'pass',
      /never moves in the bad direction/,
    ],
    [
      'all-zero baseline, canary below zero when decrease is bad',
      success,
      [-1, 0, 0],
      zeros(4),
      'fail',
      /1 canary value\(s\) below zero/,
    ],
    ['empty baseline', errors, [1, 2, 3], [], 'inconclusive', /no data for the baseline/],
    ['empty canary', errors, [], [1, 2, 3], 'inconclusive', /no data for the canary/],
    ['both empty', errors, [], [], 'inconclusive', /no data on either side/],
    [
      'NaN (0/0) samples are dropped first',
      errors,
      [NaN, NaN],
      [1, NaN],
      'inconclusive',
      /no data for the canary/,
    ],
    [
      'constant non-zero baseline, canary clearly worse',
      errors,
      Array<number>(10).fill(8),
      Array<number>(10).fill(5),
      'fail',
      /shift 3 beyond ±1.25 and significant/,
    ],
    [
      'the same data with decrease-is-bad is an improvement',
      success,
      Array<number>(10).fill(8),
      Array<number>(10).fill(5),
      'pass',
      /no significant shift in the bad direction/,
    ],
    [
      'significant but inside the tolerance band',
      errors,
      range(110, 10),
      range(100, 10),
      'pass',
      /significant but shift 10 within ±26.125/,
    ],
    [
      'baseline median zero (not all zero): any significant increase fails',
      errors,
      [3, 4, 5, 6, 7],
      [0, 0, 0, 0, 1],
      'fail',
      /beyond ±0 and significant/,
    ],
    [
      'overlapping samples: no significant shift',
      errors,
      [1, 3, 5, 7],
      [2, 4, 6, 8],
      'pass',
      /no significant shift/,
    ],
  ])('%s', (_label, spec, canary, baseline, verdict, reason) => {
    const judged = judgeBaseline(spec, { canary, baseline });
    expect(judged.verdict).toBe(verdict);
    expect(judged.reason).toMatch(reason);
  });

  it('reports the statistics and the spec parameters, without the metric name', () => {
    const judged = judgeBaseline(errors, { canary: range(110, 10), baseline: range(100, 10) });
    expect(judged.stats).toEqual({
      u: 100,
      pValue: expect.closeTo(1 / 184_756, 12),
      shift: 10,
      direction: 'increase-is-bad',
      tolerance: 0.25,
      alpha: 0.02,
    });
    const empty = judgeBaseline(errors, { canary: [], baseline: [1] });
    expect(empty.stats).toMatchObject({ u: null, pValue: null, shift: null });
  });
});
