import type { OrchestrationContext } from 'durable-functions';
import { Activities, type ApprovalDecision } from '../../shared/contracts/activities.js';
import { Events } from '../../shared/contracts/events.js';
import type { ApprovalRecord } from '../../shared/domain/deployment.js';
import { after, call, nowIso, type Flow } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

type Required = Extract<ApprovalDecision, { kind: 'required' }>;
/** How the wait ended: enough humans, an auto-approve window that opened, or a final result. */
type Granted = { by: 'human' } | { by: 'window' } | { by: 'stop'; result: PhaseResult };

/**
 * Decides whether a human is needed; if so waits for M distinct accepted approvals (each re-checked here
 * before it counts), an auto-approve window opening, a rejection, the expiry, or an interrupt, then
 * honours the wait timer (counted from the first request). A window's approval lasts only while the
 * window is open: when the wait timer ends after the window closed, the canary has not started, so the
 * policy is asked again and a human is required once more (see docs/configuration.md).
 */
export function* approvalPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'approval', 4);
  const early = yield* p.begin();
  if (early) return interrupted(early);
  let decision = yield* decide(p, 'approval');
  const firstRequest = nowIso(ctx);
  for (;;) {
    if (decision.kind === 'auto') return { outcome: 'passed', detail: decision.reason };
    if (decision.kind === 'blocked')
      return { outcome: 'failed', reason: `blocked by freeze: ${decision.reason}` };
    const granted = yield* collectApprovals(p, decision, nowIso(ctx));
    if (granted.by === 'stop') return granted.result;
    const waited = yield* waitTimer(p, firstRequest, decision.waitTimerMs);
    if (waited) return waited;
    if (granted.by === 'human' || waited === false) return { outcome: 'passed' };
    decision = yield* decide(p, 'approval:recheck');
    if (decision.kind === 'required')
      yield* p.rec.note('decision', 'approval:auto withdrawn (window closed)', { verdict: 'warn' });
  }
}

function* decide(p: PhaseScope, prefix: string): Flow<ApprovalDecision> {
  // The activity records `<prefix>:<kind>` itself (one activity, not two).
  return yield* call(p.ctx, Activities.decideApproval, {
    service: p.run.deployment.service,
    environment: 'production',
    at: nowIso(p.ctx),
    // A ring's own request is decided under the ring's overrides (reviewers, M of N, wait timer).
    ...(p.run.train && { ring: p.run.train.ring }),
    record: { ...p.rec.own(), prefix },
  });
}

/** Sleeps out the wait timer: false when none was left, undefined after sleeping, a result when stopped. */
function* waitTimer(p: PhaseScope, since: string, ms: number): Flow<PhaseResult | false | undefined> {
  const until = Date.parse(since) + ms;
  const remaining = until - p.ctx.df.currentUtcDateTime.getTime();
  if (remaining <= 0) return false;
  p.status({ waitingFor: 'wait timer', step: `until ${new Date(until).toISOString()}` });
  const interrupt = yield* p.interrupts.sleep(remaining);
  return interrupt ? interrupted(interrupt) : undefined;
}

/**
 * Waits on one timer at a time: the earlier of the expiry and the next auto-approval moment the policy
 * computed. When the latter fires the policy is asked again (config may have changed meanwhile).
 */
function* collectApprovals(p: PhaseScope, first: Required, waitingSince: string): Flow<Granted> {
  const { ctx } = p;
  const expiry = after(ctx, first.expiryMs);
  let decision = first;
  const approvers = new Set<string>();
  while (approvers.size < decision.minApprovers) {
    const opens = decision.autoApproveAt ? new Date(decision.autoApproveAt) : undefined;
    const deadline = opens && opens < expiry ? opens : expiry;
    p.status({
      waitingFor: `approval by ${decision.reviewers.join(' or ')} (${approvers.size}/${decision.minApprovers})`,
      ...(deadline === opens ? { step: `auto-approves at ${opens.toISOString()}` } : {}),
    });
    const r = yield* p.interrupts.race<ApprovalRecord>(
      ctx.df.waitForExternalEvent(Events.approval.name),
      deadline,
    );
    if (r.kind === 'timeout' && deadline !== opens) {
      yield* p.rec.note('decision', 'approval:expired', { verdict: 'fail' });
      return stop({ outcome: 'failed', reason: `approval expired at ${expiry.toISOString()}` });
    }
    if (r.kind === 'timeout') {
      const again = yield* decide(p, 'approval:window');
      if (again.kind === 'auto') {
        yield* p.rec.note('decision', 'approval:auto (window opened)', {
          actor: 'approval:auto',
          verdict: 'pass',
        });
        return { by: 'window' };
      }
      if (again.kind === 'blocked')
        return stop({ outcome: 'failed', reason: `blocked by freeze: ${again.reason}` });
      decision = again;
      continue;
    }
    if (r.kind !== 'done') return stop(interrupted(r));
    const verdict = yield* judge(p, decision, r.value, waitingSince);
    if (verdict) return stop(verdict);
    if (verdict === false) continue;
    approvers.add(r.value.approver);
  }
  return { by: 'human' };
}

const stop = (result: PhaseResult): Granted => ({ by: 'stop', result });

/** Checks and records one approval event: false when refused, a result for a rejection, else undefined. */
function* judge(
  p: PhaseScope,
  decision: Required,
  approval: ApprovalRecord,
  waitingSince: string,
): Flow<PhaseResult | false | undefined> {
  const check = yield* call(p.ctx, Activities.checkApproval, {
    deploymentId: p.run.deployment.id,
    service: p.run.deployment.service,
    approval: { ...approval, groups: approval.groups ?? [] },
    decision,
    waitingSince,
    at: nowIso(p.ctx),
    // A later ring's own approval: only decisions on this request count (shared/domain/ring-approval.ts).
    ...(p.run.train && { ring: p.run.train.ring }),
    record: p.rec.own(), // the activity records the judged decision (`approvalEntry`)
  });
  if (!check.accepted) return false;
  if (approval.decision === 'reject')
    return {
      outcome: 'failed',
      reason: `rejected by ${approval.approver}: ${approval.comment ?? ''}`.trim(),
    };
  return undefined;
}
