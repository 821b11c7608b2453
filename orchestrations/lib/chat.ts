import type { OrchestrationContext } from 'durable-functions';
import { Activities, type ChatDelivery, type NotifyChatInput } from '../../shared/contracts/activities.js';
import type { RetryPolicy } from '../../shared/contracts/contract.js';
import {
  destinationKey,
  hasRoutes,
  nextChatDelay,
  routeChat,
  type ChatDestination,
  type ChatEvent,
  type ChatRoute,
} from '../../shared/domain/chat-routing.js';
import { after, call, type Flow } from './flow.js';

/** One attempt per call: the loop below owns the retries, so it can honour `Retry-After`. */
const ONCE: RetryPolicy = {
  firstRetryIntervalMs: 1_000,
  maxAttempts: 1,
  backoffCoefficient: 1,
  maxRetryIntervalMs: 1_000,
};

export interface ChatFailure {
  destination: string;
  error: string;
}

const errorText = (error: unknown): string =>
  error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);

/**
 * Delivers one chat event, retrying transient failures on Durable timers (a rate limit's `Retry-After`
 * as given, else backing off), and returns what could not be delivered. Never throws: chat must not
 * fail a deployment. `once`: a single attempt (the provider already failed this run: do not hold the
 * deployment up again).
 */
export function* deliverChat(
  ctx: OrchestrationContext,
  input: NotifyChatInput,
  once = false,
): Flow<ChatFailure[]> {
  const failures: ChatFailure[] = [];
  let pending: ChatDestination[] = input.destinations;
  for (let attempt = 1; pending.length > 0; attempt++) {
    let results: ChatDelivery[];
    try {
      results = yield* call(ctx, Activities.notifyChat, { ...input, destinations: pending }, ONCE);
    } catch (error) {
      const outcome = { status: 'retry' as const, error: errorText(error) };
      results = pending.map((destination) => ({ destination, outcome }));
    }
    const retry = results.filter((r) => r.outcome.status === 'retry');
    for (const r of results)
      if (r.outcome.status === 'failed')
        failures.push({ destination: destinationKey(r.destination), error: r.outcome.error });
    const waits = retry.map((r) => (r.outcome.status === 'retry' ? r.outcome.retryAfterMs : undefined));
    const retryAfter = waits.some((w) => w !== undefined) ? Math.max(...waits.map((w) => w ?? 0)) : undefined;
    const delay = retry.length > 0 && !once ? nextChatDelay(attempt, retryAfter) : undefined;
    if (delay === undefined) {
      for (const r of retry)
        if (r.outcome.status === 'retry')
          failures.push({
            destination: destinationKey(r.destination),
            error: `${r.outcome.error} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`,
          });
      break;
    }
    yield ctx.df.createTimer(after(ctx, delay));
    pending = retry.map((r) => r.destination);
  }
  return failures;
}

/**
 * Routes and delivers one event outside a pipeline run (a rollback): what could not be delivered becomes
 * a `notification:failed` note at `failureSeq` on the deployment's timeline. Never throws.
 */
export function* announceChat(
  ctx: OrchestrationContext,
  routes: ChatRoute[] | undefined,
  input: { deploymentId: string; service: string; event: ChatEvent },
  failureSeq: number,
): Flow<void> {
  if (!hasRoutes(routes)) return;
  const destinations = routeChat(routes, input.event);
  if (destinations.length === 0) return;
  const failures = yield* deliverChat(ctx, { ...input, destinations });
  if (failures.length === 0) return;
  try {
    yield* call(ctx, Activities.record, {
      deploymentId: input.deploymentId,
      service: input.service,
      entry: {
        seq: failureSeq,
        at: ctx.df.currentUtcDateTime.toISOString(),
        kind: 'note',
        title: 'notification:failed',
        verdict: 'warn',
        comment: failures.map((f) => `${f.destination}: ${f.error}`).join('; '),
        evidence: { event: input.event.kind, failures },
      },
    });
  } catch {
    // The store itself is failing: chat stays out of the rollback's way.
  }
}
