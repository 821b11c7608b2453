import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamsWorkflowChat, teamsCard } from '../../../shared/adapters/teams.js';
import type { ChatMessage } from '../../../shared/domain/chat-message.js';
import { cardProblem, startTeamsStandIn, type TeamsStandIn } from '../../../sandbox/teams.js';

let teams: TeamsStandIn;
let chat: TeamsWorkflowChat;

const message: ChatMessage = {
  deploymentId: 'ApiGateway-abababababab',
  event: 'rolled-back',
  headline: 'ApiGateway 1.4.0: rolled back',
  service: 'ApiGateway',
  version: '1.4.0',
  digest: `sha256:${'ab'.repeat(32)}`,
  stage: 'RolledBack',
  environment: 'production',
  weight: 0,
  actor: 'reviewer@localhost',
  reason: 'fail-fast at 10%',
  check: { name: 'success-rate', value: 0.5, min: 0.99 },
  link: 'https://gantry.example/api/dashboard#/deployments/ApiGateway-abababababab',
  actions: [],
  detail: 'Canary->RolledBack',
};

beforeAll(async () => {
  teams = await startTeamsStandIn();
  chat = new TeamsWorkflowChat({
    webhooks: { ops: `${teams.url}/workflows/ops?api-version=2016-06-01&sig=SECRETSIG` },
  });
});
afterAll(async () => {
  await teams.close();
});

describe('TeamsWorkflowChat against the Workflows webhook stand-in', () => {
  it('posts an Adaptive Card whose only action opens the deployment page', async () => {
    expect(await chat.send('OPS', message)).toEqual({ status: 'sent' });
    const post = teams.posts.at(-1);
    expect(post?.path).toBe('/workflows/ops');
    expect(cardProblem(post?.body)).toBeUndefined();
    const card = (
      post?.body as { attachments: Array<{ contentType: string; content: Record<string, unknown> }> }
    ).attachments[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card?.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in Gantry', url: message.link },
    ]);
    const facts = JSON.stringify(card?.content.body);
    for (const text of [
      'ApiGateway',
      '1.4.0',
      message.digest,
      'RolledBack (production)',
      'reviewer@localhost',
    ])
      expect(facts).toContain(text);
    expect(facts).toContain('success-rate = 0.5 (min 0.99)');
  });

  it('honours a 429 Retry-After and names the setting, never the signed URL', async () => {
    teams.faults.rateLimit = { count: 1, retryAfter: 12 };
    const outcome = await chat.send('ops', message);
    expect(outcome).toEqual({
      status: 'retry',
      error: 'teams: webhook ops answered HTTP 429',
      retryAfterMs: 12_000,
    });
    expect(JSON.stringify(outcome)).not.toContain('SECRETSIG');
    teams.faults.outage = true;
    expect((await chat.send('ops', message)).status).toBe('retry');
    delete teams.faults.outage;
  });

  it('fails for an unknown webhook name and for a card the flow refuses', async () => {
    expect(await chat.send('nope', message)).toEqual({
      status: 'failed',
      error: 'teams: no webhook setting GANTRY_TEAMS_WEBHOOK_NOPE',
    });
    const broken = new TeamsWorkflowChat({
      webhooks: { ops: `${teams.url}/workflows/ops` },
      fetch: (url, init) => fetch(url, { ...init, body: '{"type":"note"}' }),
    });
    expect(await broken.send('ops', message)).toEqual({
      status: 'failed',
      error: 'teams: webhook ops answered HTTP 400',
    });
  });

  it('labels the action for a decision when the message offers one', () => {
    const card = teamsCard({ ...message, actions: ['approve', 'reject'] }) as {
      attachments: Array<{ content: { actions: Array<{ title: string }> } }>;
    };
    expect(card.attachments[0]?.content.actions[0]?.title).toBe('Decide in Gantry');
  });
});
