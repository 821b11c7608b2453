import { ANNOUNCE_QUEUED_ORCHESTRATION, announceInstanceId } from '../contracts/chat.js';
import type { PipelinePlan } from '../contracts/plan.js';
import { queuedAnnouncement } from '../domain/chat-routing.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';

/**
 * After a push was queued: when its lane is busy with another deployment and a route wants `queued`,
 * starts the small orchestration that announces it (orchestrations/announce.ts). Costs nothing when no
 * route wants `queued` or the lane was idle (the decision is pure, `behind` comes from `ensureLane`'s
 * status read). Never throws: chat must not fail a push that is already accepted.
 */
export async function announceIfQueued(
  control: OrchestrationControl,
  plan: Pick<PipelinePlan, 'chat'>,
  push: { created: boolean; behind: string | undefined; deploymentId: string; service: string; at: string },
): Promise<void> {
  const destinations = queuedAnnouncement(plan.chat, push);
  if (!destinations || !push.behind) return;
  try {
    // Only the push that created the deployment announces it (`queuedAnnouncement` wants `created`), so
    // no announcement of this deployment can exist yet: no status read before the start.
    const input = {
      deploymentId: push.deploymentId,
      service: push.service,
      behind: push.behind,
      at: push.at,
      seq: Date.parse(push.at) * 1000,
      destinations,
    };
    await control.start(ANNOUNCE_QUEUED_ORCHESTRATION, announceInstanceId(push.deploymentId), input, {
      fresh: true,
    });
  } catch {
    // The task hub refused the start: the run's own `queued` message still comes when the lane starts it.
  }
}
