import type { ChatEventKind } from './chat-actions.js';
import type { DeploymentState } from './deployment.js';

export type ChatEnvironment = 'staging' | 'production';

/** Where a message goes: a Slack channel id, or a Teams Workflows webhook by its setting name. */
export type ChatDestination = { kind: 'slack'; channel: string } | { kind: 'teams'; webhook: string };

/** One route of the pipeline file (`notifications.routes[]`), resolved: no optional lists left. */
export interface ChatRoute {
  to: ChatDestination;
  events: ChatEventKind[];
  environments: ChatEnvironment[];
}

/** Something that happened to a deployment that a channel may want to hear about. */
export interface ChatEvent {
  kind: ChatEventKind;
  environment: ChatEnvironment;
  at: string;
  /** The timeline entry's title and its seq (the thread reply names it). */
  title: string;
  seq: number;
  /** The state the deployment is in after the event. */
  state?: DeploymentState;
  weight?: number;
  actor?: string;
  reason?: string;
  /** `queued` at the push: the deployment the service's lane is running, which this one waits behind. */
  behind?: string;
}

/** What a timeline write says, as the orchestration's recorder knows it. */
export interface RecordedChange {
  title: string;
  from?: DeploymentState;
  to?: DeploymentState;
  weight?: number;
  notify?: 'incident';
}

const PRODUCTION_STATES: ReadonlySet<DeploymentState> = new Set([
  'AwaitingApproval',
  'Canary',
  'Promoting',
  'Verifying',
]);

/** A run is in staging until it waits for production approval; a terminal state keeps where it was. */
export function environmentOf(change: Pick<RecordedChange, 'from' | 'to'>): ChatEnvironment {
  const where = change.to && PRODUCTION_STATES.has(change.to) ? change.to : change.from;
  return where && PRODUCTION_STATES.has(where) ? 'production' : 'staging';
}

const TRANSITION_EVENTS: Partial<Record<DeploymentState, ChatEventKind>> = {
  AwaitingApproval: 'awaiting-approval',
  Canary: 'canary-step',
  Promoting: 'canary-step',
  Succeeded: 'succeeded',
  RolledBack: 'rolled-back',
  Failed: 'failed',
  Cancelled: 'failed',
};

/**
 * Pure: the chat event a timeline write is, or undefined for one no channel hears about (staging's
 * intermediate stages, checks, notes). The run's start (`Queued->Gating`) is `queued`: the lane has taken
 * the image and the deployment gets its message.
 */
export function chatEventKind(change: RecordedChange): ChatEventKind | undefined {
  if (change.title === 'analysis:paused') return 'paused';
  if (change.to === 'Gating' && (change.from === undefined || change.from === 'Queued')) return 'queued';
  if (change.to) return TRANSITION_EVENTS[change.to];
  if (change.weight !== undefined) return 'canary-step';
  if (change.notify === 'incident') return 'incident';
  return undefined;
}

/** Pure: the destinations that get `event`, each once, in route order. */
export function routeChat(
  routes: readonly ChatRoute[],
  event: Pick<ChatEvent, 'kind' | 'environment'>,
): ChatDestination[] {
  const out: ChatDestination[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    if (!route.events.includes(event.kind) || !route.environments.includes(event.environment)) continue;
    const key = destinationKey(route.to);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(route.to);
  }
  return out;
}

/**
 * Pure: where a push's `queued` announcement goes, or undefined for none. Only a new deployment that
 * waits behind another run is announced at the push (an idle lane starts it at once and the run's own
 * `queued` message follows); and only when a route wants `queued` in staging, where every run starts.
 */
export function queuedAnnouncement(
  routes: readonly ChatRoute[] | undefined,
  push: { created: boolean; behind: string | undefined; deploymentId: string },
): ChatDestination[] | undefined {
  if (!push.created || !push.behind || push.behind === push.deploymentId || !hasRoutes(routes))
    return undefined;
  const destinations = routeChat(routes, { kind: 'queued', environment: 'staging' });
  return destinations.length > 0 ? destinations : undefined;
}

export const destinationKey = (d: ChatDestination): string =>
  d.kind === 'slack' ? `slack:${d.channel}` : `teams:${d.webhook}`;

/** Whether the routes could deliver anything at all (no route: the orchestration calls no activity). */
export const hasRoutes = (routes: readonly ChatRoute[] | undefined): routes is ChatRoute[] =>
  routes !== undefined && routes.length > 0;

/** How hard a delivery is tried before it is recorded as a notification failure. */
export interface ChatRetryPolicy {
  maxAttempts: number;
  firstDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the deployment must not wait on chat. */
  maxDelayMs: number;
}

export const CHAT_RETRY: ChatRetryPolicy = { maxAttempts: 3, firstDelayMs: 2_000, maxDelayMs: 60_000 };

/**
 * Pure: after failed attempt `attempt` (1-based), how long to wait before the next one, or undefined to
 * give up. A rate limit's `Retry-After` is honoured as given; other transient errors back off doubling.
 */
export function nextChatDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: ChatRetryPolicy = CHAT_RETRY,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const delay = retryAfterMs ?? policy.firstDelayMs * 2 ** (attempt - 1);
  return delay > policy.maxDelayMs ? undefined : Math.max(0, delay);
}
