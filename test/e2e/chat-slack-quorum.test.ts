import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { startSlackStandIn, type SlackStandIn } from '../../sandbox/slack.js';
import { slackSignedHeaders } from '../fakes/slack-signing.js';
import { digest, PipelineHarness } from './pipeline-harness.js';

/**
 * M-of-N from Slack: with `minApprovers: 2` one reviewer's press is recorded but the run keeps waiting;
 * a second reviewer's `/gantry approve` completes the quorum and the canary starts. The same rule as the
 * HTTP path (shared/app/approvals.ts `decide`), reached through signed Slack requests.
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const SECRET = 'slack-signing-secret-quorum-0123';
const TOKEN = 'xoxb-quorum-e2e-token';
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const SLASH = readFileSync('test/fixtures/slack/slash-command.form', 'utf8').trim();
const ACTIONS = JSON.parse(readFileSync('test/fixtures/slack/block-actions.json', 'utf8')) as Record<
  string,
  unknown
>;
const example = readFileSync('config/gantry.example.yaml', 'utf8');
const config = join(mkdtempSync(join(tmpdir(), 'gantry-quorum-')), 'gantry.yaml');
writeFileSync(
  config,
  `${example.replace('    minApprovers: 1\n', '    minApprovers: 2\n')}
chat:
  principals:
    - { email: ada@hearloveen.io, name: ada, groups: [devops-team], roles: [Gantry.Approver] }
    - { email: linus@hearloveen.io, name: linus, groups: [tech-lead], roles: [Gantry.Approver] }
`,
);

let azurite: AzuriteHandle;
let slack: SlackStandIn;
let h: PipelineHarness;
beforeAll(async () => {
  expect(readFileSync(config, 'utf8')).toContain('minApprovers: 2');
  azurite = await startAzurite({ location: undefined });
  slack = await startSlackStandIn({ token: TOKEN });
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
});
afterAll(async () => {
  await h?.close();
  await slack?.close();
  await azurite?.stop();
  for (const name of ['GANTRY_SLACK_SIGNING_SECRET', 'GANTRY_SLACK_BOT_TOKEN', 'GANTRY_SLACK_API_URL'])
    delete process.env[name];
});

/** Posts a signed Slack request and returns what Gantry answered at its response_url. */
async function ask(route: 'commands' | 'interactions', body: string): Promise<unknown> {
  const before = slack.responses.length;
  const res = await h.host.request(`/api/chat/slack/${route}`, {
    method: 'POST',
    headers: slackSignedHeaders(SECRET, body, Math.floor(h.host.clock.now() / 1000)),
    body,
  });
  expect(res.status).toBe(200);
  await res.body?.cancel();
  return (await slack.replyAfter(before)).body;
}

describe('M-of-N approval from Slack', () => {
  it(
    'one press is not enough with minApprovers 2; a second reviewer’s /gantry approve is',
    { timeout: 120_000 },
    async () => {
      const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.7.0@${digest()}`);
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

      // linus (tech-lead) presses Approve: accepted, but one of two.
      const payload = {
        ...ACTIONS,
        user: { id: 'U0LINUS0001', username: 'linus', name: 'linus', team_id: 'T0SANDBOX1' },
        response_url: slack.responseUrl('press-1'),
        actions: [{ ...(ACTIONS.actions as object[])[0], action_id: 'gantry_approve', value: d.id }],
      };
      expect(
        await ask('interactions', new URLSearchParams({ payload: JSON.stringify(payload) }).toString()),
      ).toEqual({
        response_type: 'in_channel',
        text: `linus approved ${d.id}.`,
      });
      await h.host.idle();
      await h.waitForPhase(d.id, 'approval', 'approval', false);
      expect((await h.view(d.id)).deployment.state).toBe('AwaitingApproval');
      // Pressing again does not count twice.
      const again = { ...payload, response_url: slack.responseUrl('press-2') };
      const refused = (await ask(
        'interactions',
        new URLSearchParams({ payload: JSON.stringify(again) }).toString(),
      )) as {
        text: string;
      };
      expect(refused.text).toMatch(/^Refused \(approval-refused\): /);

      // ada (devops-team) completes the quorum with the slash command.
      const form = new URLSearchParams(SLASH);
      form.set('user_id', 'U0ADA000001');
      form.set('user_name', 'ada');
      form.set('text', `approve ${d.id}`);
      form.set('response_url', slack.responseUrl('cmd-1'));
      expect(await ask('commands', form.toString())).toEqual({
        response_type: 'in_channel',
        text: `ada approved ${d.id}.`,
      });
      await h.waitForPhase(d.id, 'approval', 'wait timer', false);
      const view = await h.finish(d.id);
      expect(view.deployment.state).toBe('Succeeded');
      const accepted = view.timeline.filter((e) => e.title === 'approve:accepted').map((e) => e.actor);
      expect(accepted).toEqual(['linus', 'ada']);
    },
  );
});
