import type { OrchestrationContext } from 'durable-functions';
import { Activities, type ApprovalDecision } from '../../shared/contracts/activities.js';
import { Events } from '../../shared/contracts/events.js';
import type { ApprovalRecord } from '../../shared/domain/deployment.js';
import { after, call, nowIso, type Flow } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

type Required = Extract<ApprovalDecision, { kind: 'required' }>;

/**
 * Decides whether a human is needed; if so waits for M distinct accepted approvals (each re-checked here
 * before it counts), a rejection, the expiry, or an interrupt, then honours the wait timer.
 */
export function* approvalPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'approval', 4);
  const early = yield* p.begin();
  if (early) return interrupted(early);
  const { deployment } = p.run;
  const decision = yield* call(ctx, Activities.decideApproval, {
    service: deployment.service,
    environment: 'production',
    at: nowIso(ctx),
  });
  yield* p.rec.note('decision', `approval:${decision.kind}`, { evidence: { ...decision } });
  if (decision.kind === 'auto') return { outcome: 'passed', detail: decision.reason };
  if (decision.kind === 'blocked')
    return { outcome: 'failed', reason: `blocked by freeze: ${decision.reason}` };
  const waitingSince = nowIso(ctx);
  const approved = yield* collectApprovals(p, decision, waitingSince);
  if (approved) return approved;
  const remaining = Date.parse(waitingSince) + decision.waitTimerMs - ctx.df.currentUtcDateTime.getTime();
  if (remaining > 0) {
    p.status({
      waitingFor: 'wait timer',
      step: `until ${new Date(Date.parse(waitingSince) + decision.waitTimerMs).toISOString()}`,
    });
    const interrupt = yield* p.interrupts.sleep(remaining);
    if (interrupt) return interrupted(interrupt);
  }
  return { outcome: 'passed' };
}

/** Returns a final result when the run must stop, or undefined once enough approvals are in. */
function* collectApprovals(
  p: PhaseScope,
  decision: Required,
  waitingSince: string,
): Flow<PhaseResult | undefined> {
  const { ctx } = p;
  const { deployment } = p.run;
  const expiry = after(ctx, decision.expiryMs);
  const approvers = new Set<string>();
  while (approvers.size < decision.minApprovers) {
    p.status({
      waitingFor: `approval by ${decision.reviewers.join(' or ')} (${approvers.size}/${decision.minApprovers})`,
    });
    const r = yield* p.interrupts.race<ApprovalRecord>(
      ctx.df.waitForExternalEvent(Events.approval.name),
      expiry,
    );
    if (r.kind === 'timeout') {
      yield* p.rec.note('decision', 'approval:expired', { verdict: 'fail' });
      return { outcome: 'failed', reason: `approval expired at ${expiry.toISOString()}` };
    }
    if (r.kind !== 'done') return interrupted(r);
    const approval = r.value;
    const check = yield* call(ctx, Activities.checkApproval, {
      deploymentId: deployment.id,
      service: deployment.service,
      approval: { ...approval, groups: approval.groups ?? [] },
      decision,
      waitingSince,
      at: nowIso(ctx),
    });
    const title = `${approval.decision}:${check.accepted ? 'accepted' : 'refused'}`;
    yield* p.rec.note('decision', title, {
      actor: approval.approver,
      comment: approval.comment,
      verdict: check.accepted ? (approval.decision === 'approve' ? 'pass' : 'fail') : 'warn',
      evidence: check.refusal ? { refusal: check.refusal } : undefined,
    });
    if (!check.accepted) continue;
    if (approval.decision === 'reject')
      return {
        outcome: 'failed',
        reason: `rejected by ${approval.approver}: ${approval.comment ?? ''}`.trim(),
      };
    approvers.add(approval.approver);
  }
  return undefined;
}
