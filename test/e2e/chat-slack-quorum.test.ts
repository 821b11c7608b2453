import { exampleWithoutRings } from '../fixtures/example-config.js';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest } from './pipeline-harness.js';
import { startSlackRig, type SlackRig } from './slack-rig.js';

/**
 * M-of-N from Slack: with `minApprovers: 2` one reviewer's press is recorded but the run keeps waiting;
 * a second reviewer's `/gantry approve` completes the quorum and the canary starts. The same rule as the
 * HTTP path (shared/app/approvals.ts `decide`), reached through signed Slack requests.
 */
const SLASH = readFileSync('test/fixtures/slack/slash-command.form', 'utf8').trim();
const ACTIONS = JSON.parse(readFileSync('test/fixtures/slack/block-actions.json', 'utf8')) as Record<
  string,
  unknown
>;
const example = exampleWithoutRings();
const config = `${example.replace('    minApprovers: 1\n', '    minApprovers: 2\n')}
chat:
  principals:
    - { email: ada@hearloveen.io, name: ada, groups: [devops-team], roles: [Gantry.Approver] }
    - { email: linus@hearloveen.io, name: linus, groups: [tech-lead], roles: [Gantry.Approver] }
`;

let rig: SlackRig;
beforeAll(async () => {
  expect(config).toContain('minApprovers: 2');
  rig = await startSlackRig({ name: 'quorum', config });
});
afterAll(async () => {
  await rig?.close();
});

describe('M-of-N approval from Slack', () => {
  it(
    'one press is not enough with minApprovers 2; a second reviewer’s /gantry approve is',
    { timeout: 120_000 },
    async () => {
      const { h, slack, ask } = rig;
      const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.7.0@${digest()}`);
      await rig.passTests(d.id);
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
