import { exampleWithoutRings } from '../fixtures/example-config.js';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest } from './pipeline-harness.js';
import { startSlackRig, type SlackRig } from './slack-rig.js';

/**
 * A production freeze from Slack: a freeze active when the run reaches the approval stage ends the run
 * there (`blocked by freeze`), so an Approve from chat has nothing to approve and is refused, changing
 * nothing. The same rule as the HTTP path (shared/app/approvals.ts `decide`).
 */
const SLASH = readFileSync('test/fixtures/slack/slash-command.form', 'utf8').trim();
const example = exampleWithoutRings();
const config = `${example.replace(
  '  freezes: []\n',
  "  freezes:\n    - { name: incident-review, from: '2026-01-05T09:00:00Z', to: '2026-01-05T18:00:00Z', reason: Incident review }\n",
)}
chat:
  principals:
    - { email: ada@hearloveen.io, name: ada, groups: [devops-team], roles: [Gantry.Approver] }
    - { email: linus@hearloveen.io, name: linus, groups: [tech-lead], roles: [Gantry.Approver] }
`;

let rig: SlackRig;
beforeAll(async () => {
  expect(config).toContain('name: incident-review');
  rig = await startSlackRig({ name: 'freeze', config });
});
afterAll(async () => {
  await rig?.close();
});

describe('a freeze, from Slack', () => {
  it(
    'ends the run at the approval stage; a /gantry approve is refused and changes nothing',
    { timeout: 120_000 },
    async () => {
      const { h, slack, ask } = rig;
      const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.8.0@${digest()}`);
      await rig.passTests(d.id);
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
