import type { ApprovalPolicy, PipelinePlan } from '../contracts/plan.js';
import type { TimelineEntry } from './deployment.js';

/**
 * Per-ring approval, pure: which approval an approve/reject of a train is meant for, and which earlier
 * decisions count against it. A ring's approval reuses the approval phase under the instance id
 * `deploy:<id>:approval@<ring>`; the ring orchestration brackets it on the timeline with the two titles
 * below, so the API can tell the ring's pending request from ring 0's (long decided) one.
 */

export const ringApprovalOpened = (ring: string): string => `ring:${ring}:approval`;
export const ringApprovalClosed = (ring: string): string => `ring:${ring}:approval-ended`;

const OPENED = /^ring:([a-z0-9-]+):approval$/;
const CLOSED = /^ring:([a-z0-9-]+):approval-ended$/;

/**
 * The ring whose approval is open on this timeline (rings run one at a time, so at most one), and the
 * timeline entries from the instant it opened: only an `approval:required` among those is that ring's
 * request (ring 0's was recorded at least a soak earlier).
 */
export function pendingRingApproval(
  events: readonly TimelineEntry[],
): { ring: string; since: TimelineEntry[] } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const title = events[i]?.title ?? '';
    if (CLOSED.test(title)) return undefined;
    const opened = events[i];
    const ring = OPENED.exec(title)?.[1];
    // By time, not position: the approval phase's entries of the same instant sort before the ring's
    // (their recorder slot is lower), yet they belong to this request.
    if (ring && opened) return { ring, since: events.filter((e) => e !== opened && e.at >= opened.at) };
  }
  return undefined;
}

/**
 * Decisions that count against an approver of a ring: only those made on this ring's request (since it
 * started waiting), so the person who approved ring 0 may approve ring 1, but not twice for ring 1.
 */
export function decisionsOfRequest<T extends { at: string }>(
  previous: readonly T[],
  waitingSince: string,
): T[] {
  return previous.filter((a) => a.at >= waitingSince);
}

/**
 * The approval policy a request of `ring` is decided under: the service's production policy, with what
 * the ring's own `approval` overrides (reviewers, minApprovers, waitTimer, autoApprove windows). The
 * self-approval rule and the expiry stay the service's. Ring 0, a ring without its own approval, and an
 * unknown ring name get the service's policy unchanged; undefined: the plan has no approval policy.
 */
export function approvalPolicyFor(plan: PipelinePlan, ring?: string): ApprovalPolicy | undefined {
  const policy = plan.approval;
  if (!policy || ring === undefined) return policy;
  const override = plan.rings?.slice(1).find((r) => r.name === ring)?.approval;
  if (!override) return policy;
  return {
    ...policy,
    ...(override.reviewers && { reviewers: [...override.reviewers] }),
    ...(override.minApprovers !== undefined && { minApprovers: override.minApprovers }),
    ...(override.waitTimer !== undefined && { waitTimer: override.waitTimer }),
    ...(override.autoApprove && { autoApprove: [...override.autoApprove] }),
  };
}
