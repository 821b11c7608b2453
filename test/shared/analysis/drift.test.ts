import { describe, expect, it } from 'vitest';
import { driftAction, driftOf, type ObservedCanary } from '../../../shared/analysis/drift.js';
import type { RolloutState } from '../../../shared/ports/cluster.js';

const READY: RolloutState = {
  ready: true,
  phase: 'complete',
  replicas: 2,
  readyReplicas: 2,
  crashLooping: [],
};
const seen = (weight: number, rollout: Partial<RolloutState> = {}): ObservedCanary => ({
  weight,
  rollout: { ...READY, ...rollout },
});

describe('driftOf', () => {
  it.each([
    ['the weight set and ready pods', 25, seen(25), undefined],
    ['a weight changed behind Gantry', 25, seen(0), 'weight'],
    ['an unreadable weight', 25, seen(Number.NaN), 'weight'],
    ['pods not ready', 25, seen(25, { ready: false, readyReplicas: 1 }), 'readiness'],
    ['crash-looping pods, even at the right weight', 25, seen(25, { crashLooping: ['c-0'] }), 'readiness'],
    ['readiness before weight', 25, seen(10, { ready: false, readyReplicas: 0 }), 'readiness'],
  ] as const)('%s', (_name, expected, observed, kind) => {
    expect(driftOf(expected, observed)?.kind).toBe(kind);
  });

  it('says what differs', () => {
    expect(driftOf(25, seen(0))?.reason).toBe('the router sends 0% to the canary; Gantry set 25%');
    expect(driftOf(25, seen(Number.NaN))?.reason).toBe(
      'the router sends an unreadable% to the canary; Gantry set 25%',
    );
    expect(driftOf(25, seen(25, { ready: false, readyReplicas: 1 }))?.reason).toBe(
      'canary not ready: 1/2 pods ready',
    );
    expect(driftOf(25, seen(25, { crashLooping: ['c-0', 'c-1'] }))?.reason).toBe(
      'canary pods crash-looping: c-0, c-1',
    );
  });
});

describe('driftAction', () => {
  it.each([
    ['weight', 'correct', 'correct'],
    ['weight', 'pause', 'pause'],
    ['readiness', 'correct', 'pause'],
    ['readiness', 'pause', 'pause'],
  ] as const)('%s drift under onDrift: %s → %s', (kind, policy, action) => {
    expect(driftAction({ kind, reason: 'x' }, policy)).toBe(action);
  });
});
