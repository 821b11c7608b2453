import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRequest } from '../../devhost/http/types.js';
import { createChatControlRoutes } from '../../sandbox/chat-control.js';
import { SANDBOX_SLACK_CHANNEL, startSlackStandIn, type SlackStandIn } from '../../sandbox/slack.js';

/** Slack's wire behaviour as the stand-in reproduces it, for Gantry's adapters and the inbound handler. */

const TOKEN = 'xoxb-standin-test';
let slack: SlackStandIn;

beforeAll(async () => {
  slack = await startSlackStandIn({ token: TOKEN, now: () => Date.UTC(2026, 0, 5, 3) });
});
afterAll(async () => {
  await slack.close();
});

async function call(method: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${slack.apiUrl}${method}`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const bearer = { authorization: `Bearer ${TOKEN}` };
const json = { 'content-type': 'application/json; charset=utf-8', ...bearer };
const form = { 'content-type': 'application/x-www-form-urlencoded', ...bearer };

describe('the Slack Web API stand-in', () => {
  it('requires the bot token, as Slack does (HTTP 200, ok: false)', async () => {
    const body = JSON.stringify({ channel: SANDBOX_SLACK_CHANNEL, text: 'hi' });
    expect(await call('chat.postMessage', body, { 'content-type': 'application/json' })).toEqual({
      status: 200,
      body: { ok: false, error: 'not_authed' },
    });
    expect(
      (
        await call('chat.postMessage', body, {
          'content-type': 'application/json',
          authorization: 'Bearer xoxb-other',
        })
      ).body,
    ).toEqual({ ok: false, error: 'invalid_auth' });
  });

  it('takes JSON and form bodies; a thread reply needs its parent', async () => {
    const posted = await call(
      'chat.postMessage',
      JSON.stringify({ channel: SANDBOX_SLACK_CHANNEL, text: 'one' }),
      json,
    );
    expect(posted.body).toMatchObject({ ok: true, channel: SANDBOX_SLACK_CHANNEL, ts: '1767582000.000001' });
    const ts = String(posted.body.ts);
    const reply = await call(
      'chat.postMessage',
      new URLSearchParams({
        channel: SANDBOX_SLACK_CHANNEL,
        thread_ts: ts,
        text: 'detail',
        blocks: '[]',
      }).toString(),
      form,
    );
    expect(reply.body).toMatchObject({ ok: true, message: { thread_ts: ts, text: 'detail' } });
    expect(
      (
        await call(
          'chat.postMessage',
          JSON.stringify({ channel: SANDBOX_SLACK_CHANNEL, thread_ts: '1.2', text: 'x' }),
          json,
        )
      ).body,
    ).toEqual({ ok: false, error: 'thread_not_found' });
    const updated = await call(
      'chat.update',
      JSON.stringify({ channel: SANDBOX_SLACK_CHANNEL, ts, text: 'two' }),
      json,
    );
    expect(updated.body).toMatchObject({ ok: true, ts, text: 'two' });
    expect(slack.messages().find((m) => m.ts === ts)).toMatchObject({
      text: 'two',
      updates: 1,
      replies: [{ text: 'detail' }],
    });
    expect(
      (await call('chat.postMessage', JSON.stringify({ channel: 'C0UNKNOWN01', text: 'x' }), json)).body,
    ).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
    expect((await call('chat.postMessage', 'blocks=%7Bnot-json', form)).body).toEqual({
      ok: false,
      error: 'invalid_json',
    });
  });

  it('answers users.info with the seeded users and their e-mails', async () => {
    const found = await call('users.info', new URLSearchParams({ user: 'U0REVIEWER1' }).toString(), form);
    expect(found.body).toMatchObject({
      ok: true,
      user: { id: 'U0REVIEWER1', name: 'reviewer', profile: { email: 'reviewer@localhost' } },
    });
    expect((await call('users.info', 'user=U0NOBODY', form)).body).toEqual({
      ok: false,
      error: 'user_not_found',
    });
    expect((await call('chat.delete', '{}', json)).body).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('answers 429 with Retry-After while rate limited, then serves again', async () => {
    slack.faults.rateLimit = { count: 2, retryAfter: 3 };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST', headers: json, body: '{}' });
      expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([
        429,
        '3',
        { ok: false, error: 'ratelimited' },
      ]);
    }
    expect((await call('auth.test', '{}', json)).body).toMatchObject({ ok: true, bot_id: 'B0GANTRYBOT' });
  });

  it('receives response_url posts', async () => {
    const url = slack.responseUrl('T0SANDBOX1-42');
    const res = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ text: 'Approved', replace_original: false }),
    });
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
    expect(slack.responses.at(-1)).toMatchObject({ id: 'T0SANDBOX1-42', body: { text: 'Approved' } });
    expect((await fetch(url, { method: 'POST', body: 'nope' })).status).toBe(400);
  });
});

describe('the chat control routes', () => {
  const request = (method: string, path: string, body = ''): HostRequest => ({
    method,
    url: new URL(`http://127.0.0.1${path}`),
    origin: 'http://127.0.0.1',
    headers: {},
    body: Buffer.from(body),
  });
  const faults = {};
  const routes = createChatControlRoutes({ slack: { faults, view: () => ({ messages: ['m'] }) } });

  it('shows what the stand-in received, sets and clears faults, and refuses bad ones', async () => {
    expect(JSON.parse(String((await routes(request('GET', '/sandbox/slack')))?.body))).toEqual({
      messages: ['m'],
      faults: {},
    });
    const set = await routes(
      request('PUT', '/sandbox/slack/faults', '{"rateLimit":{"count":2,"retryAfter":5}}'),
    );
    expect(set?.status).toBe(200);
    expect(faults).toEqual({ rateLimit: { count: 2, retryAfter: 5 } });
    const bad = await routes(request('PUT', '/sandbox/slack/faults', '{"rateLimit":{"retryAfter":-1}}'));
    expect([bad?.status, JSON.parse(String(bad?.body)).error.code]).toEqual([400, 'invalid-fault']);
    expect((await routes(request('PUT', '/sandbox/slack/faults', '{"x":1}')))?.status).toBe(400);
    expect((await routes(request('DELETE', '/sandbox/slack/faults')))?.status).toBe(204);
    expect(faults).toEqual({});
    expect(await routes(request('GET', '/sandbox/teams'))).toBeUndefined();
    expect((await routes(request('POST', '/sandbox/slack')))?.status).toBe(405);
  });
});
