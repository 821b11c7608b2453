import { TERMINAL_STATES, type DeploymentRecord, type DeploymentState } from './deployment.js';

/**
 * The deployment lifecycle. The happy path is
 * Queued → Gating → Staging → Testing → AwaitingApproval → Canary → Promoting → Verifying → Succeeded,
 * with two skips: Testing when a service has no smoke checks or test workflows, and AwaitingApproval
 * when the approval policy auto-approves (both may apply: Staging → Canary). Any non-terminal state
 * may fail or be cancelled; only states that have touched production traffic can be rolled back; and
 * only a deployment that has not started can be superseded by a newer push.
 */

const FORWARD: Readonly<Record<DeploymentState, readonly DeploymentState[]>> = {
  Queued: ['Gating', 'Superseded'],
  Gating: ['Staging'],
  Staging: ['Testing', 'AwaitingApproval', 'Canary'],
  Testing: ['AwaitingApproval', 'Canary'],
  AwaitingApproval: ['Canary'],
  Canary: ['Promoting', 'RolledBack'],
  Promoting: ['Verifying', 'RolledBack'],
  Verifying: ['Succeeded', 'RolledBack'],
  Succeeded: [],
  Failed: [],
  RolledBack: [],
  Cancelled: [],
  Superseded: [],
};

export const DEPLOYMENT_STATES = Object.keys(FORWARD) as DeploymentState[];

export class TransitionError extends Error {
  readonly code = 'illegal-transition';
  constructor(
    readonly from: DeploymentState,
    readonly to: DeploymentState,
  ) {
    super(`a deployment cannot move from ${from} to ${to}`);
    this.name = 'TransitionError';
  }
}

export function isTerminal(state: DeploymentState): boolean {
  return TERMINAL_STATES.has(state);
}

/** Whether `from → to` is a real move in the lifecycle (staying in the same state is not). */
export function canTransition(from: DeploymentState, to: DeploymentState): boolean {
  if (isTerminal(from)) return false;
  if (to === 'Failed' || to === 'Cancelled') return true;
  return FORWARD[from].includes(to);
}

/** The states reachable from `from` in one move. */
export function nextStates(from: DeploymentState): DeploymentState[] {
  return DEPLOYMENT_STATES.filter((to) => canTransition(from, to));
}

/**
 * Moves a record to `to`, returning a new record. A record already in `to` is returned unchanged, because
 * activities run at least once and a retried write must not turn into an error. `at` (ISO time) becomes
 * `updatedAt` when given; the caller supplies it so the function stays pure.
 */
export function transition(
  record: DeploymentRecord,
  to: DeploymentState,
  reason: string,
  at?: string,
): DeploymentRecord {
  if (record.state === to) return record;
  if (!canTransition(record.state, to)) throw new TransitionError(record.state, to);
  return { ...record, state: to, reason, ...(at !== undefined && { updatedAt: at }) };
}
