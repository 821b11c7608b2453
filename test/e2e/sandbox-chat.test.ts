import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TERMINAL_STATUSES } from '../../devhost/durable/types.js';
import { pipelineInstanceId } from '../../shared/contracts/events.js';
import { SANDBOX_SLACK_CHANNEL } from '../../sandbox/slack.js';
import { EXAMPLE_CONFIG, startSandboxRig, type SandboxRig } from './sandbox-rig.js';

/**
 * The compiled app in the dev host against the sandbox, with the example routes: a registry push is
 * announced in the Slack stand-in, the same message is updated through the canary and closed as
 * released, with the run's events in its thread; production outcomes reach the Teams stand-in as cards.
 */

let azurite: AzuriteHandle;
let rig: SandboxRig;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  rig = await startSandboxRig({ configPath: EXAMPLE_CONFIG, storage: azurite.connectionString });
});
afterAll(async () => {
  await rig?.close();
  await azurite?.stop();
});

/**
 * A whole release on a machine shared with other work: the rig's `finish` gives a run 20 s of wall time,
 * a release with its chat deliveries may need more (virtual time still skips ahead when idle).
 */
async function finish(id: string) {
  await rig.host.waitFor(pipelineInstanceId(id), (s) => TERMINAL_STATUSES.has(s.runtimeStatus), {
    timeoutMs: 100_000,
  });
  await rig.host.idle();
  return (await rig.view(id)).deployment;
}

type Block = {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<Record<string, unknown>>;
};

describe('chat notifications with the sandbox', () => {
  it(
    'announces a push in Slack, updates the one message through the canary and closes it as released',
    { timeout: 120_000 },
    async () => {
      const tag = '4.2.0';
      const pushed = await rig.registryPush(`api-gateway:${tag}`);
      const id = pushed.deploymentId as string;
      const done = await finish(id);
      expect(done.state).toBe('Succeeded');

      const control = (await (await fetch(`${rig.sandbox.urls.control}/sandbox/slack`)).json()) as {
        messages: Array<{
          channel: string;
          ts: string;
          blocks: Block[];
          updates: number;
          replies: Array<{ text: string }>;
        }>;
        calls: Array<{ method: string; ok: boolean }>;
      };
      const mine = control.messages.filter((m) => JSON.stringify(m.blocks).includes(id));
      expect(mine).toHaveLength(1); // one deployment, one message
      const [message] = mine;
      expect(message?.channel).toBe(SANDBOX_SLACK_CHANNEL);
      expect(message?.updates).toBe(message?.replies.length);
      // One thread line per event, as Slack mrkdwn (`>` escaped).
      expect(message?.replies.map((r) => r.text)).toEqual([
        'Testing-&gt;AwaitingApproval',
        'AwaitingApproval-&gt;Canary weight 0%',
        'weight:10 weight 10%: step 1/3',
        'weight:25 weight 25%: step 2/3',
        'weight:50 weight 50%: step 3/3',
        'Canary-&gt;Promoting weight 50%',
        'weight:0 weight 0%: promoted: primary serves the new image',
        'Verifying-&gt;Succeeded: released',
      ]);
      // The final state of the message: released, no buttons left, the facts of the release.
      const blocks = message?.blocks ?? [];
      expect(blocks[0]?.text?.text).toBe(`ApiGateway ${tag}: released`);
      expect(blocks.some((b) => b.type === 'actions')).toBe(false);
      const facts = JSON.stringify(blocks);
      for (const text of [done.image.digest, 'Succeeded (production)', '*Weight*\\n0%', `deployments/${id}`])
        expect(facts).toContain(text);
      expect(facts).toContain((done.commitSha ?? 'none').slice(0, 12));
      expect((await rig.view(id)).deployment.chat).toEqual([
        { route: SANDBOX_SLACK_CHANNEL, channel: SANDBOX_SLACK_CHANNEL, ts: message?.ts },
      ]);
      expect((await rig.view(id)).timeline.map((e) => e.title)).not.toContain('notification:failed');

      const teams = (await (await fetch(`${rig.sandbox.urls.control}/sandbox/teams`)).json()) as {
        posts: Array<{ path: string; body: unknown }>;
      };
      const cards = teams.posts.filter((p) => JSON.stringify(p.body).includes(id));
      expect(cards.map((c) => c.path)).toEqual(['/workflows/sandbox', '/workflows/sandbox']);
      expect(JSON.stringify(cards.at(-1)?.body)).toContain(`ApiGateway ${tag}: released`);
    },
  );

  it('records a Slack outage on the timeline and still releases', { timeout: 120_000 }, async () => {
    const put = await fetch(`${rig.sandbox.urls.control}/sandbox/slack/faults`, {
      method: 'PUT',
      body: JSON.stringify({ outage: true }),
    });
    expect(put.status).toBe(200);
    try {
      const pushed = await rig.registryPush('api-gateway:4.9.9');
      const done = await finish(pushed.deploymentId as string);
      expect(done.state).toBe('Succeeded');
      const failures = (await rig.view(done.id)).timeline.filter((e) => e.title === 'notification:failed');
      expect(failures[0]?.comment).toBe(
        `slack:${SANDBOX_SLACK_CHANNEL}: slack: HTTP 503 (gave up after 3 attempts)`,
      );
      expect(failures.at(-1)?.evidence).toMatchObject({ event: 'succeeded' });
    } finally {
      await fetch(`${rig.sandbox.urls.control}/sandbox/slack/faults`, { method: 'DELETE' });
    }
  });
});
