import type { ApprovalPolicy, Duration, FreezeWindow, TimeWindow } from '../contracts/plan.js';
import { activeFreeze, freezeLiftsAt, toInstant, windowContains } from './calendar.js';
import type { ApprovalRecord, DeploymentRecord } from './deployment.js';

/**
 * Whether a deployment needs a human before production, and whether a given person may be that human.
 * Pure: the orchestration passes its replay-safe clock in `at`/`now`.
 */

export type ApprovalOutcome =
  | { kind: 'auto'; reason: string }
  | {
      kind: 'required';
      reason: string;
      reviewers: string[];
      minApprovers: number;
      waitTimer: Duration;
      /** Earliest time the canary may start even when approved (request time + wait timer). */
      waitUntil: string;
      /** The request fails when not approved by then. */
      expiresAt: string;
      forbidSelfApproval: boolean;
    }
  | { kind: 'blocked'; freeze: FreezeWindow; reason: string; until: string };

export interface ApprovalQuestion {
  environment: 'staging' | 'production';
  at: Date | string;
  policy: ApprovalPolicy;
  freezes: readonly FreezeWindow[];
}

function describeWindow(window: TimeWindow): string {
  const days = window.days && window.days.length > 0 ? `${window.days.join(',')} ` : '';
  return `${days}${window.from}-${window.to} ${window.timeZone}`;
}

/**
 * Staging is always automatic. In production a freeze blocks (even inside an auto-approve window);
 * otherwise an auto-approve window lets the deployment through; otherwise reviewers are required.
 */
export function decideApproval(question: ApprovalQuestion): ApprovalOutcome {
  if (question.environment === 'staging') return { kind: 'auto', reason: 'staging deploys automatically' };
  const at = toInstant(question.at);
  const freeze = activeFreeze(question.freezes, at);
  if (freeze) {
    const until = freezeLiftsAt(question.freezes, at) as Date;
    return {
      kind: 'blocked',
      freeze,
      reason: `freeze "${freeze.name}": ${freeze.reason}`,
      until: until.toISOString(),
    };
  }
  const { policy } = question;
  const window = policy.autoApprove.find((w) => windowContains(w, at));
  if (window) return { kind: 'auto', reason: `inside the auto-approve window ${describeWindow(window)}` };
  return {
    kind: 'required',
    reason:
      policy.autoApprove.length > 0
        ? `outside the auto-approve windows (${policy.autoApprove.map(describeWindow).join('; ')})`
        : 'production requires approval',
    reviewers: [...policy.reviewers],
    minApprovers: policy.minApprovers,
    waitTimer: policy.waitTimer,
    waitUntil: new Date(at + policy.waitTimer).toISOString(),
    expiresAt: new Date(at + policy.expiry).toISOString(),
    forbidSelfApproval: policy.forbidSelfApproval,
  };
}

export type ApproverRefusal = 'approval-expired' | 'not-a-reviewer' | 'self-approval' | 'duplicate-approver';

export type ApproverVerdict =
  | {
      accepted: true;
      /** Distinct accepted approvers, this one included when approving. */
      approvals: number;
      /** Enough approvers for the policy (never true for a rejection). */
      satisfied: boolean;
      /** When the canary may start: now, or the end of the wait timer. */
      proceedAt: string;
    }
  | { accepted: false; code: ApproverRefusal; reason: string };

export interface ApproverQuestion {
  /** The caller's identity (user principal name, e-mail or login). */
  approver: string;
  /** The caller's group claims. */
  groups: readonly string[];
  deployment: Pick<DeploymentRecord, 'pushedBy' | 'commitAuthor'>;
  /** Decisions already recorded for this deployment; refused ones are ignored. */
  previousApprovals: readonly ApprovalRecord[];
  policy: ApprovalPolicy;
  now: Date | string;
  /** When the approval was requested. */
  waitingSince: Date | string;
  /** Defaults to `approve`. A rejection may come from the pusher: stopping one's own release is fine. */
  decision?: 'approve' | 'reject';
}

/** Identities and groups compare case-insensitively (UPNs, e-mails and GitHub logins all do). */
const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

const refuse = (code: ApproverRefusal, reason: string): ApproverVerdict => ({
  accepted: false,
  code,
  reason,
});

export function validateApprover(question: ApproverQuestion): ApproverVerdict {
  const { approver, policy, deployment } = question;
  const decision = question.decision ?? 'approve';
  const now = toInstant(question.now);
  const since = toInstant(question.waitingSince);
  if (now >= since + policy.expiry) {
    return refuse(
      'approval-expired',
      `the approval request expired at ${new Date(since + policy.expiry).toISOString()}`,
    );
  }
  if (approver.trim() === '') return refuse('not-a-reviewer', 'no approver identity');
  if (!question.groups.some((group) => policy.reviewers.some((reviewer) => same(group, reviewer)))) {
    return refuse(
      'not-a-reviewer',
      `${approver} is not in any reviewer group (${policy.reviewers.join(', ')})`,
    );
  }
  if (decision === 'approve' && policy.forbidSelfApproval) {
    if (same(approver, deployment.pushedBy)) return refuse('self-approval', `${approver} pushed this image`);
    if (same(approver, deployment.commitAuthor))
      return refuse('self-approval', `${approver} authored this commit`);
  }
  const accepted = question.previousApprovals.filter((a) => a.accepted);
  if (accepted.some((a) => same(a.approver, approver))) {
    return refuse('duplicate-approver', `${approver} has already decided on this deployment`);
  }
  const approvers = new Set(
    accepted.filter((a) => a.decision === 'approve').map((a) => a.approver.trim().toLowerCase()),
  );
  if (decision === 'approve') approvers.add(approver.trim().toLowerCase());
  return {
    accepted: true,
    approvals: approvers.size,
    satisfied: decision === 'approve' && approvers.size >= policy.minApprovers,
    proceedAt: new Date(Math.max(now, since + policy.waitTimer)).toISOString(),
  };
}
