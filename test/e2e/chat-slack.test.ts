import { exampleWithoutRings } from '../fixtures/example-config.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { startSlackStandIn, type SlackStandIn } from '../../sandbox/slack.js';
import { slackSignedHeaders } from '../fakes/slack-signing.js';
import { api, seedReleases } from './api-fixtures.js';
import { ada, ci, digest, PipelineHarness, type User } from './pipeline-harness.js';

/**
 * Slack end to end: signed slash commands and button presses in Slack's real shapes, to the compiled app
 * in the dev host, users looked up with users.info and answered through response_url on a loopback Slack
 * stand-in. The chat users map to the same principals the HTTP approval tests use.
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const SECRET = 'slack-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const SLASH = readFileSync('test/fixtures/slack/slash-command.form', 'utf8');
const ACTIONS = JSON.parse(readFileSync('test/fixtures/slack/block-actions.json', 'utf8')) as Record<
  string,
  unknown
>;

const CHAT = `
chat:
  principals:
    - { email: ada@hearloveen.io, name: ada, groups: [devops-team], roles: [Gantry.Operator, Gantry.Approver] }
    - { email: linus@hearloveen.io, name: linus, groups: [tech-lead], roles: [Gantry.Approver] }
    - { email: mallory@hearloveen.io, name: mallory, groups: [marketing], roles: [Gantry.Approver] }
`;
const config = join(mkdtempSync(join(tmpdir(), 'gantry-chat-')), 'gantry.yaml');
writeFileSync(config, `${exampleWithoutRings()}${CHAT}`);

const SLACK_IDS: Record<string, string> = {
  ada: 'U0ADA00001',
  linus: 'U0LINUS001',
  mallory: 'U0MALLORY1',
  eve: 'U0EVE00001',
};
const SETTINGS = ['GANTRY_SLACK_SIGNING_SECRET', 'GANTRY_SLACK_BOT_TOKEN', 'GANTRY_SLACK_API_URL'];

let azurite: AzuriteHandle;
let slack: SlackStandIn;
let h: PipelineHarness;
let store: TableRunStore;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  slack = await startSlackStandIn({ token: TOKEN, users: [] });
  for (const name of ['ada', 'linus', 'mallory'])
    slack.addUser({ id: SLACK_IDS[name] as string, name, email: `${name}@hearloveen.io` });
  slack.addUser({ id: SLACK_IDS.eve as string, name: 'eve', email: 'eve@elsewhere.example' });
});
afterAll(async () => {
  await slack?.close();
  await azurite?.stop();
});
beforeEach(async () => {
  process.env.GANTRY_SLACK_SIGNING_SECRET = SECRET;
  process.env.GANTRY_SLACK_BOT_TOKEN = TOKEN;
  process.env.GANTRY_SLACK_API_URL = slack.apiUrl;
  h = await PipelineHarness.start({
    storage: azurite.connectionString,
    startTime: MONDAY_10,
    configPath: config,
  });
  store = await TableRunStore.create({
    connectionString: azurite.connectionString,
    tablePrefix: process.env.GANTRY_TABLE_PREFIX ?? '',
  });
});
afterEach(async () => {
  await h?.close();
  for (const name of SETTINGS) delete process.env[name];
});

let replyCounter = 0;

/** A slash command as Slack posts it: the recorded form with this user, text and a loopback response_url. */
function slashBody(user: string, text: string): string {
  const form = new URLSearchParams(SLASH);
  form.set('user_id', SLACK_IDS[user] as string);
  form.set('user_name', user);
  form.set('text', text);
  form.set('response_url', slack.responseUrl(`c${++replyCounter}`));
  return form.toString();
}

/** A button press: the recorded block_actions payload with this user, button and deployment id. */
function buttonBody(user: string, actionId: string, id: string): string {
  const [action] = ACTIONS.actions as Array<Record<string, unknown>>;
  const payload = {
    ...ACTIONS,
    user: { id: SLACK_IDS[user], username: user, name: user, team_id: 'T0001' },
    response_url: slack.responseUrl(`a${++replyCounter}`),
    actions: [{ ...action, action_id: actionId, value: id }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const usersInfoCalls = () => slack.calls.filter((c) => c.method === 'users.info').length;

const nowSeconds = () => Math.floor(h.host.clock.now() / 1000);

function send(
  route: 'commands' | 'interactions',
  body: string,
  headers = slackSignedHeaders(SECRET, body, nowSeconds()),
) {
  return h.host.request(`/api/chat/slack/${route}`, { method: 'POST', headers, body });
}

/** Sends a signed request, checks the quick acknowledgement, and returns the answer posted to response_url. */
type Reply = { response_type?: string; text?: string; replace_original?: boolean };

async function ask(route: 'commands' | 'interactions', body: string): Promise<Reply> {
  const before = slack.responses.length;
  const res = await send(route, body);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { response_type: string }).response_type).toBe('ephemeral');
  return (await slack.replyAfter(before)).body as Reply;
}

const command = (user: string, text: string) => ask('commands', slashBody(user, text));
const press = (user: string, id: string, actionId = 'gantry_approve') =>
  ask('interactions', buttonBody(user, actionId, id));

async function awaitingApproval(pusher: User = ci): Promise<string> {
  const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.5.0@${digest()}`, pusher);
  await h.waitForPhase(d.id, 'tests', 'test workflows');
  for (const workflow of WORKFLOWS)
    await h.host.request(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(d.id, 'tests'))}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion: 'success' }),
      },
    );
  await h.waitForPhase(d.id, 'approval', 'approval');
  return d.id;
}

describe('approvals from Slack buttons', () => {
  it('a mapped reviewer’s Approve press approves as that reviewer, via Slack, and the pipeline proceeds', async () => {
    const id = await awaitingApproval();
    const reply = await press('linus', id);
    expect(reply).toEqual({ response_type: 'in_channel', text: `linus approved ${id}.` });
    await h.waitForPhase(id, 'approval', 'wait timer', false);
    const view = await h.finish(id);
    expect(view.deployment.state).toBe('Succeeded');
    const approved = view.timeline.find((e) => e.title === 'approve:accepted');
    expect(approved).toMatchObject({ actor: 'linus', comment: 'via Slack' });
    // Released by the press, not by the 02:00 auto-approval window.
    expect(view.timeline.some((e) => e.title.startsWith('approval:auto'))).toBe(false);
    expect(await store.listApprovals(id)).toEqual([
      expect.objectContaining({
        approver: 'linus',
        accepted: true,
        groups: ['tech-lead'],
        comment: 'via Slack',
      }),
    ]);
  });

  it('refuses a non-reviewer pressing Approve, records the refusal, and the request keeps waiting', async () => {
    const id = await awaitingApproval();
    const reply = await press('mallory', id);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(
      /^Refused \(approval-refused\): not-a-reviewer: mallory is not in any reviewer group/,
    );
    const [refused] = await store.listApprovals(id);
    expect(refused).toMatchObject({ approver: 'mallory', accepted: false, groups: ['marketing'] });
    expect((await h.view(id)).deployment.state).toBe('AwaitingApproval');
  });

  it('refuses the pusher pressing Approve; another reviewer’s /gantry approve is accepted', async () => {
    const id = await awaitingApproval(ada); // pushed over HTTP as ada
    expect((await press('ada', id)).text).toMatch(/^Refused \(approval-refused\): self-approval: ada pushed/);
    expect(await command('linus', `approve ${id} checked the dashboards`)).toEqual({
      response_type: 'in_channel',
      text: `linus approved ${id}.`,
    });
    await h.waitForPhase(id, 'approval', 'wait timer', false); // the phase records what it accepted
    const accepted = (await store.listApprovals(id)).filter((a) => a.accepted);
    expect(accepted).toEqual([
      expect.objectContaining({ approver: 'linus', comment: 'checked the dashboards (via Slack)' }),
    ]);
  });

  it('refuses an unmapped user before anything is recorded', async () => {
    const id = await awaitingApproval();
    const reply = await press('eve', id);
    expect(reply.text).toMatch(/^eve@elsewhere\.example is not mapped to a Gantry principal/);
    expect(await store.listApprovals(id)).toEqual([]);
  });

  it('rejects with the Reject button (the approver role suffices) and aborts need an operator', async () => {
    const id = await awaitingApproval();
    expect((await press('linus', id, 'gantry_abort')).text).toMatch(
      /^Refused \(role-required\): Aborting a deployment needs the Gantry.Operator role.*chat\.principals/,
    );
    expect((await press('linus', id, 'gantry_reject')).text).toBe(`linus rejected ${id}.`);
    const view = await h.finish(id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toContain('rejected by linus: Rejected in Slack (via Slack)');
  });
});

describe('/gantry rollback and status', () => {
  it('/gantry rollback production api-gateway <reason> rolls ApiGateway back, audited as the user via Slack', async () => {
    api.store = store;
    const [, previous, current] = await seedReleases('ApiGateway', 3);
    const reply = await command('ada', 'rollback production api-gateway p95 doubled after 1.0.202');
    expect(reply).toEqual({
      response_type: 'in_channel',
      text:
        `ada is rolling ApiGateway back from ${current?.deploymentId} to ${previous?.deploymentId}: ` +
        'p95 doubled after 1.0.202',
    });
    await h.host.waitForCompletion('rollback:ApiGateway');
    expect(h.world.deploys.map((d) => d.digest)).toEqual([previous?.image.digest]);
    const releases = await store.listReleases('ApiGateway', 'production');
    expect(releases.filter((r) => r.via === 'rollback').map((r) => r.deploymentId)).toEqual([
      previous?.deploymentId,
    ]);
    const audit = (await h.view(previous?.deploymentId ?? '')).timeline.find(
      (e) => e.title === 'rollback:to',
    );
    expect(audit).toMatchObject({
      actor: 'ada',
      comment: 'p95 doubled after 1.0.202 (via Slack)',
      evidence: expect.objectContaining({ principalSource: 'slack' }),
    });
  });

  it('refuses a rollback without the operator role, of staging, and of an unknown service', async () => {
    api.store = store;
    await seedReleases('ApiGateway', 2);
    expect((await command('linus', 'rollback production api-gateway bad')).text).toMatch(/role-required/);
    expect((await command('ada', 'rollback staging api-gateway bad')).text).toMatch(
      /unsupported-environment/,
    );
    expect((await command('ada', 'rollback production payments bad')).text).toMatch(/unknown-service/);
    expect(h.world.deploys).toEqual([]);
  });

  it('/gantry status names the production release and what is in flight', async () => {
    api.store = store;
    const [, , current] = await seedReleases('ApiGateway', 3);
    const id = await awaitingApproval();
    const reply = await command('mallory', 'status api-gateway');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain(`production: 1.0.202 (${current?.deploymentId}`);
    expect(reply.text).toContain(`in flight: ${id} is AwaitingApproval`);
  });

  it('answers help and mistakes at once, without looking anyone up', async () => {
    const calls = usersInfoCalls();
    for (const text of ['help', 'deploy api-gateway']) {
      const res = await send('commands', slashBody('eve', text));
      const body = (await res.json()) as { text: string };
      expect([res.status, body.text]).toEqual([200, expect.stringContaining('Usage: /gantry')]);
    }
    expect(usersInfoCalls()).toBe(calls);
  });
});

describe('Slack request authentication', () => {
  const code = async (res: Response) => [
    res.status,
    ((await res.json()) as { error: { code: string } }).error.code,
  ];

  it('refuses a replay of a signed request, even one that was acted on', async () => {
    const body = slashBody('mallory', 'status api-gateway');
    const headers = slackSignedHeaders(SECRET, body, nowSeconds());
    const before = slack.responses.length;
    expect((await send('commands', body, headers)).status).toBe(200);
    await slack.replyAfter(before);
    expect(await code(await send('commands', body, headers))).toEqual([401, 'replayed-request']);
  });

  it.each([
    ['six minutes old', -360, 'stale-request'],
    ['six minutes ahead', 360, 'stale-request'],
  ])('refuses a request signed %s', async (_name, skew, expected) => {
    const body = buttonBody('linus', 'gantry_approve', 'apigateway-9f2c1d0e8b7a');
    const headers = slackSignedHeaders(SECRET, body, nowSeconds() + skew);
    expect(await code(await send('interactions', body, headers))).toEqual([401, expected]);
  });

  it('refuses a wrong signature, missing headers, and another media type', async () => {
    const body = slashBody('ada', 'status api-gateway');
    const lookups = usersInfoCalls();
    const wrong = slackSignedHeaders('not-the-signing-secret-000', body, nowSeconds());
    expect(await code(await send('commands', body, wrong))).toEqual([401, 'bad-signature']);
    const signed = slackSignedHeaders(SECRET, body, nowSeconds());
    const { 'x-slack-signature': _s, ...unsigned } = signed;
    expect(await code(await send('commands', body, unsigned))).toEqual([401, 'missing-signature']);
    const json = { ...signed, 'content-type': 'application/json' };
    expect(await code(await send('commands', body, json))).toEqual([415, 'unsupported-media-type']);
    expect(usersInfoCalls()).toBe(lookups); // nobody was looked up for a refused request
  });

  it('refuses everything without a signing secret (503), never accepting unsigned requests', async () => {
    delete process.env.GANTRY_SLACK_SIGNING_SECRET;
    const res = await send('commands', slashBody('ada', 'help'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      code: 'slack-not-configured',
      message: expect.stringContaining('GANTRY_SLACK_SIGNING_SECRET'),
      details: { setting: 'GANTRY_SLACK_SIGNING_SECRET' },
    });
  });

  it('in Azure, answers only https://hooks.slack.com (a loopback response_url is refused)', async () => {
    process.env.WEBSITE_SITE_NAME = 'gantry-func';
    try {
      const res = await send('commands', slashBody('ada', 'status api-gateway'));
      expect(await code(res)).toEqual([400, 'invalid-response-url']);
    } finally {
      delete process.env.WEBSITE_SITE_NAME;
    }
  });
});
