import type { ChatMessage } from '../domain/chat-message.js';

/** A deployment's Slack message: updated in place as the deployment moves, details go in its thread. */
export interface ChatThread {
  channel: string;
  ts: string;
}

/**
 * How one delivery went. Expected failures are data, so the orchestration decides about retries with
 * Durable timers (never a wall-clock sleep): `retry` may be tried again (`retryAfterMs`: the provider's
 * `Retry-After`), `failed` will not get better by retrying (a missing token, an unknown channel).
 */
export type ChatOutcome =
  | { status: 'sent'; thread?: ChatThread }
  | { status: 'retry'; error: string; retryAfterMs?: number }
  | { status: 'failed'; error: string };

/** Slack through its Web API. */
export interface SlackChat {
  /** Posts the deployment's message, or updates `thread`'s and replies in it with the event's detail. */
  send(channel: string, message: ChatMessage, thread?: ChatThread): Promise<ChatOutcome>;
}

/** Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"). */
export interface TeamsChat {
  /** Posts an Adaptive Card to the webhook the setting `GANTRY_TEAMS_WEBHOOK_<name>` holds. */
  send(webhook: string, message: ChatMessage): Promise<ChatOutcome>;
}

/** The chat providers; one that is not configured is absent (a route to it is a recorded failure). */
export interface ChatChannels {
  slack?: SlackChat;
  teams?: TeamsChat;
  /** The dashboard's public base URL the messages link to. */
  publicUrl: string;
}
