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
 * A production freeze from Slack: a freeze active when the run reaches the approval stage ends the run
 * there (`blocked by freeze`), so an Approve from chat has nothing to approve and is refused, changing
 * nothing. The same rule as the HTTP path (shared/app/approvals.ts `decide`).
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const SECRET = 'slack-signing-secret-freeze-0123';
const TOKEN = 'xoxb-freeze-e2e-token';
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const SLASH = readFileSync('test/fixtures/slack/slash-command.form', 'utf8').trim();
const example = readFileSync('config/gantry.example.yaml', 'utf8');
const config = join(mkdtempSync(join(tmpdir(), 'gantry-freeze-')), 'gantry.yaml');
writeFileSync(
  config,
  `${example.replace(
    '  freezes: []\n',
    "  freezes:\n    - { name: incident-review, from: '2026-01-05T09:00:00Z', to: '2026-01-05T18:00:00Z', reason: Incident review }\n",
  )}
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
  expect(readFileSync(config, 'utf8')).toContain('name: incident-review');
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

describe('a freeze, from Slack', () => {
  it(
    'ends the run at the approval stage; a /gantry approve is refused and changes nothing',
    { timeout: 120_000 },
    async () => {
      const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.8.0@${digest()}`);
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
      const view = await h.finish(d.id);
      expect(view.deployment.state).toBe('Failed');
      expect(view.deployment.reason).toContain(
        'blocked by freeze: freeze "incident-review": Incident review',
      );
      const form = new URLSearchParams(SLASH);
      form.set('user_id', 'U0ADA000001');
      form.set('user_name', 'ada');
      form.set('text', `approve ${d.id}`);
      form.set('response_url', slack.responseUrl('cmd-1'));
      const reply = (await ask('commands', form.toString())) as { response_type: string; text: string };
      expect(reply.response_type).toBe('ephemeral');
      expect(reply.text).toMatch(/^Refused \(not-awaiting-approval\): /);
      const after = await h.view(d.id);
      expect(after.deployment.state).toBe('Failed');
      expect(after.timeline.filter((e) => e.title.startsWith('approve:'))).toEqual([]);
    },
  );
});
