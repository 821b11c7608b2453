import { describe, expect, it } from 'vitest';
import type { CheckEvidence, CheckKind, Verdict } from '../../../shared/analysis/judge.js';
import {
  judgeRound,
  observe,
  track,
  verifyEntryCount,
  type Observation,
} from '../../../shared/analysis/verification.js';
import type { VerificationSpec } from '../../../shared/contracts/plan.js';
import type { RolloutState } from '../../../shared/ports/cluster.js';

const MIN = 60_000;

function check(name: string, verdict: Verdict, reason?: string, kind: CheckKind = 'metric'): CheckEvidence {
  return {
    name,
    kind,
    verdict,
    ...(reason && { reason }),
    query: 'q',
    evaluatedAt: '2026-01-05T10:00:00.000Z',
    window: MIN,
    value: null,
  };
}

const rule = (name: string, forMs: number): VerificationSpec['rules'][number] => ({
  name,
  metric: { name, template: 'request-success-rate', min: 95, interval: MIN },
  for: forMs,
});

const SPEC: VerificationSpec = {
  window: 5 * MIN,
  interval: 30_000,
  rules: [rule('error-rate', 2 * MIN), rule('latency-p95', 3 * MIN)],
};

const pods = (replicas: number, ready: number, crashLooping: string[] = []): RolloutState => ({
  ready: ready === replicas,
  phase: 'complete',
  replicas,
  readyReplicas: ready,
  crashLooping,
});

describe('observe', () => {
  it.each<[string, CheckEvidence[], boolean[]]>([
    ['both rules pass', [check('error-rate', 'pass'), check('latency-p95', 'pass')], [false, false]],
    ['a failing check breaches its rule', [check('error-rate', 'fail', '80 < min 95')], [true, false]],
    [
      'no data is not a breach',
      [check('error-rate', 'inconclusive', 'no data'), check('latency-p95', 'inconclusive', 'no data')],
      [false, false],
    ],
    [
      'a provider error is not a breach',
      [{ ...check('error-rate', 'inconclusive', 'provider error: x'), error: true }],
      [false, false],
    ],
    [
      'only the metric check of a rule counts, not a fail-fast check of the same name',
      [check('error-rate', 'fail', 'hard', 'fail-fast'), check('error-rate', 'pass')],
      [false, false],
    ],
    ['no checks at all', [], [false, false]],
  ])('%s', (_label, checks, breached) => {
    const observed = observe(SPEC, checks);
    expect(observed.map((o) => o.breached)).toEqual(breached);
    expect(observed.map((o) => o.for)).toEqual([2 * MIN, 3 * MIN]);
  });

  it('carries the reason of the check, or says there was none', () => {
    const [errors, latency] = observe(SPEC, [check('error-rate', 'fail', '80 < min 95')]);
    expect(errors).toEqual({ name: 'error-rate', breached: true, for: 2 * MIN, reason: '80 < min 95' });
    expect(latency?.reason).toBe('no check');
  });

  it.each<[string, Partial<VerificationSpec>, RolloutState | undefined, Observation[]]>([
    ['no pod state: no pod rules', {}, undefined, []],
    [
      'crash loops are watched by default and breach at once',
      {},
      pods(3, 2, ['api-7f-x', 'api-7f-y']),
      [{ name: 'crash-loops', breached: true, for: 0, reason: 'pods crash-looping: api-7f-x, api-7f-y' }],
    ],
    [
      'healthy pods',
      {},
      pods(3, 3),
      [{ name: 'crash-loops', breached: false, for: 0, reason: 'pods crash-looping: ' }],
    ],
    ['crashLoops: false turns the rule off', { crashLoops: false }, pods(3, 0, ['a']), []],
    [
      'readiness ratio above maxRatio breaches (with its for)',
      { crashLoops: false, health: { maxRatio: 0.25, for: MIN } },
      pods(4, 2),
      [{ name: 'health', breached: true, for: MIN, reason: '2/4 pods not ready (max ratio 0.25)' }],
    ],
    [
      'readiness ratio equal to maxRatio does not',
      { crashLoops: false, health: { maxRatio: 0.25, for: MIN } },
      pods(4, 3),
      [{ name: 'health', breached: false, for: MIN, reason: '1/4 pods not ready (max ratio 0.25)' }],
    ],
    [
      'no replicas is not a readiness failure',
      { crashLoops: false, health: { maxRatio: 0, for: 0 } },
      pods(0, 0),
      [{ name: 'health', breached: false, for: 0, reason: '0/0 pods not ready (max ratio 0)' }],
    ],
  ])('pods: %s', (_label, extra, state, expected) => {
    expect(observe({ ...SPEC, rules: [], ...extra }, [], state)).toEqual(expected);
  });
});

describe('track', () => {
  const o = (name: string, breached: boolean, forMs: number, reason?: string): Observation => ({
    name,
    breached,
    for: forMs,
    ...(reason && { reason }),
  });

  it('holds a breach for its duration before it counts, then reports it', () => {
    const rounds: Array<[number, boolean, number, boolean]> = [
      // now, breached, expected duration, sustained
      [0, false, 0, false],
      [30_000, true, 0, false],
      [60_000, true, 30_000, false],
      [120_000, true, 90_000, false],
      [150_000, true, 120_000, true],
    ];
    let since: Record<string, number> = {};
    for (const [now, breached, duration, sustained] of rounds) {
      const t = track(since, [o('error-rate', breached, 2 * MIN, '80 < min 95')], now);
      since = t.since;
      expect(t.durations, `at ${now}`).toEqual({ 'error-rate': duration });
      expect(t.sustained !== undefined, `at ${now}`).toBe(sustained);
    }
    expect(track({ 'error-rate': 30_000 }, [o('error-rate', true, 2 * MIN, 'x')], 150_000).sustained).toEqual(
      {
        name: 'error-rate',
        breachedForMs: 120_000,
        reason: 'x',
      },
    );
  });

  it('resets on recovery: a breach that comes back starts its clock again', () => {
    let t = track({}, [o('error-rate', true, 2 * MIN)], 0);
    t = track(t.since, [o('error-rate', true, 2 * MIN)], 90_000);
    expect(t.since).toEqual({ 'error-rate': 0 });
    t = track(t.since, [o('error-rate', false, 2 * MIN)], 100_000);
    expect(t.since).toEqual({});
    expect(t.durations).toEqual({ 'error-rate': 0 });
    t = track(t.since, [o('error-rate', true, 2 * MIN)], 110_000);
    t = track(t.since, [o('error-rate', true, 2 * MIN)], 200_000);
    expect(t.durations['error-rate']).toBe(90_000);
    expect(t.sustained).toBeUndefined();
  });

  it('a crash loop (for 0) counts at once', () => {
    const t = track({}, [o('crash-loops', true, 0, 'pods crash-looping: a')], 5_000);
    expect(t.sustained).toEqual({ name: 'crash-loops', breachedForMs: 0, reason: 'pods crash-looping: a' });
  });

  it('reports the first sustained rule in observation order, and says "breached" without a reason', () => {
    const t = track({ a: 0, b: 0 }, [o('a', false, 0), o('b', true, MIN), o('c', true, 0)], 2 * MIN);
    expect(t.sustained).toEqual({ name: 'b', breachedForMs: 2 * MIN, reason: 'breached' });
    expect(t.since).toEqual({ b: 0, c: 2 * MIN });
    expect(t.durations).toEqual({ a: 0, b: 2 * MIN, c: 0 });
  });

  it('does not change the state it is given', () => {
    const since = Object.freeze({ x: 1 });
    expect(() => track(since, [o('x', false, 0)], 2)).not.toThrow();
    expect(since).toEqual({ x: 1 });
  });

  it('end to end: readiness below the ratio for its duration during a 30 s cadence', () => {
    const spec: VerificationSpec = {
      ...SPEC,
      rules: [],
      crashLoops: false,
      health: { maxRatio: 0.2, for: MIN },
    };
    const states = [pods(5, 5), pods(5, 3), pods(5, 3), pods(5, 3)];
    let since: Record<string, number> = {};
    const sustainedAt: number[] = [];
    states.forEach((state, i) => {
      const t = track(since, observe(spec, [], state), (i + 1) * 30_000);
      since = t.since;
      if (t.sustained) sustainedAt.push((i + 1) * 30_000);
    });
    // Not ready from 60 s; held for 60 s at 120 s.
    expect(sustainedAt).toEqual([120_000]);
  });
});

describe('judgeRound: one round as the verifyRound activity records it and the orchestration acts on it', () => {
  const NOW = Date.parse('2026-01-05T10:05:00.000Z');
  it('writes verify:<rule> per check, then verify:pods, with how long each has been breaching', () => {
    const checks = [check('error-rate', 'fail', 'error-rate: 6 > max 5'), check('latency-p95', 'pass')];
    const round = judgeRound(SPEC, checks, pods(3, 3), { 'error-rate': NOW - MIN }, NOW);
    expect(round.entries.map((e) => [e.title, e.verdict, e.evidence?.breachedForMs])).toEqual([
      ['verify:error-rate', 'fail', MIN],
      ['verify:latency-p95', 'pass', 0],
      ['verify:pods', 'pass', 0],
    ]);
    expect(round.since).toEqual({ 'error-rate': NOW - MIN });
    expect(round.sustained).toBeUndefined();
    // Held for its `for` (2 min): sustained, and the round's entries still say what was seen.
    const later = judgeRound(SPEC, checks, pods(3, 3), round.since, NOW + MIN);
    expect(later.sustained).toEqual({
      name: 'error-rate',
      breachedForMs: 2 * MIN,
      reason: 'error-rate: 6 > max 5',
    });
  });

  it('pods: crash-looping fails, none reported is inconclusive, not watched writes no pods entry', () => {
    const checks = [check('error-rate', 'pass'), check('latency-p95', 'pass')];
    const verdict = (state?: RolloutState) =>
      judgeRound(SPEC, checks, state, {}, NOW).entries.find((e) => e.title === 'verify:pods')?.verdict;
    expect(verdict(pods(3, 2, ['api-0']))).toBe('fail');
    expect(verdict(pods(0, 0))).toBe('inconclusive');
    expect(verdict(undefined)).toBeUndefined();
  });

  it('verifyEntryCount: a check per rule, one more per rule with hard bounds, one for the pods', () => {
    expect(verifyEntryCount(SPEC, true)).toBe(3);
    expect(verifyEntryCount(SPEC, false)).toBe(2);
    const bounded = {
      ...SPEC,
      rules: [
        { ...rule('error-rate', MIN), metric: { ...rule('error-rate', MIN).metric, failFast: { min: 90 } } },
      ],
    };
    expect(verifyEntryCount(bounded, true)).toBe(3);
  });
});
