import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyChat } from '../../../shared/activities/chat.js';
import { SlackWebChat } from '../../../shared/adapters/slack.js';
import { TeamsWorkflowChat } from '../../../shared/adapters/teams.js';
import type { NotifyChatInput } from '../../../shared/contracts/activities.js';
import type { Ports } from '../../../shared/ports/index.js';
import { SANDBOX_SLACK_CHANNEL, startSlackStandIn, type SlackStandIn } from '../../../sandbox/slack.js';
import { startTeamsStandIn, type TeamsStandIn } from '../../../sandbox/teams.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const AT = '2026-01-05T03:00:00.000Z';
const TOKEN = 'xoxb-activity-test';
const ID = 'ApiGateway-cccccccccccc';
let slack: SlackStandIn;
let teams: TeamsStandIn;

beforeAll(async () => {
  [slack, teams] = await Promise.all([startSlackStandIn({ token: TOKEN }), startTeamsStandIn()]);
});
afterAll(async () => {
  await Promise.all([slack.close(), teams.close()]);
});

async function setUp(chat: Ports['chat']): Promise<{ ports: Ports; store: MemoryRunStore }> {
  const store = new MemoryRunStore();
  await store.createDeployment({
    id: ID,
    service: 'ApiGateway',
    image: {
      registry: 'r.example.io',
      repository: 'api-gateway',
      tag: '2.0.0',
      digest: `sha256:${'c'.repeat(64)}`,
    },
    state: 'Gating',
    source: 'manual',
    createdAt: AT,
    updatedAt: AT,
    weight: 0,
  });
  return { ports: { store, ...(chat && { chat }) } as unknown as Ports, store };
}

const input = (over: Partial<NotifyChatInput['event']>, destinations: NotifyChatInput['destinations']) => ({
  deploymentId: ID,
  service: 'ApiGateway',
  event: {
    kind: 'queued' as const,
    environment: 'staging' as const,
    at: AT,
    title: 'Queued->Gating',
    seq: 1,
    ...over,
  },
  destinations,
});

describe('notifyChat', () => {
  it('posts the first event, keeps the message on the deployment, and updates it afterwards', async () => {
    const { ports, store } = await setUp({
      publicUrl: 'https://gantry.example',
      slack: new SlackWebChat({ token: TOKEN, apiUrl: slack.apiUrl }),
    });
    const to = [{ kind: 'slack' as const, channel: SANDBOX_SLACK_CHANNEL }];
    const [first] = await notifyChat(ports, input({}, to));
    expect(first?.outcome.status).toBe('sent');
    const ref = (await store.getDeployment('ApiGateway', ID))?.chat;
    expect(ref).toEqual([
      { route: SANDBOX_SLACK_CHANNEL, channel: SANDBOX_SLACK_CHANNEL, ts: expect.any(String) },
    ]);
    const before = slack.messages().length;
    await notifyChat(
      ports,
      input({ kind: 'canary-step', environment: 'production', title: 'weight:10', weight: 10 }, to),
    );
    expect(slack.messages().length).toBe(before);
    const message = slack.messages().find((m) => m.ts === ref?.[0]?.ts);
    expect(message).toMatchObject({ updates: 1, replies: [{ text: 'weight:10 weight 10%' }] });
    expect(JSON.stringify(message?.blocks)).toContain(
      'https://gantry.example/api/dashboard#/deployments/' + ID,
    );
  });

  it('drops a queued-behind announcement that arrives after the lane took the run', async () => {
    const { ports, store } = await setUp({
      publicUrl: 'https://gantry.example',
      slack: new SlackWebChat({ token: TOKEN, apiUrl: slack.apiUrl }),
    });
    const to = [{ kind: 'slack' as const, channel: SANDBOX_SLACK_CHANNEL }];
    const before = slack.calls.length;
    const [late] = await notifyChat(ports, input({ behind: 'ApiGateway-aaaaaaaaaaaa', state: 'Queued' }, to));
    expect(late?.outcome).toEqual({ status: 'sent' });
    expect(slack.calls.length).toBe(before); // the deployment is already Gating: nothing sent
    expect((await store.getDeployment('ApiGateway', ID))?.chat).toBeUndefined();
  });

  it('starts a new message when the stored one is gone', async () => {
    const { ports, store } = await setUp({
      publicUrl: 'https://gantry.example',
      slack: new SlackWebChat({ token: TOKEN, apiUrl: slack.apiUrl }),
    });
    await store.updateDeployment('ApiGateway', ID, (d) => ({
      ...d,
      chat: [{ route: SANDBOX_SLACK_CHANNEL, channel: SANDBOX_SLACK_CHANNEL, ts: '1.999999' }],
    }));
    const to = [{ kind: 'slack' as const, channel: SANDBOX_SLACK_CHANNEL }];
    const [result] = await notifyChat(
      ports,
      input({ kind: 'failed', title: 'Gating->Failed', state: 'Failed' }, to),
    );
    expect(result?.outcome.status).toBe('sent');
    const ts = (await store.getDeployment('ApiGateway', ID))?.chat?.[0]?.ts;
    expect(ts).not.toBe('1.999999');
    expect(slack.messages().some((m) => m.ts === ts)).toBe(true);
  });

  it('quotes the deciding check of a rollback from the timeline', async () => {
    const { ports, store } = await setUp({
      publicUrl: 'https://gantry.example',
      teams: new TeamsWorkflowChat({ webhooks: { ops: `${teams.url}/workflows/ops` } }),
    });
    await store.appendEvent({
      deploymentId: ID,
      seq: 5,
      at: AT,
      kind: 'check',
      title: 'fail-fast:success-rate',
      verdict: 'fail',
      evidence: { name: 'success-rate', value: 0.42, min: 0.95 },
    });
    const [result] = await notifyChat(
      ports,
      input(
        { kind: 'rolled-back', environment: 'production', title: 'Canary->RolledBack', state: 'RolledBack' },
        [{ kind: 'teams', webhook: 'ops' }],
      ),
    );
    expect(result?.outcome).toEqual({ status: 'sent' });
    expect(JSON.stringify(teams.posts.at(-1)?.body)).toContain('success-rate = 0.42 (min 0.95)');
  });

  it('reports a route to an unconfigured provider as a failure naming the setting', async () => {
    const { ports } = await setUp(undefined);
    const results = await notifyChat(
      ports,
      input({}, [
        { kind: 'slack', channel: SANDBOX_SLACK_CHANNEL },
        { kind: 'teams', webhook: 'ops' },
      ]),
    );
    expect(results.map((r) => r.outcome)).toEqual([
      { status: 'failed', error: 'Slack is not configured (set GANTRY_SLACK_BOT_TOKEN)' },
      { status: 'failed', error: 'Teams is not configured (set GANTRY_TEAMS_WEBHOOK_<NAME>)' },
    ]);
  });

  it('fails each destination when the deployment is unknown', async () => {
    const { ports } = await setUp(undefined);
    const [r] = await notifyChat(ports, {
      ...input({}, [{ kind: 'teams', webhook: 'x' }]),
      deploymentId: 'nope',
    });
    expect(r?.outcome).toEqual({ status: 'failed', error: 'deployment nope not found' });
  });
});
