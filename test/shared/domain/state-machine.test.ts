import { describe, expect, it } from 'vitest';
import type { DeploymentRecord, DeploymentState } from '../../../shared/domain/deployment.js';
import {
  canTransition,
  DEPLOYMENT_STATES,
  isTerminal,
  nextStates,
  transition,
  TransitionError,
} from '../../../shared/domain/state-machine.js';

/** The lifecycle written out by hand; the test checks every one of the 13 × 13 pairs against it. */
const ALLOWED: Record<DeploymentState, DeploymentState[]> = {
  Queued: ['Gating', 'Failed', 'Cancelled', 'Superseded'],
  Gating: ['Staging', 'Failed', 'Cancelled'],
  Staging: ['Testing', 'AwaitingApproval', 'Canary', 'Failed', 'Cancelled'],
  Testing: ['AwaitingApproval', 'Canary', 'Failed', 'Cancelled'],
  AwaitingApproval: ['Canary', 'Failed', 'Cancelled'],
  Canary: ['Promoting', 'Failed', 'RolledBack', 'Cancelled'],
  Promoting: ['Verifying', 'Failed', 'RolledBack', 'Cancelled'],
  Verifying: ['Succeeded', 'Failed', 'RolledBack', 'Cancelled'],
  Succeeded: [],
  Failed: [],
  RolledBack: [],
  Cancelled: [],
  Superseded: [],
};

const pairs = DEPLOYMENT_STATES.flatMap((from) =>
  DEPLOYMENT_STATES.map((to) => [from, to, ALLOWED[from].includes(to)] as const),
);

describe('canTransition', () => {
  it('knows all 13 states', () => {
    expect(DEPLOYMENT_STATES).toHaveLength(13);
    expect(pairs).toHaveLength(169);
  });

  it.each(pairs)('%s → %s: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it.each(DEPLOYMENT_STATES)('nextStates(%s) matches the table', (from) => {
    expect(new Set(nextStates(from))).toEqual(new Set(ALLOWED[from]));
    expect(isTerminal(from)).toBe(ALLOWED[from].length === 0);
  });
});

describe('transition', () => {
  const record: DeploymentRecord = {
    id: 'apigateway-abcdef012345',
    service: 'ApiGateway',
    image: { registry: 'r.io', repository: 'api-gateway', digest: 'sha256:' + 'a'.repeat(64) },
    state: 'Testing',
    source: 'event-grid',
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:05:00.000Z',
    weight: 0,
  };

  it('moves to an allowed state, recording the reason and time, without mutating the input', () => {
    const next = transition(record, 'Canary', 'auto-approved', '2026-11-27T10:06:00.000Z');
    expect(next).toMatchObject({
      state: 'Canary',
      reason: 'auto-approved',
      updatedAt: '2026-11-27T10:06:00.000Z',
    });
    expect(record.state).toBe('Testing');
  });

  it('keeps updatedAt when no time is given', () => {
    expect(transition(record, 'Failed', 'tests failed').updatedAt).toBe(record.updatedAt);
  });

  it('is a no-op for the current state (a retried activity)', () => {
    expect(transition(record, 'Testing', 'again')).toBe(record);
  });

  it.each<[DeploymentState, DeploymentState]>([
    ['Testing', 'Succeeded'],
    ['Testing', 'RolledBack'],
    ['Testing', 'Superseded'],
    ['Succeeded', 'Failed'],
    ['Cancelled', 'Queued'],
  ])('refuses %s → %s with a coded error', (from, to) => {
    const attempt = () => transition({ ...record, state: from }, to, 'x');
    expect(attempt).toThrow(TransitionError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'illegal-transition', from, to }));
  });
});
