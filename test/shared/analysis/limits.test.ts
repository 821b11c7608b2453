import { describe, expect, it } from 'vitest';
import type { CheckEvidence } from '../../../shared/analysis/judge.js';
import {
  checksForStep,
  classifyInterval,
  decide,
  DEFAULT_LIMITS,
  limitsOf,
  type Decision,
  type IntervalOutcome,
  type Limits,
  type Tally,
} from '../../../shared/analysis/limits.js';
import type { CanarySpec } from '../../../shared/contracts/plan.js';
import { check, fail, interval, LIMITS, pass, providerError, tally, unsure } from './limits-fixtures.js';

describe('limitsOf', () => {
  const spec: CanarySpec = { steps: [], interval: 60_000, threshold: 5, metrics: [] };

  it('fills the documented defaults', () => {
    expect(limitsOf(spec)).toEqual({
      threshold: 5,
      inconclusiveLimit: 3,
      consecutiveErrorLimit: 4,
      onLimitExhausted: 'pause',
      minRequests: 1,
    });
    expect(DEFAULT_LIMITS).toMatchObject({ inconclusiveLimit: 3, consecutiveErrorLimit: 4 });
  });

  it('keeps explicit values, zeros included', () => {
    expect(
      limitsOf({
        ...spec,
        inconclusiveLimit: 0,
        consecutiveErrorLimit: 0,
        onLimitExhausted: 'fail',
        minRequests: 0,
      }),
    ).toEqual({
      threshold: 5,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 0,
      onLimitExhausted: 'fail',
      minRequests: 0,
    });
  });
});

describe('classifyInterval: the worst thing in one interval', () => {
  it.each<[string, CheckEvidence[], IntervalOutcome, string]>([
    ['no checks', [], 'pass', 'nothing to check'],
    ['all pass', [pass('a'), pass('b')], 'pass', 'all checks passed'],
    [
      'a fail-fast breach outranks an earlier threshold failure',
      [fail('a'), check('a', 'fail-fast', 'fail', { reason: 'hard bound breached: 40 < min 95' })],
      'abort',
      'a: hard bound breached: 40 < min 95',
    ],
    [
      'a firing alert aborts',
      [pass(), check('alerts', 'alerts', 'fail', { reason: 'firing alert(s): X' })],
      'abort',
      'alerts: firing alert(s): X',
    ],
    [
      'a failing baseline comparison is a failed check, not an abort',
      [check('baseline:success', 'baseline', 'fail', { reason: 'shift' })],
      'fail',
      'baseline:success: shift',
    ],
    ['a failure outranks a provider error', [providerError('a'), fail('b')], 'fail', 'b: 97 < min 99'],
    [
      'a provider error outranks an earlier plain inconclusive',
      [unsure('a'), providerError('b')],
      'error',
      'b: provider error: ECONNREFUSED',
    ],
    ['inconclusive outranks pass', [pass('a'), unsure('b')], 'inconclusive', 'b: no data'],
    [
      'an inconclusive hard bound is not an abort',
      [check('a', 'fail-fast', 'inconclusive', { reason: 'no data' })],
      'inconclusive',
      'a: no data',
    ],
    ['the first of several failures names the reason', [fail('a', 'x'), fail('b', 'y')], 'fail', 'a: x'],
    [
      'a check without a reason is described by its verdict',
      [check('a', 'metric', 'fail')],
      'fail',
      'a: fail',
    ],
  ])('%s', (_label, checks, outcome, reason) => {
    expect(classifyInterval(checks)).toEqual({ outcome, reason });
  });
});

describe('decide: one interval', () => {
  const failPolicy: Limits = { ...LIMITS, onLimitExhausted: 'fail' };
  it.each<[string, Limits, Tally, IntervalOutcome, Decision]>([
    ['a pass advances', LIMITS, tally(), 'pass', { action: 'advance', tally: tally({ passed: 1 }) }],
    [
      'a pass keeps cumulative failures and inconclusives, resets consecutive errors',
      LIMITS,
      tally({ failed: 2, inconclusive: 2, consecutiveErrors: 2, passed: 4 }),
      'pass',
      { action: 'advance', tally: tally({ failed: 2, inconclusive: 2, consecutiveErrors: 0, passed: 5 }) },
    ],
    [
      'a failure below the threshold holds',
      LIMITS,
      tally({ failed: 1 }),
      'fail',
      { action: 'hold', tally: tally({ failed: 2 }), reason: 'why' },
    ],
    [
      'a failure reaching the threshold exactly rolls back',
      LIMITS,
      tally({ failed: 2, passed: 7 }),
      'fail',
      {
        action: 'rollback',
        tally: tally({ failed: 3, passed: 7 }),
        reason: '3 failed checks reached the threshold of 3 (last: why)',
      },
    ],
    [
      'threshold 1 rolls back on the first failure',
      { ...LIMITS, threshold: 1 },
      tally(),
      'fail',
      {
        action: 'rollback',
        tally: tally({ failed: 1 }),
        reason: '1 failed checks reached the threshold of 1 (last: why)',
      },
    ],
    [
      'a failure resets consecutive errors',
      LIMITS,
      tally({ consecutiveErrors: 2 }),
      'fail',
      { action: 'hold', tally: tally({ failed: 1 }), reason: 'why' },
    ],
    [
      'an abort rolls back whatever the tally',
      LIMITS,
      tally({ consecutiveErrors: 1 }),
      'abort',
      { action: 'rollback', tally: tally(), reason: 'fail-fast: why' },
    ],
    [
      'inconclusive up to the limit holds',
      LIMITS,
      tally({ inconclusive: 1 }),
      'inconclusive',
      { action: 'hold', tally: tally({ inconclusive: 2 }), reason: 'why' },
    ],
    [
      'one more inconclusive than the limit pauses (> not >=)',
      LIMITS,
      tally({ inconclusive: 2 }),
      'inconclusive',
      {
        action: 'pause',
        tally: tally({ inconclusive: 3 }),
        reason: '3 inconclusive intervals exceed inconclusiveLimit 2 (last: why)',
        cause: 'inconclusive',
      },
    ],
    [
      'inconclusive exhausted with policy fail rolls back',
      failPolicy,
      tally({ inconclusive: 2 }),
      'inconclusive',
      {
        action: 'rollback',
        tally: tally({ inconclusive: 3 }),
        reason: '3 inconclusive intervals exceed inconclusiveLimit 2 (last: why) (onLimitExhausted: fail)',
      },
    ],
    [
      'inconclusiveLimit 0 pauses on the first inconclusive',
      { ...LIMITS, inconclusiveLimit: 0 },
      tally(),
      'inconclusive',
      {
        action: 'pause',
        tally: tally({ inconclusive: 1 }),
        reason: '1 inconclusive intervals exceed inconclusiveLimit 0 (last: why)',
        cause: 'inconclusive',
      },
    ],
    [
      'an inconclusive interval resets consecutive errors',
      LIMITS,
      tally({ consecutiveErrors: 2 }),
      'inconclusive',
      { action: 'hold', tally: tally({ inconclusive: 1 }), reason: 'why' },
    ],
    [
      'provider errors up to the limit hold, counting nothing else',
      LIMITS,
      tally({ consecutiveErrors: 1, failed: 1 }),
      'error',
      { action: 'hold', tally: tally({ consecutiveErrors: 2, failed: 1 }), reason: 'why' },
    ],
    [
      'one more error in a row than the limit pauses',
      LIMITS,
      tally({ consecutiveErrors: 2 }),
      'error',
      {
        action: 'pause',
        tally: tally({ consecutiveErrors: 3 }),
        reason: '3 intervals in a row with provider errors exceed consecutiveErrorLimit 2 (last: why)',
        cause: 'provider-errors',
      },
    ],
    [
      'errors exhausted with policy fail roll back',
      failPolicy,
      tally({ consecutiveErrors: 2 }),
      'error',
      {
        action: 'rollback',
        tally: tally({ consecutiveErrors: 3 }),
        reason:
          '3 intervals in a row with provider errors exceed consecutiveErrorLimit 2 (last: why) ' +
          '(onLimitExhausted: fail)',
      },
    ],
  ])('%s', (_label, limits, before, outcome, expected) => {
    expect(decide(limits, before, interval(outcome))).toEqual(expected);
  });
});

describe('checksForStep', () => {
  it.each([
    [300_000, 60_000, 5],
    [60_000, 60_000, 1],
    [30_000, 60_000, 1],
    [90_000, 60_000, 2],
    [0, 60_000, 1],
    [600_000, 120_000, 5],
  ])('a %i ms step at a %i ms interval needs %i checks', (duration, every, expected) => {
    expect(checksForStep(duration, every)).toBe(expected);
  });
});
