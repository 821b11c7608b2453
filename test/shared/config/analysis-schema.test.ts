import { describe, expect, it } from 'vitest';
import {
  canaryOf,
  file,
  FLAGGER_ISTIO,
  FLAGGER_MIRROR,
  issuesOf,
  lineOf,
  withGantry,
} from './flagger-fixtures.js';

describe('a Flagger Canary analysis block loads unchanged', () => {
  it("keeps Flagger's meaning: schedule, threshold, built-in metrics by name, query windows", () => {
    const canary = canaryOf(file(FLAGGER_ISTIO));
    expect(canary.interval).toBe(60_000);
    expect(canary.threshold).toBe(5);
    expect(canary.steps).toEqual([10, 20, 30, 40, 50].map((weight) => ({ weight, duration: 60_000 })));
    expect(canary.metrics).toEqual([
      {
        name: 'request-success-rate',
        template: 'request-success-rate',
        templateKind: 'ref',
        min: 99,
        interval: 60_000,
      },
      {
        name: 'request-duration',
        template: 'request-duration',
        templateKind: 'ref',
        max: 500,
        interval: 30_000,
      },
    ]);
  });

  it('lists the fields it accepts but does not act on, and adds only the documented defaults', () => {
    const canary = canaryOf(file(FLAGGER_ISTIO));
    expect(canary.ignored).toEqual(['webhooks']);
    expect(canary).toMatchObject({
      minRequests: 1,
      inconclusiveLimit: 3,
      consecutiveErrorLimit: 4,
      onLimitExhausted: 'pause',
    });
    for (const absent of ['fastCheckInterval', 'alerts', 'baseline', 'promotionStepWeight'] as const)
      expect(canary[absent], absent).toBeUndefined();
    expect(canary.metrics.some((m) => m.failFast)).toBe(false);
  });

  it.each([
    ['maxWeight: 50, stepWeight: 20 (Flagger docs)', 'maxWeight: 50', 'stepWeight: 20', [20, 40, 60]],
    [
      'maxWeight: 50, stepWeight: 5 (NGINX tutorial)',
      'maxWeight: 50',
      'stepWeight: 5',
      [5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
    ],
    ['stepWeight 30 alone runs to 100', 'maxWeight: 100', 'stepWeight: 30', [30, 60, 90, 100]],
  ])('%s', (_label, max, step, weights) => {
    const text = file(FLAGGER_ISTIO.replace('maxWeight: 50', max).replace('stepWeight: 10', step));
    expect(canaryOf(text).steps.map((s) => s.weight)).toEqual(weights);
  });

  it('iterations without weights is blue/green: one weight-0 step of iterations × interval', () => {
    const canary = canaryOf(file(FLAGGER_MIRROR));
    expect(canary.steps).toEqual([{ weight: 0, duration: 10 * 60_000 }]);
    expect(canary.ignored).toEqual(['webhooks', 'mirror', 'mirrorWeight']);
  });

  it("accepts A/B match rules and Flagger's notification alerts, and lists both as ignored", () => {
    const ab = FLAGGER_MIRROR.replace(
      '  mirror: true\n',
      '  match:\n    - headers:\n        x-canary:\n          exact: "insider"\n  alerts:\n    - name: "on-call"\n      severity: error\n      providerRef:\n        name: on-call\n        namespace: flagger\n',
    );
    const canary = canaryOf(file(ab));
    expect(canary.alerts).toBeUndefined();
    expect(canary.ignored).toEqual(['webhooks', 'mirrorWeight', 'match', 'alerts (notification providers)']);
  });

  it.each([
    [
      'a Flagger templateRef object (namespace ignored)',
      '{ name: request-duration, namespace: flagger-system }',
    ],
    ['a plain name', 'request-duration'],
  ])('templateRef as %s', (_label, ref) => {
    const text = file(
      FLAGGER_ISTIO.replace('  - name: request-duration\n', `  - name: p99\n    templateRef: ${ref}\n`),
    );
    expect(canaryOf(text).metrics[1]).toMatchObject({
      name: 'p99',
      template: 'request-duration',
      templateKind: 'ref',
    });
  });
});

describe("Gantry's additions to the block", () => {
  it('reads hard bounds, the fast cadence, alerts, baseline, limits and stepWeightPromotion', () => {
    const analysis = withGantry(
      FLAGGER_ISTIO.replace('      min: 99\n', '      min: 99\n    failFast: { min: 95 }\n'),
      'minRequests: 100',
      'inconclusiveLimit: 2',
      'consecutiveErrorLimit: 0',
      'onLimitExhausted: fail',
      'fastCheckInterval: 15s',
      'stepWeightPromotion: 25',
      "alerts: { matchers: { namespace: '{{ namespace }}', severity: critical } }",
      'baseline: { metrics: [{ metric: request-duration, direction: increase-is-bad }] }',
    );
    const canary = canaryOf(file(analysis));
    expect(canary).toMatchObject({
      minRequests: 100,
      inconclusiveLimit: 2,
      consecutiveErrorLimit: 0,
      onLimitExhausted: 'fail',
      fastCheckInterval: 15_000,
      promotionStepWeight: 25,
      alerts: { matchers: { namespace: '{{ namespace }}', severity: 'critical' } },
      baseline: {
        step: 10_000,
        metrics: [{ metric: 'request-duration', direction: 'increase-is-bad', tolerance: 0.25, alpha: 0.02 }],
      },
    });
    expect(canary.metrics[0]?.failFast).toEqual({ min: 95 });
    expect(canary.ignored).toEqual(['webhooks']);
  });
});

describe('bad input: line-numbered errors naming the field', () => {
  it.each<[string, string[], string, string, RegExp]>([
    [
      'fastCheckInterval equal to interval',
      ['fastCheckInterval: 1m'],
      'fastCheckInterval',
      'defaults.canary.fastCheckInterval',
      /must be shorter than interval/,
    ],
    [
      'fastCheckInterval longer than interval',
      ['fastCheckInterval: 2m'],
      'fastCheckInterval',
      'defaults.canary.fastCheckInterval',
      /must be shorter than interval/,
    ],
    [
      'baseline naming an unknown metric',
      ['baseline: { metrics: [{ metric: error-rate, direction: increase-is-bad }] }'],
      'baseline:',
      'defaults.canary.baseline.metrics[0].metric',
      /no canary metric "error-rate"/,
    ],
    [
      'baseline with a bad direction',
      ['baseline: { metrics: [{ metric: request-duration, direction: up }] }'],
      'baseline:',
      'defaults.canary.baseline.metrics[0].direction',
      /increase-is-bad/,
    ],
    [
      'alerts matcher with a bad label name',
      ['alerts:', '  matchers:', '    app.kubernetes.io/name: api'],
      'app.kubernetes.io/name',
      'defaults.canary.alerts.matchers.app.kubernetes.io/name',
      /must be a Prometheus label name/,
    ],
    [
      'alerts matcher on alertstate',
      ['alerts:', '  matchers:', '    alertstate: pending'],
      'alertstate',
      'defaults.canary.alerts.matchers.alertstate',
      /alertstate is always "firing"/,
    ],
    [
      'onLimitExhausted not pause or fail',
      ['onLimitExhausted: ignore'],
      'onLimitExhausted',
      'defaults.canary.onLimitExhausted',
      /pause.*fail/,
    ],
    ['negative minRequests', ['minRequests: -1'], 'minRequests', 'defaults.canary.minRequests', />=0/],
  ])('%s', (_label, lines, needle, path, message) => {
    const text = file(withGantry(FLAGGER_ISTIO, ...lines));
    expect(issuesOf(text)).toContainEqual({
      path,
      line: lineOf(text, needle),
      message: expect.stringMatching(message),
    });
  });

  it.each<[string, string, string, string, RegExp]>([
    [
      'failFast with min > max',
      '    failFast: { min: 99, max: 95 }\n',
      'failFast',
      'defaults.canary.metrics[0].failFast',
      /min \(99\) is greater than max \(95\)/,
    ],
    [
      'failFast with no bound',
      '    failFast: {}\n',
      'failFast',
      'defaults.canary.metrics[0].failFast',
      /set min, max or both/,
    ],
    [
      'an unknown templateRef (a Flagger MetricTemplate)',
      '    templateRef: { name: latency, namespace: test }\n',
      'templateRef',
      'defaults.canary.metrics[0].templateRef',
      /unknown template "latency" \(built-ins: request-success-rate, request-duration, request-rate\)/,
    ],
  ])('%s', (_label, insert, needle, path, message) => {
    const text = file(FLAGGER_ISTIO.replace('      min: 99\n', `      min: 99\n${insert}`));
    expect(issuesOf(text)).toContainEqual({
      path,
      line: lineOf(text, needle),
      message: expect.stringMatching(message),
    });
  });

  it('reports every problem at once', () => {
    const text = file(
      withGantry(
        FLAGGER_ISTIO,
        'fastCheckInterval: 5m',
        'alerts: { matchers: { "bad-name": x } }',
        'baseline: { metrics: [{ metric: nope, direction: increase-is-bad }] }',
      ),
    );
    expect(issuesOf(text).map((i) => [i.path, i.line])).toEqual([
      ['defaults.canary.fastCheckInterval', lineOf(text, 'fastCheckInterval')],
      ['defaults.canary.alerts.matchers.bad-name', lineOf(text, 'bad-name')],
      ['defaults.canary.baseline.metrics[0].metric', lineOf(text, 'baseline:')],
    ]);
  });
});
