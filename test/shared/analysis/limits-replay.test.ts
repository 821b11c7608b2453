import { describe, expect, it } from 'vitest';
import {
  afterResume,
  classifyInterval,
  decide,
  EMPTY_TALLY,
  limitsOf,
  type Decision,
  type IntervalOutcome,
  type Limits,
} from '../../../shared/analysis/limits.js';
import { check, fail, interval, LIMITS, pass, tally } from './limits-fixtures.js';

/** `decide` folded over whole runs: Flagger's cumulative threshold, the limits, resuming. */

/** Folds `decide` over a sequence of outcomes; stops at the first non-hold, non-advance decision. */
function replay(limits: Limits, outcomes: readonly IntervalOutcome[]) {
  let t = EMPTY_TALLY;
  const actions: Decision['action'][] = [];
  for (const outcome of outcomes) {
    const d = decide(limits, t, interval(outcome));
    t = d.tally;
    actions.push(d.action);
    if (d.action === 'rollback' || d.action === 'pause') break;
  }
  return { actions, tally: t };
}

describe('decide over a run', () => {
  it('Flagger cumulative semantics: three scattered failures with threshold 3 roll back', () => {
    const run = replay(LIMITS, ['fail', 'pass', 'pass', 'fail', 'pass', 'pass', 'pass', 'fail', 'pass']);
    expect(run.actions).toEqual([
      'hold',
      'advance',
      'advance',
      'hold',
      'advance',
      'advance',
      'advance',
      'rollback',
    ]);
    expect(run.tally).toEqual(tally({ failed: 3, passed: 5 }));
  });

  it('consecutive errors are reset by a pass, a fail or an inconclusive interval', () => {
    for (const breaker of ['pass', 'fail', 'inconclusive'] as const) {
      const run = replay(LIMITS, ['error', 'error', breaker, 'error', 'error']);
      expect(run.actions.at(-1), breaker).not.toBe('pause');
      expect(run.tally.consecutiveErrors, breaker).toBe(2);
    }
    expect(replay(LIMITS, ['error', 'error', 'error']).actions).toEqual(['hold', 'hold', 'pause']);
  });

  it('inconclusive intervals are cumulative: passes in between do not reset them', () => {
    const run = replay(LIMITS, ['inconclusive', 'pass', 'inconclusive', 'pass', 'inconclusive']);
    expect(run.actions).toEqual(['hold', 'advance', 'hold', 'advance', 'pause']);
  });

  it('after a resume the exhausted counters start again, failures stay counted', () => {
    const paused = replay(LIMITS, ['fail', 'error', 'error', 'error']);
    expect(paused.actions.at(-1)).toBe('pause');
    const resumed = afterResume({ ...paused.tally, inconclusive: 3 });
    expect(resumed).toEqual(tally({ failed: 1, inconclusive: 0, consecutiveErrors: 0 }));
    expect(decide(LIMITS, resumed, interval('error')).action).toBe('hold');
    expect(decide(LIMITS, resumed, interval('inconclusive')).action).toBe('hold');
    expect(decide(LIMITS, { ...resumed, failed: 2 }, interval('fail')).action).toBe('rollback');
  });

  it('an outage alone never promotes and never rolls back under the default policy', () => {
    const run = replay(limitsOf({ steps: [], interval: 60_000, threshold: 1, metrics: [] }), [
      ...Array<IntervalOutcome>(20).fill('error'),
    ]);
    expect(run.actions).toEqual(['hold', 'hold', 'hold', 'hold', 'pause']);
    expect(run.tally.failed).toBe(0);
  });
});

describe('replay: a constantly failing canary with Flagger semantics (no fail-fast)', () => {
  // Every interval's checks: the success rate is below its threshold range, nothing has hard bounds.
  const failing = [fail('request-success-rate', '80 < min 99'), pass('request-duration')];
  const INTERVAL = 60_000;

  it.each([1, 2, 3, 5, 10])('threshold %i rolls back after threshold intervals', (threshold) => {
    const limits = { ...LIMITS, threshold };
    let t = EMPTY_TALLY;
    let at = 0;
    let decision: Decision | undefined;
    while (decision?.action !== 'rollback' && at < 100 * INTERVAL) {
      at += INTERVAL;
      decision = decide(limits, t, classifyInterval(failing));
      t = decision.tally;
    }
    expect(decision).toMatchObject({
      action: 'rollback',
      reason: `${threshold} failed checks reached the threshold of ${threshold} (last: request-success-rate: 80 < min 99)`,
    });
    expect(at).toBe(threshold * INTERVAL);
    expect(t).toEqual(tally({ failed: threshold }));
  });

  it('with a hard bound the same canary rolls back at the first interval', () => {
    const withBound = [...failing, check('request-success-rate', 'fail-fast', 'fail', { reason: 'breach' })];
    expect(decide({ ...LIMITS, threshold: 10 }, EMPTY_TALLY, classifyInterval(withBound))).toMatchObject({
      action: 'rollback',
      reason: 'fail-fast: request-success-rate: breach',
    });
  });
});
