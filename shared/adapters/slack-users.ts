import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import type { ChatInbound, ChatReply, ChatUserLookup } from '../ports/chat.js';

export interface SlackInboundOptions {
  /** Bot token (`xoxb-…`) with `users:read` and `users:read.email`. */
  token: string;
  /** `https://slack.com/api/` in production; the sandbox's or a test's stand-in elsewhere. */
  slackApiUrl?: string;
  timeoutMs?: number;
}

/** users.info errors that mean "no such user", as opposed to a token or platform problem. */
const UNKNOWN_USER = new Set(['user_not_found', 'user_not_visible', 'users_not_found']);

/**
 * Slack for the inbound side: `users.info` through Slack's own client, and replies to `response_url`.
 * A command must be answered within Slack's patience, so neither call retries for long: one retry of a
 * transient failure, rate-limited calls refused (the user sees the refusal and can try again).
 */
export class SlackInbound implements ChatInbound {
  private readonly client: WebClient;
  private readonly timeoutMs: number;

  constructor(options: SlackInboundOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.client = new WebClient(options.token, {
      ...(options.slackApiUrl && { slackApiUrl: options.slackApiUrl }),
      timeout: this.timeoutMs,
      retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
      rejectRateLimitedCalls: true,
      // Method names never override the API URL: the token goes to slackApiUrl and nowhere else.
      allowAbsoluteUrls: false,
    });
  }

  async lookupUser(userId: string): Promise<ChatUserLookup> {
    try {
      const result = await this.client.users.info({ user: userId });
      const email = result.user?.profile?.email;
      return typeof email === 'string' && email.includes('@')
        ? { kind: 'found', email }
        : { kind: 'no-email' };
    } catch (error) {
      if (error instanceof WebAPIPlatformError && UNKNOWN_USER.has(error.data.error))
        return { kind: 'not-found' };
      // The client's messages name the method and Slack's error code, never the token; the error itself
      // is not attached: a request error wraps the HTTP client's, whose config holds the Authorization header.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`Slack users.info failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Slack answers `ok` as text; the URL itself is a credential for this reply, so errors never show it. */
  async reply(responseUrl: string, reply: ChatReply): Promise<void> {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(reply),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`Slack response_url answered HTTP ${response.status}`);
  }
}
