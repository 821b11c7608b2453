import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackWebChat, escapeMrkdwn, slackBlocks } from '../../../shared/adapters/slack.js';
import { CHAT_ACTIONS } from '../../../shared/domain/chat-actions.js';
import type { ChatMessage } from '../../../shared/domain/chat-message.js';
import { SANDBOX_SLACK_CHANNEL, startSlackStandIn, type SlackStandIn } from '../../../sandbox/slack.js';

const TOKEN = 'xoxb-test-token-1';
let slack: SlackStandIn;
let chat: SlackWebChat;

const message = (over: Partial<ChatMessage> = {}): ChatMessage => ({
  deploymentId: 'ApiGateway-abababababab',
  event: 'awaiting-approval',
  headline: 'ApiGateway 1.4.0: awaiting approval',
  service: 'ApiGateway',
  version: '1.4.0',
  digest: `sha256:${'ab'.repeat(32)}`,
  commit: '0123456789abcdef0123',
  stage: 'AwaitingApproval',
  environment: 'production',
  weight: 0,
  link: 'http://localhost:7071/api/dashboard#/deployments/ApiGateway-abababababab',
  actions: ['approve', 'reject'],
  detail: 'Testing->AwaitingApproval',
  ...over,
});

beforeAll(async () => {
  slack = await startSlackStandIn({ token: TOKEN });
  chat = new SlackWebChat({ token: TOKEN, apiUrl: slack.apiUrl });
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  delete slack.faults.rateLimit;
  delete slack.faults.outage;
});

describe('SlackWebChat against the Slack stand-in', () => {
  it('posts one message per deployment, then updates it and replies in its thread', async () => {
    const first = await chat.send(SANDBOX_SLACK_CHANNEL, message());
    expect(first).toMatchObject({ status: 'sent', thread: { channel: SANDBOX_SLACK_CHANNEL } });
    const thread = first.status === 'sent' ? first.thread : undefined;
    const second = await chat.send(
      SANDBOX_SLACK_CHANNEL,
      message({
        event: 'canary-step',
        stage: 'Canary',
        weight: 25,
        actions: ['abort'],
        detail: 'weight:25 weight 25%',
      }),
      thread,
    );
    expect(second).toEqual({ status: 'sent', thread });
    const posted = slack.messages().find((m) => m.ts === thread?.ts);
    expect(posted?.updates).toBe(1);
    expect(posted?.replies.map((r) => r.text)).toEqual(['weight:25 weight 25%']);
    const actions = (
      posted?.blocks as Array<{ type: string; elements?: Array<Record<string, unknown>> }>
    ).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      [CHAT_ACTIONS.abort, 'ApiGateway-abababababab'],
    ]);
    // The SDK sends a form body with the token in the header: the stand-in saw the bearer, never a token field.
    expect(slack.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', ok: true });
    expect(JSON.stringify(slack.calls)).not.toContain(TOKEN);
  });

  it('carries Approve and Reject buttons whose value is the deployment id', () => {
    const blocks = slackBlocks(message()) as Array<{
      type: string;
      elements?: Array<Record<string, unknown>>;
    }>;
    expect(blocks.find((b) => b.type === 'actions')?.elements).toEqual([
      expect.objectContaining({
        action_id: 'gantry_approve',
        value: 'ApiGateway-abababababab',
        style: 'primary',
      }),
      expect.objectContaining({
        action_id: 'gantry_reject',
        value: 'ApiGateway-abababababab',
        style: 'danger',
      }),
    ]);
    expect(slackBlocks(message({ actions: [] })).some((b) => b.type === 'actions')).toBe(false);
  });

  it('shows the reason with the deciding check and escapes outside text', () => {
    const blocks = slackBlocks(
      message({ reason: 'fail-fast: <script> & co', check: { name: 'success-rate', value: 0.5, min: 0.99 } }),
    );
    expect(JSON.stringify(blocks)).toContain(
      'fail-fast: &lt;script&gt; &amp; co\\ndeciding check: success-rate = 0.5 (min 0.99)',
    );
    expect(escapeMrkdwn('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('answers a 429 at once with its Retry-After, without the SDK waiting', async () => {
    slack.faults.rateLimit = { count: 1, retryAfter: 17 };
    const started = Date.now();
    expect(await chat.send(SANDBOX_SLACK_CHANNEL, message())).toEqual({
      status: 'retry',
      error: 'slack: rate limited',
      retryAfterMs: 17_000,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(slack.calls.at(-1)).toMatchObject({ status: 429, error: 'ratelimited' });
    expect((await chat.send(SANDBOX_SLACK_CHANNEL, message())).status).toBe('sent');
  });

  it('makes an outage retryable and a platform refusal final', async () => {
    slack.faults.outage = true;
    expect(await chat.send(SANDBOX_SLACK_CHANNEL, message())).toEqual({
      status: 'retry',
      error: 'slack: HTTP 503',
    });
    delete slack.faults.outage;
    expect(await chat.send('C0NOSUCHCH1', message())).toEqual({
      status: 'failed',
      error: 'slack: channel_not_found',
    });
    const wrong = new SlackWebChat({ token: 'xoxb-wrong', apiUrl: slack.apiUrl });
    expect(await wrong.send(SANDBOX_SLACK_CHANNEL, message())).toEqual({
      status: 'failed',
      error: 'slack: invalid_auth',
    });
    expect(
      await chat.send(SANDBOX_SLACK_CHANNEL, message(), { channel: SANDBOX_SLACK_CHANNEL, ts: '1.000999' }),
    ).toEqual({ status: 'failed', error: 'slack: message_not_found' });
  });

  it('reports an unreachable API as retryable', async () => {
    const down = new SlackWebChat({ token: TOKEN, apiUrl: 'http://127.0.0.1:1/api/', timeoutMs: 2_000 });
    expect(await down.send(SANDBOX_SLACK_CHANNEL, message())).toEqual({
      status: 'retry',
      error: 'slack: the Web API could not be reached',
    });
  });
});
