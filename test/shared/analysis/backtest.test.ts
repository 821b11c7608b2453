import { describe, expect, it } from 'vitest';
import {
  applyRound,
  cadenceOf,
  nextRound,
  QUERY_AHEAD,
  roundsIn,
  runBacktest,
  roundTimes,
  type BacktestRound,
  type RoundTime,
} from '../../../shared/analysis/backtest.js';
import type { CheckEvidence, Verdict } from '../../../shared/analysis/judge.js';
import type { CanarySpec } from '../../../shared/contracts/plan.js';

const MIN = 60_000;
const FROM = Date.UTC(2026, 0, 5, 10);

const spec = (extra: Partial<CanarySpec> = {}): CanarySpec => ({
  steps: [
    { weight: 10, duration: 2 * MIN },
    { weight: 50, duration: MIN },
  ],
  interval: MIN,
  threshold: 2,
  metrics: [
    { name: 'success', template: 'request-success-rate', templateKind: 'ref', min: 99, interval: MIN },
  ],
  ...extra,
});

const check = (kind: CheckEvidence['kind'], verdict: Verdict, extra: Partial<CheckEvidence> = {}) =>
  ({
    name: 'success',
    kind,
    verdict,
    reason: verdict === 'pass' ? undefined : `${verdict}!`,
    query: 'q',
    evaluatedAt: '',
    window: MIN,
    value: 1,
    ...extra,
  }) as CheckEvidence;

/** Runs a backtest whose checks come from `verdictAt(round)`, over an hour. */
async function backtestWith(s: CanarySpec, verdictAt: (r: RoundTime) => CheckEvidence[], minutes = 60) {
  const queried: RoundTime[] = [];
  const { state, rounds } = await runBacktest(s, { from: FROM, to: FROM + minutes * MIN }, async (r) => {
    queried.push(r);
    return verdictAt(r);
  });
  const seen = rounds.map(({ round: r }) => [r.kind, (r.at - FROM) / 1000, r.weight]);
  return { state, rounds, seen, queried };
}

describe('backtest stepping', () => {
  it.each([
    // name, interval verdicts by minute, outcome, decided at minute, interval decisions
    ['all pass: promoted after the last step', [], 'passed', 3, ['advance', 'advance', 'promote']],
    ['two failures reach threshold 2', [2, 3], 'rolled-back', 3, ['advance', 'hold', 'rollback']],
    [
      'one failure holds the weight, then it goes on',
      [2],
      'passed',
      4,
      ['advance', 'hold', 'advance', 'promote'],
    ],
  ] as const)('%s', async (_name, failing, outcome, minute, actions) => {
    const { state } = await backtestWith(spec(), (r) => [
      check('metric', (failing as readonly number[]).includes((r.at - FROM) / MIN) ? 'fail' : 'pass'),
    ]);
    expect(state.stop).toMatchObject({ outcome, at: new Date(FROM + minute * MIN).toISOString() });
    expect(state.decisions.map((d) => d.action)).toEqual(actions);
  });

  it('pauses when the inconclusive limit is exhausted (nobody resumes history)', async () => {
    const { state } = await backtestWith(spec({ inconclusiveLimit: 1 }), () => [
      check('metric', 'inconclusive'),
    ]);
    expect(state.stop).toMatchObject({ outcome: 'paused', at: new Date(FROM + 2 * MIN).toISOString() });
  });

  it('steps fast rounds between interval rounds and rolls back at the first hard-bound breach', async () => {
    const s = spec({
      fastCheckInterval: 20_000,
      metrics: [{ ...spec().metrics[0]!, failFast: { min: 95 } }],
    });
    expect(cadenceOf(s)).toBe(20_000);
    const { state, seen, queried } = await backtestWith(s, (r) =>
      r.kind === 'fast' && r.at - FROM === 100_000 ? [check('fail-fast', 'fail')] : [check('metric', 'pass')],
    );
    expect(seen).toEqual([
      ['fast', 20, 10],
      ['fast', 40, 10],
      ['interval', 60, 10],
      ['fast', 80, 10],
      ['fast', 100, 10],
    ]);
    // Queried ahead of the decision, at most QUERY_AHEAD rounds past it; those answers are dropped.
    expect(queried.length).toBeGreaterThan(5);
    expect(queried.length).toBeLessThanOrEqual(5 + QUERY_AHEAD);
    expect(state.stop).toEqual({
      outcome: 'rolled-back',
      reason: 'fail-fast: success: fail! at 10%',
      at: new Date(FROM + 100_000).toISOString(),
    });
  });

  it('ignores the fast cadence without hard bounds or alerts, and stops at the window end undecided', async () => {
    const s = spec({ fastCheckInterval: 20_000 });
    expect(cadenceOf(s)).toBe(MIN);
    const { state, rounds } = await backtestWith(s, () => [check('metric', 'fail')], 1.5);
    expect(rounds).toHaveLength(1);
    expect(state.stop).toBeUndefined();
    expect(state.tally.failed).toBe(1);
    expect(nextRound(s, state, FROM + 1.5 * MIN)).toBeUndefined();
  });

  it('walks the same round times as the stepping, ending at the window end', () => {
    const s = spec({ interval: 50_000, fastCheckInterval: 20_000, alerts: { matchers: { a: 'b' } } });
    expect([...roundTimes(s, FROM, FROM + 110_000)].map((r) => [r.kind, (r.at - FROM) / 1000])).toEqual([
      ['fast', 20],
      ['fast', 40],
      ['interval', 50],
      ['fast', 70],
      ['fast', 90],
      ['interval', 100],
    ]);
  });

  it('drops a failed answer queried past the decision without an unhandled rejection', async () => {
    const { state } = await backtestWith(spec(), (r) => {
      if (r.at - FROM > MIN) throw new Error('provider exploded');
      return [check('metric', 'fail'), check('fail-fast', 'fail')];
    });
    expect(state.stop).toMatchObject({ outcome: 'rolled-back', at: new Date(FROM + MIN).toISOString() });
  });

  it('counts the rounds a window can need at the shortest cadence', () => {
    expect(roundsIn(spec(), FROM, FROM + 60 * MIN)).toBe(60);
    const s = spec({ fastCheckInterval: 15_000, alerts: { matchers: { severity: 'critical' } } });
    expect(roundsIn(s, FROM, FROM + 60 * MIN)).toBe(240);
  });

  it('needs each step checksForStep passing intervals, and says nothing more once decided', () => {
    const s = spec({ steps: [{ weight: 20, duration: 3 * MIN }] });
    let state = { ...applyRound(s, startState(), round(s, 1), [check('metric', 'pass')]) };
    expect(state.stop).toBeUndefined();
    state = applyRound(s, state, round(s, 2), [check('metric', 'pass')]);
    state = applyRound(s, state, round(s, 3), [check('metric', 'pass')]);
    expect(state.stop?.outcome).toBe('passed');
    expect(nextRound(s, state, FROM + 60 * MIN)).toBeUndefined();
  });
});

const startState = () => ({
  tally: { failed: 0, inconclusive: 0, consecutiveErrors: 0, passed: 0 },
  step: 0,
  passed: 0,
  intervalStart: FROM,
  waited: 0,
  decisions: [],
});
const round = (s: CanarySpec, minute: number): BacktestRound => ({
  kind: 'interval',
  at: FROM + minute * MIN,
  step: 0,
  weight: s.steps[0]?.weight ?? 0,
});
