import { TERMINAL_STATES, type DeploymentState } from '../domain/deployment.js';
import {
  deploymentPermissions,
  type ApprovalVerdicts,
  type DeploymentAction,
  type Permission,
} from '../domain/permissions.js';
import { phaseInstanceId } from '../contracts/events.js';
import { quarantineRefusal } from '../domain/quarantine.js';
import { DEPLOYMENT_ID } from '../domain/retry.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { assessDecision } from './approvals.js';
import { findDeployment } from './deployments.js';
import { AppError } from './errors.js';
import { READER } from '../domain/roles.js';
import { requireRole } from './authorize.js';
import { principalFrom, type Principal } from './principal.js';
import type { Trust } from './trust.js';

export interface CallerView {
  authenticated: boolean;
  /** `roles` are Gantry's app roles, implied ones included: what a client may offer. */
  principal: Pick<Principal, 'name' | 'groups' | 'roles' | 'source'> | null;
  /** The app clock's time: lets a client show ages that agree with the server (and a virtual clock). */
  serverTime: string;
  deployment?: { id: string; state: DeploymentState; actions: Record<DeploymentAction, Permission> };
}

/**
 * The caller, or null when the request carries no identity at all. A malformed identity is still a 401:
 * "who am I" must not quietly answer "nobody" for a broken App Service header.
 */
export function callerFrom(
  headers: { get(name: string): string | null },
  devPrincipal: string | undefined,
  trust: Trust,
): Principal | null {
  try {
    return principalFrom(headers, devPrincipal, trust);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthenticated') return null;
    throw error;
  }
}

async function approvalVerdicts(
  ports: Ports,
  input: { id: string; principal: Principal; at: string },
): Promise<ApprovalVerdicts | undefined> {
  try {
    const [approve, reject] = await Promise.all(
      (['approve', 'reject'] as const).map(async (decision) => {
        const { check } = await assessDecision(ports, { ...input, decision });
        return check;
      }),
    );
    return approve && reject ? { approve, reject } : undefined;
  } catch (error) {
    // The request closed between reading the record and the policy check: nothing to decide.
    if (error instanceof AppError && error.code === 'not-awaiting-approval') return undefined;
    throw error;
  }
}

/**
 * Who the caller is and, for one deployment, which actions would be accepted now, so a client can show
 * only the controls that work. Answers anonymous callers and callers without roles too; the deployment
 * part is a read, so it needs an identity (401) with the Reader role (403).
 */
export async function describeCaller(
  ports: Ports,
  input: { principal: Principal | null; deploymentId?: string | null; at: string },
  control?: Pick<OrchestrationControl, 'status'>,
): Promise<CallerView> {
  const { principal, at } = input;
  const view: CallerView = {
    authenticated: principal !== null,
    principal: principal && {
      name: principal.name,
      groups: principal.groups,
      roles: principal.roles,
      source: principal.source,
    },
    serverTime: at,
  };
  const id = input.deploymentId ?? undefined;
  if (id === undefined) return view;
  if (!DEPLOYMENT_ID.test(id))
    throw new AppError(
      400,
      'invalid-parameter',
      "'deployment' is not a deployment id (<service>-<12 hex>[-r<n>]).",
      {
        parameter: 'deployment',
      },
    );
  if (!principal)
    throw new AppError(401, 'unauthenticated', 'Sign in to see what you may do to a deployment.');
  requireRole(principal, READER, 'Reading a deployment');
  const deployment = await findDeployment(ports, id);
  const approval =
    deployment.state === 'AwaitingApproval'
      ? await approvalVerdicts(ports, { id, principal, at })
      : undefined;
  const canary =
    control && deployment.state === 'Canary'
      ? await control.status(phaseInstanceId(id, 'canary'))
      : undefined;
  const retry =
    deployment.retriedBy !== undefined ? await ports.store.findDeployment(deployment.retriedBy) : undefined;
  // Only a finished run may be retried, so only then does its digest's quarantine matter.
  const quarantine = TERMINAL_STATES.has(deployment.state)
    ? await ports.store.getQuarantine(deployment.service, deployment.image.digest)
    : undefined;
  const actions = deploymentPermissions({
    authenticated: true,
    id,
    roles: principal.roles,
    state: deployment.state,
    approval,
    paused: (canary?.customStatus as { paused?: unknown } | undefined)?.paused === true,
    retriedBy: deployment.retriedBy,
    retryState: retry?.state,
    quarantined: quarantineRefusal(quarantine)?.message,
  });
  return { ...view, deployment: { id, state: deployment.state, actions } };
}
