import type { ApprovalDecision } from '../contracts/activities.js';
import type { ApprovalRecord } from '../domain/deployment.js';
import { decisionsOfRequest } from '../domain/ring-approval.js';
import type { Ports } from '../ports/index.js';

export async function decideApproval(
  ports: Ports,
  input: { service: string; environment: 'staging' | 'production'; at: string; ring?: string },
): Promise<ApprovalDecision> {
  return ports.config.decideApproval(input.service, input.environment, input.at, input.ring);
}

/**
 * The orchestration's own check of an approval event, against the stored deployment and the approvals
 * already accepted (the HTTP layer checked too, but the event could be raised by anyone with the system
 * key). The decision is recorded whether accepted or refused.
 */
export async function checkApproval(
  ports: Ports,
  input: {
    deploymentId: string;
    service: string;
    approval: ApprovalRecord;
    decision: ApprovalDecision;
    waitingSince: string;
    at: string;
    ring?: string;
  },
): Promise<{ accepted: boolean; refusal?: string }> {
  const deployment = await ports.store.getDeployment(input.service, input.deploymentId);
  if (!deployment) return { accepted: false, refusal: 'unknown deployment' };
  const accepted = (await ports.store.listApprovals(input.deploymentId)).filter(
    (a) => a.accepted && a.at !== input.approval.at,
  );
  const previous = input.ring ? decisionsOfRequest(accepted, input.waitingSince) : accepted;
  const result = ports.config.checkApproval({
    deployment,
    approval: input.approval,
    decision: input.decision,
    previous,
    waitingSince: input.waitingSince,
    at: input.at,
  });
  await ports.store.recordApproval({ ...input.approval, accepted: result.accepted, refusal: result.refusal });
  return result;
}
