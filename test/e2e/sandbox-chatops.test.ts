import { exampleWithoutRings } from '../fixtures/example-config.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TERMINAL_STATUSES } from '../../devhost/durable/types.js';
import type { SandboxAlertmanager } from '../../sandbox/alertmanager.js';
import { SANDBOX_SLACK_CHANNEL, type SlackMessage } from '../../sandbox/slack.js';
import { phaseInstanceId, pipelineInstanceId } from '../../shared/contracts/events.js';
import { rollbackInstanceId } from '../../shared/contracts/rollback.js';
import { slackSignedHeaders } from '../fakes/slack-signing.js';
import { startSandboxRig, type SandboxRig } from './sandbox-rig.js';

/**
 * Issue 15's "done when", literally, with the sandbox: the compiled app's production adapters talk to
 * the sandbox's Slack stand-in, and Slack's requests are signed and shaped as Slack sends them. A push is
 * announced, approved with its button by a mapped reviewer, updated through the canary and closed as
 * released; `/gantry rollback production api-gateway <reason>` rolls the service back; an Alertmanager
 * alert 10 minutes after a release rolls it back automatically, and a second alert does nothing more.
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0); // outside the auto-approve window: a human approves
const SECRET = 'sandbox-chatops-signing-secret';
const REVIEWER = 'U0ADA000001'; // ada@hearloveen.io in the sandbox workspace
const ACTIONS = JSON.parse(readFileSync('test/fixtures/slack/block-actions.json', 'utf8')) as Record<
  string,
  unknown
>;
const SLASH = new URLSearchParams(readFileSync('test/fixtures/slack/slash-command.form', 'utf8').trim());
const config = join(mkdtempSync(join(tmpdir(), 'gantry-chatops-')), 'gantry.yaml');
writeFileSync(
  config,
  `${exampleWithoutRings()}
chat:
  principals:
    - { email: ada@hearloveen.io, name: ada, groups: [devops-team], roles: [Gantry.Operator, Gantry.Approver] }
`,
);

let azurite: AzuriteHandle;
let rig: SandboxRig;
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  process.env.GANTRY_SLACK_SIGNING_SECRET = SECRET;
  rig = await startSandboxRig({
    configPath: config,
    storage: azurite.connectionString,
    startTime: MONDAY_10,
    alertmanager: true,
  });
});
afterAll(async () => {
  await rig?.close();
  await azurite?.stop();
  delete process.env.GANTRY_SLACK_SIGNING_SECRET;
});

const slack = () => rig.sandbox.slack;
const am = (): SandboxAlertmanager => rig.sandbox.alertmanager as SandboxAlertmanager;
const messageOf = (id: string): SlackMessage | undefined =>
  slack()
    .messages()
    .find((m) => JSON.stringify(m.blocks).includes(id));
type Button = { action_id: string; value: string };
const buttons = (m: SlackMessage | undefined): Button[] =>
  ((m?.blocks ?? []) as Array<{ type: string; elements?: Button[] }>).find((b) => b.type === 'actions')
    ?.elements ?? [];
const headline = (m: SlackMessage | undefined): string | undefined =>
  (m?.blocks?.[0] as { text?: { text: string } } | undefined)?.text?.text;

async function signedPost(path: string, body: string): Promise<void> {
  const res = await rig.host.request(path, {
    method: 'POST',
    headers: slackSignedHeaders(SECRET, body, Math.floor(rig.host.clock.now() / 1000)),
    body,
  });
  expect(res.status).toBe(200);
  await res.body?.cancel();
}

/** Presses the Approve button of the deployment's own message as the mapped reviewer. */
async function approveWithButton(id: string): Promise<void> {
  await rig.host.waitFor(
    phaseInstanceId(id, 'approval'),
    (s) => s.runtimeStatus === 'Running' && String(s.customStatus ?? '').includes('"waitingFor":"approval'),
    { timeoutMs: 100_000 },
  );
  const message = messageOf(id);
  const approve = buttons(message).find((b) => b.action_id === 'gantry_approve');
  expect(approve?.value).toBe(id);
  const payload = {
    ...ACTIONS,
    user: { id: REVIEWER, username: 'ada', name: 'ada', team_id: 'T0SANDBOX1' },
    container: { type: 'message', message_ts: message?.ts, channel_id: SANDBOX_SLACK_CHANNEL },
    channel: { id: SANDBOX_SLACK_CHANNEL, name: 'deploys' },
    message: { ...(ACTIONS.message as object), ts: message?.ts, blocks: message?.blocks },
    response_url: slack().responseUrl(`approve-${id}`),
    actions: [{ ...(ACTIONS.actions as object[])[0], action_id: approve?.action_id, value: id }],
  };
  await signedPost(
    '/api/chat/slack/interactions',
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  );
  expect(JSON.stringify(await slack().response(`approve-${id}`))).toContain('approved');
}

async function release(tag: string): Promise<{ id: string; digest: string }> {
  const pushed = await rig.registryPush(`api-gateway:${tag}`);
  const id = pushed.deploymentId as string;
  await approveWithButton(id);
  await rig.host.waitFor(pipelineInstanceId(id), (s) => TERMINAL_STATUSES.has(s.runtimeStatus), {
    timeoutMs: 100_000,
  });
  await rig.host.idle();
  expect((await rig.view(id)).deployment.state).toBe('Succeeded');
  return { id, digest: pushed.digest };
}

describe('issue 15 done when, with the sandbox', () => {
  it(
    'runs releases, a slash-command rollback and an alert rollback from the channel',
    { timeout: 300_000 },
    async () => {
      // A push announced, approved with its button by a mapped reviewer, updated, closed as released.
      const first = await release('5.0.0');
      const m1 = messageOf(first.id);
      expect(
        slack()
          .messages()
          .filter((m) => m === m1),
      ).toHaveLength(1);
      expect(m1?.channel).toBe(SANDBOX_SLACK_CHANNEL);
      expect(headline(m1)).toBe('ApiGateway 5.0.0: released');
      expect(buttons(m1)).toEqual([]);
      const thread = m1?.replies.map((r) => r.text) ?? [];
      expect(thread[0]).toBe('Testing-&gt;AwaitingApproval');
      expect(thread).toContain('AwaitingApproval-&gt;Canary weight 0%');
      expect(thread.filter((t) => t?.startsWith('weight:'))).toHaveLength(4);
      expect(thread.at(-1)).toBe('Verifying-&gt;Succeeded: released');
      const timeline = (await rig.view(first.id)).timeline;
      expect(timeline.find((e) => e.title === 'approve:accepted')).toMatchObject({ actor: 'ada' });

      // `/gantry rollback production api-gateway <reason>`, as Slack posts a slash command.
      const second = await release('5.1.0');
      const form = new URLSearchParams(SLASH);
      form.set('user_id', REVIEWER);
      form.set('user_name', 'ada');
      form.set('channel_id', SANDBOX_SLACK_CHANNEL);
      form.set('text', 'rollback production api-gateway p95 doubled after 5.1.0');
      form.set('response_url', slack().responseUrl('rollback-1'));
      // In the release's very millisecond on the virtual clock: the rollback still lists as the newest.
      const asked = new Date(rig.host.clock.now()).toISOString();
      await signedPost('/api/chat/slack/commands', form.toString());
      const answer = (await slack().response('rollback-1')) as { response_type: string; text: string };
      expect(answer).toMatchObject({ response_type: 'in_channel' });
      expect(answer.text).toContain(`back from ${second.id} to ${first.id}: p95 doubled after 5.1.0`);
      await rolledBackAfter(asked);
      await rig.host.idle();
      expect(rig.prodImage()).toContain(first.digest);
      // The rolled-back release's own message says so: who and why.
      const m2 = messageOf(second.id);
      expect(headline(m2)).toBe('ApiGateway 5.1.0: rolled back');
      expect(m2?.replies.at(-1)?.text).toContain(`by ada: rolled back to ${first.id}`);

      // An Alertmanager alert 10 minutes after a release rolls it back; a second alert does nothing more.
      const third = await release('5.2.0');
      await rig.host.advance(10 * 60_000);
      expect(await rig.fault(third.digest, { alert: 'HighErrorRate' })).toBe(200);
      await rig.host.advance(30_000); // group_wait
      await delivered(1);
      await rolledBackAfter(am().deliveries[0]?.at ?? '');
      await rig.host.idle();
      expect(rig.prodImage()).toContain(first.digest);
      expect(headline(messageOf(third.id))).toBe('ApiGateway 5.2.0: rolled back');
      expect(messageOf(third.id)?.replies.at(-1)?.text).toMatch(/alert HighErrorRate firing/);
      expect(await rig.fault(first.digest, { alert: 'HighLatency' })).toBe(200);
      await rig.host.advance(30_000);
      await delivered(3); // the first alert resolved, then the second one
      await rig.host.idle();
      const alerts = async (id: string) =>
        (await rig.view(id)).timeline.filter((e) => e.title.startsWith('alert:')).map((e) => e.title);
      expect(await alerts(third.id)).toEqual(['alert:rolled-back']);
      expect(await alerts(first.id)).not.toContain('alert:rolled-back');
      expect(rig.prodImage()).toContain(first.digest);
      const rollbacks = slack().calls.filter((c) => JSON.stringify(c.params).includes('rolled back'));
      expect(rollbacks.length).toBeGreaterThan(0);
    },
  );
});

/** Until a rollback started at or after `at` has finished (the instance id is reused per service). */
async function rolledBackAfter(at: string): Promise<void> {
  await rig.host.waitFor(
    rollbackInstanceId('ApiGateway'),
    (s) => s.createdTime >= at && TERMINAL_STATUSES.has(s.runtimeStatus),
    { timeoutMs: 100_000 },
  );
  await rig.host.idle();
}

async function delivered(count: number): Promise<void> {
  for (let i = 0; i < 5_000 && am().deliveries.length < count; i++)
    await new Promise((resolve) => setImmediate(resolve));
  expect(am().deliveries.length).toBe(count);
}
