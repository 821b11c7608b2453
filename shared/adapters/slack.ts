import { ErrorCode, LogLevel, WebClient, type Block, type KnownBlock } from '@slack/web-api';
import { CHAT_ACTIONS, type ChatAction } from '../domain/chat-actions.js';
import { describeCheck, type ChatMessage } from '../domain/chat-message.js';
import type { ChatOutcome, ChatThread, SlackChat } from '../ports/chat.js';

export interface SlackChatOptions {
  /** The bot token (`xoxb-...`; a Key Vault reference in Azure). */
  token: string;
  /** `https://slack.com/api/` in production; the sandbox's stand-in locally and in tests. */
  apiUrl?: string;
  timeoutMs?: number;
}

/** Slack platform errors that are Slack's trouble, not the request's: worth another attempt. */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Slack's mrkdwn treats these three as control characters; anything from outside is escaped. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const BUTTONS: Record<ChatAction, { text: string; style?: 'primary' | 'danger' }> = {
  approve: { text: 'Approve', style: 'primary' },
  reject: { text: 'Reject', style: 'danger' },
  abort: { text: 'Abort', style: 'danger' },
};

const field = (name: string, value: string) => ({ type: 'mrkdwn' as const, text: `*${name}*\n${value}` });

/** Pure: the Block Kit of a deployment's message (its current state; buttons while a human may act). */
export function slackBlocks(m: ChatMessage): Array<KnownBlock | Block> {
  const fields = [
    field('Service', escapeMrkdwn(m.service)),
    field('Version', escapeMrkdwn(m.version)),
    field('Stage', `${escapeMrkdwn(m.stage)} (${m.environment})`),
    field('Weight', `${m.weight}%`),
    field('Digest', `\`${escapeMrkdwn(m.digest)}\``),
    field('Commit', m.commit ? `\`${escapeMrkdwn(m.commit.slice(0, 12))}\`` : 'unknown'),
    ...(m.actor ? [field('By', escapeMrkdwn(m.actor))] : []),
  ];
  const reason = [m.reason, m.check && `deciding check: ${describeCheck(m.check)}`].filter(Boolean);
  const blocks: Array<KnownBlock | Block> = [
    { type: 'header', text: { type: 'plain_text', text: m.headline.slice(0, 150) } },
    { type: 'section', fields },
  ];
  if (reason.length > 0)
    // A section's text holds at most 3000 characters; provider errors in a reason can be long.
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: escapeMrkdwn(reason.join('\n')).slice(0, 2900) },
    });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `<${m.link}|Open ${escapeMrkdwn(m.deploymentId)} in Gantry>` }],
  });
  if (m.actions.length > 0)
    blocks.push({
      type: 'actions',
      block_id: `gantry:${m.deploymentId}`.slice(0, 255),
      elements: m.actions.map((a) => ({
        type: 'button' as const,
        action_id: CHAT_ACTIONS[a],
        value: m.deploymentId,
        text: { type: 'plain_text' as const, text: BUTTONS[a].text },
        ...(BUTTONS[a].style && { style: BUTTONS[a].style }),
      })),
    });
  return blocks;
}

/** The notification text (also what clients without Block Kit show). */
export const slackText = (m: ChatMessage): string =>
  [m.headline, m.reason, m.check && describeCheck(m.check)].filter(Boolean).join(': ');

/** An SDK error as an outcome; the token is never part of an SDK error. */
export function slackOutcome(error: unknown): ChatOutcome {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { status: 'retry', error: 'slack: rate limited', retryAfterMs: (e.retryAfter ?? 1) * 1000 };
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      return TRANSIENT.has(code)
        ? { status: 'retry', error: `slack: ${code}` }
        : { status: 'failed', error: `slack: ${code}` };
    }
    case ErrorCode.HTTPError:
      return (e.statusCode ?? 500) >= 500
        ? { status: 'retry', error: `slack: HTTP ${e.statusCode}` }
        : { status: 'failed', error: `slack: HTTP ${e.statusCode}` };
    case ErrorCode.RequestError:
      return { status: 'retry', error: 'slack: the Web API could not be reached' };
    default:
      return { status: 'retry', error: `slack: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Slack through `@slack/web-api`. The SDK's own retries and rate-limit waits are off (`retries: 0`,
 * `rejectRateLimitedCalls`): a 429 comes back at once as a `retry` outcome carrying `Retry-After`, and the
 * orchestration waits on a Durable timer, so nothing sleeps on the wall clock and tests are deterministic.
 */
export class SlackWebChat implements SlackChat {
  private readonly client: WebClient;

  constructor(options: SlackChatOptions) {
    this.client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl ?? 'https://slack.com/api/',
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
      allowAbsoluteUrls: false,
      logLevel: LogLevel.ERROR,
    });
  }

  async send(channel: string, message: ChatMessage, thread?: ChatThread): Promise<ChatOutcome> {
    const content = { text: slackText(message), blocks: slackBlocks(message) };
    try {
      if (!thread) {
        const posted = await this.client.chat.postMessage({ channel, ...content });
        if (!posted.ts) return { status: 'failed', error: 'slack: chat.postMessage returned no ts' };
        return { status: 'sent', thread: { channel: posted.channel ?? channel, ts: posted.ts } };
      }
      await this.client.chat.update({ channel: thread.channel, ts: thread.ts, ...content });
      await this.client.chat.postMessage({
        channel: thread.channel,
        thread_ts: thread.ts,
        text: escapeMrkdwn(message.detail),
      });
      return { status: 'sent', thread };
    } catch (error) {
      return slackOutcome(error);
    }
  }
}
