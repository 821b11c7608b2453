import { exampleWithoutRings } from '../fixtures/example-config.js';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SLACK_CHANNEL } from '../../sandbox/slack.js';
import { digest } from './pipeline-harness.js';
import { startSlackRig, type SlackRig } from './slack-rig.js';

/**
 * Outbound and inbound together, through the compiled app: a push is announced in the sandbox's Slack
 * stand-in by the production Slack adapter, a mapped reviewer presses the Approve button of that very
 * message (its action_id and value, signed as Slack signs), and the same message is updated through the
 * canary and closed as released.
 */
const ACTIONS = JSON.parse(readFileSync('test/fixtures/slack/block-actions.json', 'utf8')) as Record<
  string,
  unknown
>;
const config = `${exampleWithoutRings()}
chat:
  principals:
    - { email: linus@hearloveen.io, name: linus, groups: [tech-lead], roles: [Gantry.Approver] }
`;

let rig: SlackRig;
beforeAll(async () => {
  rig = await startSlackRig({
    name: 'release',
    config,
    users: [{ id: 'U0LINUS001', name: 'linus', email: 'linus@hearloveen.io' }],
    // The fake world stands in for everything but chat: the app's own Slack adapter talks to the stand-in.
    outbound: true,
  });
});
afterAll(async () => {
  await rig?.close();
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
      const { h, slack } = rig;
      const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.6.0@${digest()}`);
      await rig.passTests(d.id);
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
      const res = await rig.post('interactions', body);
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
