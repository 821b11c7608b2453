import { TERMINAL_STATES, type DeploymentState } from './deployment.js';
import { retryRefusal } from './retry.js';
import { roleForAction, type Role } from './roles.js';

/** The actions `POST /api/deployments/{id}/{action}` accepts, by their URL names. */
export const DEPLOYMENT_ACTIONS = [
  'approve',
  'reject',
  'cancel',
  'abort',
  'skip-analysis',
  'resume',
  'retry',
] as const;
export type DeploymentAction = (typeof DEPLOYMENT_ACTIONS)[number];

export interface Permission {
  allowed: boolean;
  /** Why not, in the words the action endpoint would answer with. */
  reason?: string;
}

/** The approval policy's verdict for this caller; undefined when no approval request is open. */
export interface ApprovalVerdicts {
  approve: { accepted: boolean; refusal?: string };
  reject: { accepted: boolean; refusal?: string };
}

export interface PermissionQuestion {
  authenticated: boolean;
  /** The deployment's id (a retry's number decides whether another retry is allowed). */
  id?: string;
  /** The caller's Gantry roles, implied ones included. */
  roles: readonly Role[];
  state: DeploymentState;
  approval?: ApprovalVerdicts;
  /** The canary's analysis is paused for an operator (an exhausted limit). */
  paused?: boolean;
  /** The run that already retried this one, and its state (when it could be read). */
  retriedBy?: string;
  retryState?: DeploymentState;
  /** Why the deployment's digest is quarantined (a retry is refused until it is lifted). */
  quarantined?: string;
}

const deny = (reason: string): Permission => ({ allowed: false, reason });
const ALLOW: Permission = { allowed: true };

function decision(q: PermissionQuestion, which: 'approve' | 'reject'): Permission {
  if (q.state !== 'AwaitingApproval')
    return deny(`the deployment is ${q.state}, not waiting for an approval`);
  const verdict = q.approval?.[which];
  if (!verdict) return deny('the approval request is not open yet');
  return verdict.accepted ? ALLOW : deny(verdict.refusal ?? 'refused by the approval policy');
}

/**
 * What a caller may do to a deployment right now: the rules the action endpoints apply, asked in
 * advance so a client shows only the controls that would work. The endpoints still check again.
 */
export function deploymentPermissions(q: PermissionQuestion): Record<DeploymentAction, Permission> {
  const all = (p: Permission) =>
    Object.fromEntries(DEPLOYMENT_ACTIONS.map((a) => [a, p])) as Record<DeploymentAction, Permission>;
  if (!q.authenticated) return all(deny('sign in to act on deployments'));
  const byState = permissionsByState(q);
  // A missing role is the reason given before any state rule: that action is never this caller's.
  return Object.fromEntries(
    DEPLOYMENT_ACTIONS.map((a) => {
      const role = roleForAction(a);
      return [a, q.roles.includes(role) ? byState[a] : deny(`${a} needs the ${role} role`)];
    }),
  ) as Record<DeploymentAction, Permission>;
}

function permissionsByState(q: PermissionQuestion): Record<DeploymentAction, Permission> {
  const refusal = retryRefusal(
    { id: q.id ?? '', state: q.state, retriedBy: q.retriedBy },
    q.retriedBy !== undefined && q.retryState !== undefined
      ? { id: q.retriedBy, state: q.retryState }
      : undefined,
    'the deployment',
  );
  const retry = refusal ? deny(refusal.message) : q.quarantined ? deny(q.quarantined) : ALLOW;
  const all = (p: Permission) =>
    Object.fromEntries(DEPLOYMENT_ACTIONS.map((a) => [a, p])) as Record<DeploymentAction, Permission>;
  if (TERMINAL_STATES.has(q.state))
    return { ...all(deny(`the deployment already ended (${q.state})`)), retry };
  return {
    approve: decision(q, 'approve'),
    reject: decision(q, 'reject'),
    cancel: ALLOW,
    abort: ALLOW,
    'skip-analysis':
      q.state === 'Canary' ? ALLOW : deny(`skip-analysis applies during the canary, not ${q.state}`),
    resume: q.paused ? ALLOW : deny('the canary analysis is not paused'),
    retry,
  };
}
