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
