import { describe, expect, it } from 'vitest';
import {
  ringPhaseVerdict,
  targetReason,
  type TargetOutcomeKind,
} from '../../../shared/domain/ring-verdict.js';

type Row = [string, string, Array<TargetOutcomeKind | 'threw'>, number | undefined, number[], number[]];

const outcome = (o: TargetOutcomeKind | 'threw') =>
  o === 'threw' ? { outcome: 'failed' as const, threw: true } : { outcome: o };

describe('ringPhaseVerdict (a phase of a ring with several targets)', () => {
  it.each<Row>([
    ['all targets pass', 'canary', ['passed', 'passed'], undefined, [], []],
    ['one target', 'canary', ['failed'], 0, [0], []],
    ['second target fails its canary: the first one is drained', 'canary', ['passed', 'failed'], 1, [1], [0]],
    ['first target fails: the second is drained', 'canary', ['failed', 'passed', 'passed'], 0, [0], [1, 2]],
    ['worst wins: a failure over a rollback', 'verification', ['rolled-back', 'failed'], 1, [0, 1], []],
    ['worst wins: an interrupt over a failure', 'canary', ['failed', 'interrupted'], 1, [0, 1], []],
    ['ties go to the first target', 'promotion', ['passed', 'rolled-back', 'rolled-back'], 1, [1, 2], []],
    [
      'a promotion failure drains nothing (siblings are promoted)',
      'promotion',
      ['passed', 'rolled-back'],
      1,
      [1],
      [],
    ],
    ['a phase that threw is drained, a sibling canary too', 'canary', ['threw', 'passed'], 0, [0], [0, 1]],
    ['a verification that threw is drained', 'verification', ['passed', 'threw'], 1, [1], [1]],
  ])('%s', (_, phase, outcomes, worst, failed, drain) => {
    expect(ringPhaseVerdict(phase, outcomes.map(outcome))).toEqual({ worst, failed, drain });
  });

  it('names the target in a reason only when the ring has several', () => {
    expect(targetReason(['a'], 0, 'sync failed')).toBe('sync failed');
    expect(targetReason(['a', 'b'], 1, 'sync failed')).toBe('b: sync failed');
  });
});
