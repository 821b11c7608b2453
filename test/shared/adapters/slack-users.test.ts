import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackInbound } from '../../../shared/adapters/slack-users.js';
import { startSlackStandIn, type SlackStandIn } from '../../../sandbox/slack.js';

const TOKEN = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
let slack: SlackStandIn;

beforeAll(async () => {
  slack = await startSlackStandIn({ token: TOKEN, users: [] });
  slack.addUser({ id: 'U2147483697', name: 'ada', email: 'ada@hearloveen.io' });
  slack.addUser({ id: 'U0BOT00001', name: 'deploy-bot' });
});
afterAll(async () => {
  await slack?.close();
});

describe('SlackInbound.lookupUser (users.info)', () => {
  const inbound = () => new SlackInbound({ token: TOKEN, slackApiUrl: slack.apiUrl });

  it('reads user.profile.email, sending the bot token and the user id as Slack expects', async () => {
    expect(await inbound().lookupUser('U2147483697')).toEqual({ kind: 'found', email: 'ada@hearloveen.io' });
    // Recorded only once the stand-in accepted the bearer token (a wrong one is `invalid_auth`).
    expect(slack.calls.at(-1)).toMatchObject({
      method: 'users.info',
      params: { user: 'U2147483697' },
      ok: true,
    });
  });

  it('answers not-found for Slack’s user_not_found', async () => {
    expect(await inbound().lookupUser('U0NOBODY01')).toEqual({ kind: 'not-found' });
  });

  it('answers no-email for a profile without one', async () => {
    expect(await inbound().lookupUser('U0BOT00001')).toEqual({ kind: 'no-email' });
  });

  it('throws on a token Slack refuses, naming the error and never the token', async () => {
    const wrong = new SlackInbound({ token: 'xoxb-wrong-token-000', slackApiUrl: slack.apiUrl });
    const error = (await wrong.lookupUser('U2147483697').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/users\.info failed: .*invalid_auth/);
    expect(slack.calls.at(-1)).toMatchObject({ method: 'users.info', ok: false, error: 'invalid_auth' });
    expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain('xoxb-wrong-token');
  });
});

describe('SlackInbound.reply (response_url)', () => {
  it('posts the reply as JSON', async () => {
    const before = slack.responses.length;
    const inbound = new SlackInbound({ token: TOKEN, slackApiUrl: slack.apiUrl });
    await inbound.reply(slack.responseUrl('1'), { response_type: 'in_channel', text: 'ada approved x.' });
    expect(await slack.replyAfter(before)).toMatchObject({
      id: '1',
      body: { response_type: 'in_channel', text: 'ada approved x.' },
    });
  });

  it('throws on a refused reply without showing the URL (it is the reply’s credential)', async () => {
    const inbound = new SlackInbound({ token: TOKEN, slackApiUrl: slack.apiUrl });
    const url = slack.responseUrl('1').replace('/response/', '/expired/');
    const error = (await inbound
      .reply(url, { response_type: 'ephemeral', text: 'x' })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('Slack response_url answered HTTP 404');
  });
});
