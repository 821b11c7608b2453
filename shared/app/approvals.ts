import type { ApprovalDecision } from '../contracts/activities.js';
import { Events, phaseInstanceId } from '../contracts/events.js';
import type { ApprovalRecord, DeploymentRecord, TimelineEntry } from '../domain/deployment.js';
import { decisionsOfRequest, pendingRingApproval } from '../domain/ring-approval.js';
import { ringPhaseInstanceId } from '../domain/rings.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { findDeployment } from './deployments.js';
import { AppError } from './errors.js';
import type { Principal } from './principal.js';
import { auditRefusal } from './refusals.js';

/**
 * The approval requirement the orchestration recorded when it started waiting, since when, and the
 * verdicts an approver has in front of them (gates, smoke checks, test workflows) to keep with the decision.
 */
function pendingRequirement(
  events: readonly TimelineEntry[],
  request: readonly TimelineEntry[],
  id: string,
): { decision: ApprovalDecision; since: string; evidence: Record<string, unknown> } {
  const entry = [...request].reverse().find((e) => e.title === 'approval:required');
  if (!entry?.evidence)
    throw new AppError(409, 'not-awaiting-approval', `Deployment ${id} is not waiting for an approval.`);
  const verdicts = (prefix: string) =>
    Object.fromEntries(
      events
        .filter((e) => e.title.startsWith(prefix))
        .map((e) => [e.title.slice(prefix.length), e.verdict ?? 'unknown']),
    );
  const evidence = { gates: verdicts('gate:'), smoke: verdicts('smoke:'), tests: verdicts('test:') };
  return { decision: entry.evidence as unknown as ApprovalDecision, since: entry.at, evidence };
}

type DecisionInput = {
  id: string;
  principal: Principal;
  decision: 'approve' | 'reject';
  comment?: string;
  at: string;
};

/**
 * The policy's verdict on a decision, reached exactly as `decide` reaches it but without recording or
 * delivering anything: `GET /api/me` asks it so a client offers only the decisions that would be accepted.
 */
export async function assessDecision(
  ports: Ports,
  input: DecisionInput,
): Promise<{
  deployment: DeploymentRecord;
  approval: ApprovalRecord;
  check: { accepted: boolean; refusal?: string };
  /** The orchestration instance waiting for this decision: ring 0's approval phase or a later ring's. */
  instance: string;
}> {
  const { id, principal, decision, comment, at } = input;
  const deployment = await findDeployment(ports, id);
  const events = await ports.store.listEvents(id);
  // A later ring's own approval waits while the record says Verifying (ring 0 is past its approval).
  const ring = deployment.state === 'Verifying' ? pendingRingApproval(events) : undefined;
  if (deployment.state !== 'AwaitingApproval' && !ring) {
    throw new AppError(
      409,
      'not-awaiting-approval',
      `Deployment ${id} is ${deployment.state}, not waiting for an approval.`,
    );
  }
  const { decision: requirement, since, evidence } = pendingRequirement(events, ring?.since ?? events, id);
  const approval: ApprovalRecord = {
    deploymentId: id,
    approver: principal.name,
    decision,
    comment,
    at,
    accepted: false,
    groups: principal.groups,
    evidence: { image: deployment.image, ...evidence, ...(ring && { ring: ring.ring }) },
  };
  const accepted = (await ports.store.listApprovals(id)).filter((a) => a.accepted);
  const previous = ring ? decisionsOfRequest(accepted, since) : accepted;
  const check = ports.config.checkApproval({
    deployment,
    approval,
    decision: requirement,
    previous,
    waitingSince: since,
    at,
  });
  const instance = ring ? ringPhaseInstanceId(id, 'approval', ring.ring, 0) : phaseInstanceId(id, 'approval');
  return { deployment, approval, check, instance };
}

/**
 * Approve or reject: checked here against the policy the orchestration is applying (reviewer group,
 * no self-approval, once per person, not expired), recorded whether accepted or refused (refusals within
 * a bound per caller, shared/app/refusals.ts), then delivered to the approval phase, which checks again.
 */
export async function decide(
  ports: Ports,
  control: OrchestrationControl,
  input: DecisionInput,
): Promise<{ deployment: DeploymentRecord; approval: ApprovalRecord }> {
  const { id, principal, decision, comment } = input;
  if (decision === 'reject' && !comment?.trim())
    throw new AppError(400, 'comment-required', 'A rejection needs a comment.');
  const { deployment, approval, check, instance } = await assessDecision(ports, input);
  if (!check.accepted) {
    await auditRefusal(ports, { ...approval, refusal: check.refusal });
    throw new AppError(403, 'approval-refused', check.refusal ?? 'approval refused', {
      approver: principal.name,
    });
  }
  const delivered = await control.raise(instance, Events.approval.name, approval);
  if (delivered !== 'accepted')
    throw new AppError(
      409,
      'not-awaiting-approval',
      `Deployment ${id} is no longer waiting for an approval.`,
    );
  return { deployment, approval: { ...approval, accepted: true } };
}
