import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { PORTS_OVERRIDE } from '../../shared/composition.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { SANDBOX_SLACK_CHANNEL, startSlackStandIn, type SlackStandIn } from '../../sandbox/slack.js';
import { slackSignedHeaders } from '../fakes/slack-signing.js';
import { digest, PipelineHarness } from './pipeline-harness.js';

/**
 * Outbound and inbound together, through the compiled app: a push is announced in the sandbox's Slack
 * stand-in by the production Slack adapter, a mapped reviewer presses the Approve button of that very
 * message (its action_id and value, signed as Slack signs), and the same message is updated through the
 * canary and closed as released.
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0); // outside the auto-approve window: a human must approve
const SECRET = 'slack-signing-secret-for-release-e2e';
const TOKEN = 'xoxb-release-e2e-token';
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const ACTIONS = JSON.parse(readFileSync('test/fixtures/slack/block-actions.json', 'utf8')) as Record<
  string,
  unknown
>;
const config = join(mkdtempSync(join(tmpdir(), 'gantry-chat-release-')), 'gantry.yaml');
writeFileSync(
  config,
  `${readFileSync('config/gantry.example.yaml', 'utf8')}
chat:
  principals:
    - { email: linus@hearloveen.io, name: linus, groups: [tech-lead], roles: [Gantry.Approver] }
`,
);

let azurite: AzuriteHandle;
let slack: SlackStandIn;
let h: PipelineHarness;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  slack = await startSlackStandIn({
    token: TOKEN,
    users: [{ id: 'U0LINUS001', name: 'linus', email: 'linus@hearloveen.io' }],
  });
  Object.assign(process.env, {
    GANTRY_SLACK_SIGNING_SECRET: SECRET,
    GANTRY_SLACK_BOT_TOKEN: TOKEN,
    GANTRY_SLACK_API_URL: slack.apiUrl,
  });
  h = await PipelineHarness.start({
    storage: azurite.connectionString,
    startTime: MONDAY_10,
    configPath: config,
  });
  // The fake world stands in for everything but chat: the app's own Slack adapter talks to the stand-in.
  delete ((globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] as Record<string, unknown>).chat;
});
afterAll(async () => {
  await h?.close();
  await slack?.close();
  await azurite?.stop();
  for (const name of ['GANTRY_SLACK_SIGNING_SECRET', 'GANTRY_SLACK_BOT_TOKEN', 'GANTRY_SLACK_API_URL'])
    delete process.env[name];
});

type Button = { action_id: string; value: string };
const buttons = (blocks: unknown): Button[] =>
  ((blocks ?? []) as Array<{ type: string; elements?: Button[] }>).find((b) => b.type === 'actions')
    ?.elements ?? [];

describe('a release run from its Slack message', () => {
  it(
    'is announced, approved with its button by a mapped reviewer, updated through the canary and closed as released',
    { timeout: 120_000 },
    async () => {
      const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.6.0@${digest()}`);
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

      const [message] = slack.messages();
      expect(slack.messages()).toHaveLength(1);
      const approve = buttons(message?.blocks).find((b) => b.action_id === 'gantry_approve');
      expect(approve?.value).toBe(d.id);

      const payload = {
        ...ACTIONS,
        user: { id: 'U0LINUS001', username: 'linus', name: 'linus', team_id: 'T0SANDBOX1' },
        container: {
          type: 'message',
          message_ts: message?.ts,
          channel_id: SANDBOX_SLACK_CHANNEL,
          is_ephemeral: false,
        },
        channel: { id: SANDBOX_SLACK_CHANNEL, name: 'deploys' },
        response_url: slack.responseUrl('approve-1'),
        actions: [
          { ...(ACTIONS.actions as object[])[0], action_id: approve?.action_id, value: approve?.value },
        ],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const res = await h.host.request('/api/chat/slack/interactions', {
        method: 'POST',
        headers: slackSignedHeaders(SECRET, body, Math.floor(h.host.clock.now() / 1000)),
        body,
      });
      expect(res.status).toBe(200);
      await res.body?.cancel();

      // The phase takes the approval in (its wait timer starts) before virtual time may skip ahead.
      await h.waitForPhase(d.id, 'approval', 'wait timer', false);
      const view = await h.finish(d.id);
      expect(view.deployment.state).toBe('Succeeded');
      expect(view.timeline.find((e) => e.title === 'approve:accepted')).toMatchObject({ actor: 'linus' });
      // Still one message: updated in place through the canary and closed as released, buttons gone.
      expect(slack.messages()).toHaveLength(1);
      const final = slack.messages()[0];
      expect(JSON.stringify(final?.blocks)).toContain('ApiGateway 1.6.0: released');
      expect(buttons(final?.blocks)).toEqual([]);
      const thread = final?.replies.map((r) => r.text) ?? [];
      expect(thread).toContain('Testing-&gt;AwaitingApproval');
      expect(thread.filter((t) => t?.startsWith('weight:'))).toEqual([
        'weight:10 weight 10%: step 1/3',
        'weight:25 weight 25%: step 2/3',
        'weight:50 weight 50%: step 3/3',
        'weight:0 weight 0%: promoted: primary serves the new image',
      ]);
      expect(thread.at(-1)).toBe('Verifying-&gt;Succeeded: released');
    },
  );
});
