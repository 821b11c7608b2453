import { exampleWithoutRingsFile } from '../fixtures/example-config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TERMINAL_STATUSES } from '../../devhost/durable/types.js';
import type { SlackMessage } from '../../sandbox/slack.js';
import { announceInstanceId } from '../../shared/contracts/chat.js';
import { laneInstanceId, phaseInstanceId, pipelineInstanceId } from '../../shared/contracts/events.js';
import { CI_HEADERS, startSandboxRig, type SandboxRig } from './sandbox-rig.js';

/**
 * A push queued behind a running release is announced at the push, naming what it waits behind; when the
 * lane later starts it, that same Slack message is updated (one deployment, one message). The compiled app
 * on the dev host talks to the sandbox's Slack stand-in; the example pipeline file routes every event there.
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0); // outside the auto-approve window: the first run waits

let azurite: AzuriteHandle;
let rig: SandboxRig;
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  rig = await startSandboxRig({
    configPath: exampleWithoutRingsFile(),
    storage: azurite.connectionString,
    startTime: MONDAY_10,
  });
});
afterAll(async () => {
  await rig?.close();
  await azurite?.stop();
});

const messagesOf = (id: string): SlackMessage[] =>
  rig.sandbox.slack.messages().filter((m) => JSON.stringify(m.blocks).includes(id));
const headline = (m: SlackMessage | undefined): string | undefined =>
  (m?.blocks?.[0] as { text?: { text: string } } | undefined)?.text?.text;

describe('a push queued behind a running release', () => {
  it(
    'is announced at the push and its message is updated when the lane starts it',
    { timeout: 200_000 },
    async () => {
      const first = await rig.registryPush('api-gateway:6.0.0');
      const firstId = first.deploymentId as string;
      await rig.host.waitFor(
        phaseInstanceId(firstId, 'approval'),
        (s) =>
          s.runtimeStatus === 'Running' && String(s.customStatus ?? '').includes('"waitingFor":"approval'),
        { timeoutMs: 100_000 },
      );
      const second = await rig.registryPush('api-gateway:6.1.0');
      const secondId = second.deploymentId as string;
      await rig.host.waitFor(announceInstanceId(secondId), (s) => TERMINAL_STATUSES.has(s.runtimeStatus), {
        timeoutMs: 100_000,
      });
      const [queued, ...more] = messagesOf(secondId);
      expect(more).toEqual([]);
      expect(headline(queued)).toBe('ApiGateway 6.1.0: queued');
      const text = JSON.stringify(queued?.blocks);
      expect(text).toContain(`queued behind ${firstId}`);
      expect(text).toContain(second.digest);
      expect(text).toContain(`/api/dashboard#/deployments/${encodeURIComponent(secondId)}`);
      const commit = (await rig.view(secondId)).deployment.commitSha;
      if (commit) expect(text).toContain(commit.slice(0, 7));
      expect((await rig.view(secondId)).deployment.state).toBe('Queued');

      // The running release ends (cancelled here); the lane takes the queued push and updates its message.
      const cancel = await rig.host.request(`/api/deployments/${encodeURIComponent(firstId)}/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...CI_HEADERS },
        body: JSON.stringify({}),
      });
      expect(cancel.status).toBeLessThan(300);
      await cancel.body?.cancel();
      await rig.host.waitFor(pipelineInstanceId(firstId), (s) => TERMINAL_STATUSES.has(s.runtimeStatus), {
        timeoutMs: 100_000,
      });
      await rig.host.waitFor(
        laneInstanceId('ApiGateway'),
        (s) => String(JSON.stringify(s.customStatus ?? '')).includes(secondId),
        { timeoutMs: 100_000 },
      );
      await rig.host.idle();
      const after = messagesOf(secondId);
      expect(after).toHaveLength(1);
      expect(after[0]?.ts).toBe(queued?.ts);
      expect(after[0]?.updates).toBeGreaterThan(0);
      expect(headline(after[0])).not.toBe('ApiGateway 6.1.0: queued');
    },
  );
});
