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

/** What the chat platform says about one of its users: only the e-mail is used (to map a principal). */
export type ChatUserLookup =
  | { kind: 'found'; email: string }
  /** The profile has no e-mail: the app lacks the `users:read.email` scope, or the user is a bot. */
  | { kind: 'no-email' }
  | { kind: 'not-found' };

/** A reply to a command, as Slack's `response_url` takes it. */
export interface ChatReply {
  /** `ephemeral`: only the user who asked sees it; `in_channel`: everyone in the channel. */
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  /** Buttons are answered below their message, never by replacing it (the outbound side owns it). */
  replace_original?: false;
}

/**
 * The inbound side of chat: who a user is, and the answer to their command. Errors from either are
 * thrown (the platform is down or refused); a user the platform does not know is data, not an error.
 */
export interface ChatInbound {
  lookupUser(userId: string): Promise<ChatUserLookup>;
  /** Posts to the request's `response_url`; the caller has checked the URL is the platform's. */
  reply(responseUrl: string, reply: ChatReply): Promise<void>;
}
