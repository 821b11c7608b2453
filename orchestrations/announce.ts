import type { OrchestrationContext } from 'durable-functions';
import type { AnnounceQueuedInput } from '../shared/contracts/chat.js';
import { announceChat } from './lib/chat.js';
import type { Flow } from './lib/flow.js';

/**
 * Announces a push that waits behind a running release, so the channel hears of it at the push rather
 * than when the lane gets to it. Started by the ingestion path only when a route wants `queued` (the push
 * itself does no chat I/O); a failed delivery becomes a `notification:failed` note, never an error.
 */
export function* announceQueued(ctx: OrchestrationContext): Flow<void> {
  const input = ctx.df.getInput() as AnnounceQueuedInput;
  const event = {
    kind: 'queued' as const,
    environment: 'staging' as const,
    at: input.at,
    title: `queued behind ${input.behind}`,
    seq: input.seq,
    state: 'Queued' as const,
    behind: input.behind,
  };
  // The routes were already chosen by the push; every destination takes `queued` in staging.
  const routes = input.destinations.map((to) => ({
    to,
    events: ['queued' as const],
    environments: ['staging' as const],
  }));
  yield* announceChat(
    ctx,
    routes,
    { deploymentId: input.deploymentId, service: input.service, event },
    ctx.df.currentUtcDateTime.getTime() * 1000 + 2,
  );
}
